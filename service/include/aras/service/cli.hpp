// The `aras` command line: one entry point that dispatches to the subcommands.
#pragma once

#include <string>

namespace aras::service {

// Runs `aras <command> [args...]`; returns the process exit code. Never throws.
int run_cli(int argc, char** argv);

// The data directory used when no --data is given: $ARAS_DATA, else the embedded dataset.
std::string default_data_dir();

}  // namespace aras::service
