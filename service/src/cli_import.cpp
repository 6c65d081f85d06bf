// `aras import` (OSM extract -> a data directory) and `aras load-postgis` (a data directory -> PostGIS).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/layer_io.hpp"
#include "aras/geo/osm_import.hpp"
#include "aras/service/cli.hpp"
#include "cli_args.hpp"
#include "cli_commands.hpp"

namespace aras::service::cli {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// A bar redrawn in place on a terminal; one plain line every few seconds when stderr is a file or a pipe.
class ImportProgress {
public:
    explicit ImportProgress(bool quiet) : quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}

    void operator()(const geo::OsmImportProgress& p) {
        if (quiet_) return;
        const auto now = Clock::now();
        const double secs = std::chrono::duration<double>(now - start_).count();
        const double rate = secs > 0 ? static_cast<double>(p.features_read) / secs : 0.0;
        // A terminal is redrawn ten times a second at most; a log gets a line every two seconds.
        const auto every = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000);
        if (!p.done && now - last_ < every) return;
        last_ = now;
        char line[256];
        const int pct = static_cast<int>(p.fraction * 100.0 + 0.5);
        if (tty_) {
            constexpr int kWidth = 30;
            const int filled = std::min(kWidth, std::max(0, static_cast<int>(p.fraction * kWidth)));
            std::string bar(static_cast<std::size_t>(filled), '#');
            bar.resize(kWidth, '-');
            std::snprintf(line, sizeof line, "\r[%s] %3d%%  %zu features  %zu roads  %zu places  %zu crossings  %.0f/s ",
                          bar.c_str(), pct, p.features_read, p.roads, p.places, p.crossings, rate);
            std::cerr << line;
            if (p.done) std::cerr << "\n";
        } else {
            std::snprintf(line, sizeof line, "import: %3d%%  %zu features  %zu roads  %zu places  %zu crossings  %.0f/s\n",
                          pct, p.features_read, p.roads, p.places, p.crossings, rate);
            std::cerr << line;
        }
        std::cerr.flush();
    }

private:
    bool quiet_;
    bool tty_;
    Clock::time_point start_;
    Clock::time_point last_{};
};

// A shapefile string field holds at most 254 bytes: keep whole name entries, the planners' languages first.
std::string fit_names(const std::string& names_json) {
    constexpr std::size_t kMax = 254;
    if (names_json.size() <= kMax) return names_json;
    const auto all = nlohmann::json::parse(names_json, nullptr, false);
    if (!all.is_object()) return {};
    nlohmann::json kept = nlohmann::json::object();
    auto try_add = [&](const std::string& lang, const nlohmann::json& v) {
        kept[lang] = v;
        if (kept.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size() > kMax) kept.erase(lang);
    };
    for (const char* lang : {"en", "he", "fa", "ru", "az", "tr", "hy", "ka", "ar"})
        if (all.contains(lang)) try_add(lang, all[lang]);
    for (const auto& [lang, v] : all.items())
        if (!kept.contains(lang)) try_add(lang, v);
    return kept.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Removes a half-written output directory unless the import got to the end.
class TempDir {
public:
    explicit TempDir(fs::path p) : path_(std::move(p)) {
        fs::remove_all(path_);
        fs::create_directories(path_ / "shapefiles");
    }
    ~TempDir() {
        if (!kept_) {
            std::error_code ec;
            fs::remove_all(path_, ec);
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    void keep() { kept_ = true; }

private:
    fs::path path_;
    bool kept_ = false;
};

}  // namespace

int import_osm(const CommandArgs& argv) {
    const Args args(argv, {"--out", "--osmconf"}, {"--force", "--quiet"});
    const std::string input = args.require_positional(0, "FILE.osm.pbf");
    if (args.positional().size() > 1) throw UsageError("one input file only");
    const auto out_opt = args.value("--out");
    if (!out_opt || out_opt->empty()) throw UsageError("missing --out DIR");
    fs::path out = fs::path(*out_opt).lexically_normal();
    if (out.has_filename() == false) out = out.parent_path();  // "dir/" -> "dir"
    if (fs::exists(out) && !args.flag("--force"))
        throw std::runtime_error(out.string() + " already exists (use --force to replace it)");
    if (!fs::exists(input)) throw std::runtime_error(input + ": no such file");

    const auto start = Clock::now();
    // Everything goes to DIR.tmp and is renamed at the end: a failed import leaves no partial DIR behind.
    TempDir tmp(fs::path(out.string() + ".tmp"));

    ImportProgress progress(args.flag("--quiet"));
    geo::OsmImportOptions options;
    options.osmconf_path = args.value_or("--osmconf", "");
    options.progress = [&progress](const geo::OsmImportProgress& p) { progress(p); };
    geo::OsmLayers layers = geo::import_osm(input, options);

    // The region's gazetteer (every name:* language), so geocode, reverse and geoparse work on DIR.
    geo::write_gazetteer(layers.places, layers.countries, tmp.path().string());
    // The places with every name:* kept, which a shapefile's 254-byte fields cannot hold.
    geo::write_layer(layers.places, (tmp.path() / "places.geojson").string(), geo::VectorFormat::GeoJSON);
    for (auto& f : layers.places.features) f.properties["names"] = fit_names(f.properties.value("names", std::string()));

    const fs::path shp = tmp.path() / "shapefiles";
    nlohmann::json counts = nlohmann::json::object();
    for (const geo::Layer* layer :
         {&layers.roads, &layers.crossings, &layers.places, &layers.countries, &layers.borders}) {
        geo::write_layer(*layer, (shp / (layer->name + ".shp")).string(), geo::VectorFormat::Shapefile);
        counts[layer->name] = layer->features.size();
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    nlohmann::json meta = {{"source", fs::absolute(input).string()},
                           {"importer", "aras import (GDAL OSM driver)"},
                           {"licence", "ODbL 1.0, (c) OpenStreetMap contributors"},
                           {"layers", counts}};
    std::ofstream(tmp.path() / "import.json") << meta.dump(2) << "\n";

    if (fs::exists(out)) fs::remove_all(out);
    fs::rename(tmp.path(), out);
    tmp.keep();
    if (!args.flag("--quiet")) {
        std::ostringstream line;
        line << "imported " << input << " -> " << out.string() << " in " << secs << " s:";
        for (const auto& [name, n] : counts.items()) line << " " << name << "=" << n.get<std::size_t>();
        std::cerr << line.str() << "\n";
    }
    return 0;
}

int load_postgis(const CommandArgs& argv) {
    const Args args(argv, {"--data", "--layer"}, {"--quiet"});
    const std::string target = args.require_positional(0, "PG:\"host=... dbname=...\"");
    if (target.rfind("PG:", 0) != 0) throw UsageError("the target must be a PG:\"...\" connection string");
    const std::string data_dir = args.value_or("--data", default_data_dir());
    const std::string source = geo::shapefile_source(data_dir);
    std::vector<std::string> names = args.values("--layer");
    if (names.empty())
        for (const auto& info : geo::list_layers(source)) names.push_back(info.name);
    if (names.empty()) throw std::runtime_error("no layers in " + source);
    for (const auto& name : names) {
        const auto start = Clock::now();
        const geo::Layer layer = geo::read_layer(source, name);
        geo::write_layer_to(layer, target, name);
        if (!args.flag("--quiet"))
            std::cerr << "loaded " << name << ": " << layer.features.size() << " features in "
                      << std::chrono::duration<double>(Clock::now() - start).count() << " s\n";
    }
    return 0;
}

}  // namespace aras::service::cli
