// The subcommands of `aras`, one function each: args are what follows the command name.
#pragma once

#include <string>
#include <vector>

namespace aras::service::cli {

using CommandArgs = std::vector<std::string>;

// Layers (cli_layers.cpp)
int layers(const CommandArgs& args);
int export_layer(const CommandArgs& args);
// Geocoding (cli_geocode.cpp)
int geocode(const CommandArgs& args);
int reverse(const CommandArgs& args);
int geoparse(const CommandArgs& args);
// Routing (cli_route.cpp)
int nearest(const CommandArgs& args);
int route(const CommandArgs& args);
int isochrone(const CommandArgs& args);
int matrix(const CommandArgs& args);
// Corridors, scenarios, proximity (cli_analysis.cpp)
int corridor(const CommandArgs& args);
int compare(const CommandArgs& args);
int proximity(const CommandArgs& args);
// The HTTP service (cli_serve.cpp)
int serve(const CommandArgs& args);
// Data import (cli_import.cpp)
int import_osm(const CommandArgs& args);
int load_postgis(const CommandArgs& args);

}  // namespace aras::service::cli
