#include "aras/service/cli.hpp"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>

#include "cli_args.hpp"
#include "cli_commands.hpp"

namespace aras::service {

namespace {

struct Command {
    std::string_view name;
    int (*run)(const cli::CommandArgs&);
    std::string_view usage;
};

constexpr Command kCommands[] = {
    {"layers", cli::layers, "layers [--data DIR|PG:...]"},
    {"export", cli::export_layer, "export LAYER --format geojson|gpkg|shp|fgb|kml --out FILE [--data DIR]"},
    {"geocode", cli::geocode, "geocode QUERY [--country ISO2] [--near lon,lat] [--limit N]"},
    {"reverse", cli::reverse, "reverse LON LAT"},
    {"geoparse", cli::geoparse, "geoparse FILE|-"},
    {"nearest", cli::nearest, "nearest LON LAT"},
    {"route", cli::route,
     "route --from A --to B [--via C]... [--alternatives N] [--close-crossing NAME]... [--open-crossing NAME]... "
     "[--close-road ID]... [--avoid lon,lat,radius_km]... [--avoid-soft lon,lat,radius_km,factor]... "
     "[--avoid-geojson FILE] [--metric time|distance] [--crossing-penalty-h H] [--algorithm ch|alt|dijkstra] "
     "[--data DIR] [--cache-dir DIR]"},
    {"isochrone", cli::isochrone, "isochrone --from A --hours 1,2,4 [--buffer-m M] [costing options of route]"},
    {"matrix", cli::matrix, "matrix --from A;B;... --to C;D;... [costing options of route]"},
    {"corridor", cli::corridor, "corridor --scenario FILE [--summary] [--out FILE] [--data DIR]"},
    {"compare", cli::compare, "compare A.json B.json [--out FILE] [--data DIR]"},
    {"proximity", cli::proximity, "proximity PLACE|lon,lat [--to borders|crossings|places|roads]... [--within-km N] [--crossings N] "
     "[--scenario FILE] [--data DIR]"},
    {"serve", cli::serve, "serve [--data DIR|PG:...] [--host 127.0.0.1] [--port 8080] [--threads N]"},
    {"import", cli::import_osm, "import FILE.osm.pbf --out DIR"},
    {"load-postgis", cli::load_postgis, "load-postgis PG:... [--data DIR]"},
};

void print_usage(std::ostream& os) {
    os << "usage: aras <command> [options]\n\ncommands:\n";
    for (const auto& c : kCommands) os << "  aras " << c.usage << "\n";
}

}  // namespace

std::string default_data_dir() {
    if (const char* env = std::getenv("ARAS_DATA"); env && *env) return env;
    return ARAS_DEFAULT_DATA_DIR;
}

int run_cli(int argc, char** argv) {
    if (argc < 2) {
        print_usage(std::cerr);
        return 2;
    }
    const std::string_view name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        print_usage(std::cout);
        return 0;
    }
    if (name == "--version") {
        std::cout << "aras " << ARAS_VERSION << "\n";
        return 0;
    }
    for (const auto& c : kCommands) {
        if (c.name != name) continue;
        cli::CommandArgs args(argv + 2, argv + argc);
        if (args.size() == 1 && (args[0] == std::string_view("--help") || args[0] == std::string_view("-h"))) {
            std::cout << "usage: aras " << c.usage << "\n";
            return 0;
        }
        try {
            return c.run(args);
        } catch (const UsageError& e) {
            std::cerr << "aras " << c.name << ": " << e.what() << "\nusage: aras " << c.usage << "\n";
            return 2;
        } catch (const std::exception& e) {
            std::cerr << "aras " << c.name << ": error: " << e.what() << "\n";
            return 1;
        }
    }
    std::cerr << "aras: unknown command '" << name << "'\n";
    print_usage(std::cerr);
    return 2;
}

}  // namespace aras::service
