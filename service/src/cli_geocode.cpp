// Subcommands: geocode reverse geoparse. Not implemented yet.
#include <iostream>

#include "cli_commands.hpp"

namespace aras::service::cli {

int geocode(const CommandArgs&) {
    std::cerr << "aras: geocode is not implemented yet\n";
    return 3;
}

int reverse(const CommandArgs&) {
    std::cerr << "aras: reverse is not implemented yet\n";
    return 3;
}

int geoparse(const CommandArgs&) {
    std::cerr << "aras: geoparse is not implemented yet\n";
    return 3;
}

}  // namespace aras::service::cli
