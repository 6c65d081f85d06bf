// Subcommands `aras layers` (what a data source holds) and `aras export` (one layer to a file).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>

#include "aras/geo/layer_io.hpp"
#include "aras/service/cli.hpp"
#include "cli_args.hpp"
#include "cli_commands.hpp"

namespace aras::service::cli {

namespace {

// --data takes a data directory (its shapefiles/ folder), any directory or file OGR opens, or a
// "PG:..." connection string.
std::string layer_source(const Args& args) {
    const std::string data = args.value_or("--data", default_data_dir());
    if (data.rfind("PG:", 0) == 0) return data;
    const std::string shapefiles = geo::shapefile_source(data);
    std::error_code ec;
    if (std::filesystem::is_directory(shapefiles, ec)) return shapefiles;
    if (!std::filesystem::exists(data, ec)) throw std::runtime_error("data source '" + data + "' does not exist");
    return data;
}

std::string extent_text(const geo::BBox& b) {
    if (b.empty()) return "-";
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.4f,%.4f,%.4f,%.4f", b.min_lon, b.min_lat, b.max_lon, b.max_lat);
    return buf;
}

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

}  // namespace

int layers(const CommandArgs& argv) {
    Args args(argv, {"--data"});
    if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
    const std::string source = layer_source(args);
    const auto infos = geo::list_layers(source);
    std::size_t wn = 5, wt = 8;
    for (const auto& i : infos) {
        wn = std::max(wn, i.name.size() + 1);
        wt = std::max(wt, i.geometry_type.size() + 1);
    }
    std::cout << pad("name", wn) << pad("geometry", wt) << pad("count", 9) << "extent (lon/lat)\n";
    for (const auto& i : infos)
        std::cout << pad(i.name, wn) << pad(i.geometry_type, wt) << pad(std::to_string(i.feature_count), 9)
                  << extent_text(i.extent) << "\n";
    return 0;
}

int export_layer(const CommandArgs& argv) {
    Args args(argv, {"--data", "--format", "--out"});
    const std::string& name = args.require_positional(0, "LAYER");
    if (args.positional().size() > 1) throw UsageError("unexpected argument '" + args.positional()[1] + "'");
    const auto format_name = args.value("--format");
    if (!format_name) throw UsageError("missing --format");
    const auto out = args.value("--out");
    if (!out || out->empty()) throw UsageError("missing --out");
    geo::VectorFormat format;
    try {
        format = geo::parse_vector_format(*format_name);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    geo::LoadReport report;
    const geo::Layer layer = geo::read_layer(layer_source(args), name, &report);
    geo::write_layer(layer, *out, format);
    std::cerr << "wrote " << layer.features.size() << " features of " << layer.name << " to " << *out;
    if (report.reprojected) std::cerr << " (reprojected from " << report.source_crs << ")";
    if (report.repaired || report.dropped)
        std::cerr << "; " << report.repaired << " repaired, " << report.dropped << " dropped";
    std::cerr << "\n";
    return 0;
}

}  // namespace aras::service::cli
