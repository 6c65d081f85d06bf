// Subcommands: layers export_layer. Not implemented yet.
#include <iostream>

#include "cli_commands.hpp"

namespace aras::service::cli {

int layers(const CommandArgs&) {
    std::cerr << "aras: layers is not implemented yet\n";
    return 3;
}

int export_layer(const CommandArgs&) {
    std::cerr << "aras: export_layer is not implemented yet\n";
    return 3;
}

}  // namespace aras::service::cli
