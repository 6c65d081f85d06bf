// Subcommands: import_osm load_postgis. Not implemented yet.
#include <iostream>

#include "cli_commands.hpp"

namespace aras::service::cli {

int import_osm(const CommandArgs&) {
    std::cerr << "aras: import_osm is not implemented yet\n";
    return 3;
}

int load_postgis(const CommandArgs&) {
    std::cerr << "aras: load_postgis is not implemented yet\n";
    return 3;
}

}  // namespace aras::service::cli
