// Subcommands: corridor compare proximity. Not implemented yet.
#include <iostream>

#include "cli_commands.hpp"

namespace aras::service::cli {

int corridor(const CommandArgs&) {
    std::cerr << "aras: corridor is not implemented yet\n";
    return 3;
}

int compare(const CommandArgs&) {
    std::cerr << "aras: compare is not implemented yet\n";
    return 3;
}

int proximity(const CommandArgs&) {
    std::cerr << "aras: proximity is not implemented yet\n";
    return 3;
}

}  // namespace aras::service::cli
