// Subcommands: nearest route isochrone matrix. Not implemented yet.
#include <iostream>

#include "cli_commands.hpp"

namespace aras::service::cli {

int nearest(const CommandArgs&) {
    std::cerr << "aras: nearest is not implemented yet\n";
    return 3;
}

int route(const CommandArgs&) {
    std::cerr << "aras: route is not implemented yet\n";
    return 3;
}

int isochrone(const CommandArgs&) {
    std::cerr << "aras: isochrone is not implemented yet\n";
    return 3;
}

int matrix(const CommandArgs&) {
    std::cerr << "aras: matrix is not implemented yet\n";
    return 3;
}

}  // namespace aras::service::cli
