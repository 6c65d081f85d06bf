// Subcommands: corridor (scenario → corridors GeoJSON), compare (two scenarios), proximity (point → distances).
#include <cctype>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geojson.hpp"
#include "aras/routing/corridor.hpp"
#include "aras/routing/proximity.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"
#include "aras/routing/scenario.hpp"
#include "aras/service/cli.hpp"
#include "cli_args.hpp"
#include "cli_commands.hpp"

namespace aras::service::cli {
namespace {

std::shared_ptr<const routing::Router> load_router(const std::string& data_dir) {
    return std::make_shared<const routing::Router>(routing::RoadGraph::load_or_build(data_dir));
}

// Parses and locates a scenario file; its errors name the file and the JSON pointer.
routing::Scenario load_scenario(const std::string& path, const std::string& data_dir,
                                std::shared_ptr<const geo::Gazetteer>& gazetteer) {
    try {
        routing::Scenario s = routing::load_scenario_file(path);
        if (!s.located()) {
            if (!gazetteer) gazetteer = geo::Gazetteer::load(data_dir);
            routing::locate(s, *gazetteer);
        }
        return s;
    } catch (const routing::ScenarioError& e) {
        throw std::runtime_error("scenario " + path + ": " + e.what());
    }
}

routing::CorridorPlan plan(const routing::Router& router, const routing::Scenario& s, const std::string& path) {
    try {
        return routing::plan_corridors(router, s);
    } catch (const routing::ScenarioError& e) {
        throw std::runtime_error("scenario " + path + ": " + e.what());
    }
}

void write_output(const std::string& text, const std::optional<std::string>& out) {
    if (!out || *out == "-") {
        std::cout << text << "\n";
        return;
    }
    std::ofstream f(*out, std::ios::binary);
    if (!f) throw std::runtime_error("cannot write " + *out);
    f << text << "\n";
    if (!f) throw std::runtime_error("cannot write " + *out);
}

std::optional<geo::LonLat> try_lonlat(const std::string& text) {
    const auto comma = text.find(',');
    if (comma == std::string::npos) return std::nullopt;
    try {
        std::size_t a = 0, b = 0;
        const std::string lon_s = text.substr(0, comma), lat_s = text.substr(comma + 1);
        const geo::LonLat p{std::stod(lon_s, &a), std::stod(lat_s, &b)};
        if (a != lon_s.size() || b != lat_s.size()) return std::nullopt;
        if (!geo::is_valid(p)) throw UsageError("position must be lon,lat within [-180,180],[-90,90] (got '" + text + "')");
        return p;
    } catch (const UsageError&) {
        throw;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

int corridor(const CommandArgs& argv) {
    const Args args(argv, {"--scenario", "--data", "--out"}, {"--summary"});
    if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional().front() + "'");
    const auto path = args.value("--scenario");
    if (!path) throw UsageError("--scenario FILE is required");
    const std::string data_dir = args.value_or("--data", default_data_dir());
    std::shared_ptr<const geo::Gazetteer> gazetteer;
    const routing::Scenario s = load_scenario(*path, data_dir, gazetteer);
    const auto router = load_router(data_dir);
    const routing::CorridorPlan p = plan(*router, s, *path);
    if (args.flag("--summary")) write_output(routing::summary_json(p, s).dump(2), args.value("--out"));
    else write_output(geo::to_geojson(routing::to_feature_collection(p, s)), args.value("--out"));
    return 0;
}

int compare(const CommandArgs& argv) {
    const Args args(argv, {"--data", "--out"});
    const std::string& a_path = args.require_positional(0, "A.json");
    const std::string& b_path = args.require_positional(1, "B.json");
    if (args.positional().size() > 2) throw UsageError("unexpected argument '" + args.positional()[2] + "'");
    const std::string data_dir = args.value_or("--data", default_data_dir());
    std::shared_ptr<const geo::Gazetteer> gazetteer;
    const routing::Scenario a = load_scenario(a_path, data_dir, gazetteer);
    const routing::Scenario b = load_scenario(b_path, data_dir, gazetteer);
    const auto router = load_router(data_dir);
    const auto pa = plan(*router, a, a_path);
    const auto pb = plan(*router, b, b_path);
    write_output(routing::compare_plans(pa, a, pb, b).dump(2), args.value("--out"));
    return 0;
}

int proximity(const CommandArgs& argv) {
    const Args args(argv, {"--to", "--within-km", "--scenario", "--data", "--crossings"});
    const std::string& where = args.require_positional(0, "PLACE or lon,lat");
    std::string query = where;
    for (std::size_t i = 1; i < args.positional().size(); ++i) query += " " + args.positional()[i];
    const std::string data_dir = args.value_or("--data", default_data_dir());

    routing::ProximityOptions options;
    for (const auto& v : args.values("--to")) {
        std::size_t start = 0;
        while (start <= v.size()) {
            const auto comma = v.find(',', start);
            const std::string item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (item != "borders" && item != "crossings" && item != "places" && item != "roads")
                throw UsageError("--to must be borders, crossings, places or roads (got '" + item + "')");
            options.to.insert(item);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    options.within_km = args.number_or("--within-km", options.within_km);
    if (!(options.within_km > 0) || options.within_km > 2000) throw UsageError("--within-km must be in (0, 2000]");
    const long n = args.integer_or("--crossings", static_cast<long>(options.crossings));
    if (n < 0 || n > 100) throw UsageError("--crossings must be 0..100");
    options.crossings = static_cast<std::size_t>(n);

    std::shared_ptr<const geo::Gazetteer> gazetteer;
    geo::LonLat point;
    std::string place_name;
    if (auto p = try_lonlat(query)) {
        point = *p;
    } else {
        gazetteer = geo::Gazetteer::load(data_dir);
        geo::GeocodeQuery q;
        q.text = query;
        q.limit = 1;
        const auto matches = gazetteer->geocode(q);
        if (matches.empty() || !matches.front().place) throw std::runtime_error("no place named '" + query + "'");
        point = matches.front().place->location;
        place_name = matches.front().place->name;
    }
    std::optional<routing::Scenario> scenario;
    if (auto path = args.value("--scenario")) scenario = load_scenario(*path, data_dir, gazetteer);

    const bool need_router = options.to.empty() || options.to.count("crossings") || options.to.count("roads");
    std::shared_ptr<const routing::Router> router;
    if (need_router) router = load_router(data_dir);
    const auto index = routing::ProximityIndex::load(data_dir);
    const auto report = index.report(point, options, router.get(), scenario ? &*scenario : nullptr);
    auto j = routing::to_json(report);
    if (!place_name.empty()) j["place"] = place_name;
    std::cout << j.dump(2) << "\n";
    return 0;
}

}  // namespace aras::service::cli
