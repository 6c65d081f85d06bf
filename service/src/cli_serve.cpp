// Subcommands: serve. Not implemented yet.
#include <iostream>

#include "cli_commands.hpp"

namespace aras::service::cli {

int serve(const CommandArgs&) {
    std::cerr << "aras: serve is not implemented yet\n";
    return 3;
}

}  // namespace aras::service::cli
