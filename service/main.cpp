// The `aras` command-line entry point: everything happens in aras::service::run_cli.
#include "aras/service/cli.hpp"

int main(int argc, char** argv) { return aras::service::run_cli(argc, argv); }
