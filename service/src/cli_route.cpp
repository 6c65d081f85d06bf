// Subcommands: nearest, route, isochrone, matrix — the routing engine on the command line.
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geojson.hpp"
#include "aras/routing/router.hpp"
#include "aras/service/cli.hpp"
#include "cli_args.hpp"
#include "cli_commands.hpp"

namespace aras::service::cli {

namespace {

const std::vector<std::string> kGraphOptions = {"--data", "--cache-dir"};
const std::vector<std::string> kCostingOptions = {"--close-crossing", "--open-crossing", "--close-road", "--avoid",
                                                  "--avoid-soft", "--avoid-geojson", "--metric", "--crossing-penalty-h"};

std::vector<std::string> join(std::initializer_list<std::vector<std::string>> lists) {
    std::vector<std::string> out;
    for (const auto& l : lists) out.insert(out.end(), l.begin(), l.end());
    return out;
}

std::vector<double> numbers(const std::string& text, const std::string& what) {
    std::vector<double> out;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ',')) {
        try {
            std::size_t used = 0;
            out.push_back(std::stod(part, &used));
            if (used != part.size()) throw std::invalid_argument(part);
        } catch (const std::exception&) {
            throw UsageError(what + ": '" + text + "' is not a comma-separated list of numbers");
        }
    }
    return out;
}

bool looks_numeric(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789.,-+eE ") == std::string::npos;
}

struct Engine {
    std::string data_dir;
    routing::Router router;
    std::shared_ptr<const geo::Gazetteer> gazetteer;

    explicit Engine(const Args& args)
        : data_dir(args.value_or("--data", default_data_dir())),
          router(routing::RoadGraph::load_or_build(data_dir, args.value_or("--cache-dir", ""))) {}

    // "lon,lat" or a place name (a crossing when the name is one, else the best match).
    geo::LonLat place(const std::string& text) {
        if (looks_numeric(text)) {
            const auto v = numbers(text, "position");
            if (v.size() != 2 || !geo::is_valid({v[0], v[1]}))
                throw UsageError("position '" + text + "' must be lon,lat within [-180,180],[-90,90]");
            return {v[0], v[1]};
        }
        if (!gazetteer) gazetteer = geo::Gazetteer::load(data_dir);
        geo::GeocodeQuery q;
        q.text = text;
        q.limit = 10;
        const auto matches = gazetteer->geocode(q);
        if (matches.empty()) throw std::runtime_error("no place named '" + text + "' in the gazetteer");
        for (const auto& m : matches)
            if (m.place->kind == "crossing" && m.match_type != "fuzzy" && m.score >= matches.front().score - 0.05)
                return m.place->location;
        return matches.front().place->location;
    }
};

routing::Costing costing_from(const Args& args) {
    routing::Costing c;
    const std::string metric = args.value_or("--metric", "time");
    if (metric == "time") c.metric = routing::Metric::Time;
    else if (metric == "distance") c.metric = routing::Metric::Distance;
    else throw UsageError("--metric must be time or distance");
    for (const auto& n : args.values("--close-crossing")) c.closed_crossings.insert(n);
    for (const auto& n : args.values("--open-crossing")) c.reopened_crossings.insert(n);
    for (const auto& r : args.values("--close-road")) {
        const auto v = numbers(r, "--close-road");
        if (v.size() != 1) throw UsageError("--close-road takes one road_id");
        c.closed_roads.insert(static_cast<std::int64_t>(v[0]));
    }
    for (const auto& a : args.values("--avoid")) {
        const auto v = numbers(a, "--avoid");
        if (v.size() != 3) throw UsageError("--avoid takes lon,lat,radius_km");
        try {
            c.hazards.push_back(routing::Hazard::circle({v[0], v[1]}, v[2]));
        } catch (const routing::CostingError& e) {
            throw UsageError(std::string("--avoid: ") + e.what());
        }
    }
    for (const auto& a : args.values("--avoid-soft")) {
        const auto v = numbers(a, "--avoid-soft");
        if (v.size() != 4) throw UsageError("--avoid-soft takes lon,lat,radius_km,factor");
        try {
            c.hazards.push_back(routing::Hazard::circle({v[0], v[1]}, v[2], false, v[3]));
        } catch (const routing::CostingError& e) {
            throw UsageError(std::string("--avoid-soft: ") + e.what());
        }
    }
    for (const auto& file : args.values("--avoid-geojson")) {
        std::ifstream in(file);
        if (!in) throw std::runtime_error("cannot read " + file);
        std::stringstream ss;
        ss << in.rdbuf();
        for (const auto& f : geo::parse_geojson(ss.str()).features) {
            if (!std::holds_alternative<geo::Polygon>(f.geometry) && !std::holds_alternative<geo::MultiPolygon>(f.geometry))
                continue;
            routing::Hazard h;
            h.area = f.geometry;
            const auto& p = f.properties;
            if (p.contains("hard") && p["hard"].is_boolean()) h.hard = p["hard"].get<bool>();
            if (p.contains("penalty_factor") && p["penalty_factor"].is_number()) {
                h.penalty_factor = p["penalty_factor"].get<double>();
                if (!p.contains("hard")) h.hard = false;
            }
            if (p.contains("name") && p["name"].is_string()) h.name = p["name"].get<std::string>();
            c.hazards.push_back(std::move(h));
        }
    }
    if (auto h = args.value("--crossing-penalty-h")) {
        const double v = args.number_or("--crossing-penalty-h", 1.0);
        if (!(v >= 0 && v <= 240)) throw UsageError("--crossing-penalty-h must be in [0, 240]");
        c.default_crossing_penalty_s = v * 3600.0;
    }
    return c;
}

}  // namespace

int nearest(const CommandArgs& argv) {
    const Args args(argv, kGraphOptions);
    const auto lon = numbers(args.require_positional(0, "LON"), "LON");
    const auto lat = numbers(args.require_positional(1, "LAT"), "LAT");
    if (lon.size() != 1 || lat.size() != 1 || !geo::is_valid({lon[0], lat[0]}))
        throw UsageError("LON LAT must be a valid position");
    Engine engine(args);
    const auto s = engine.router.nearest({lon[0], lat[0]});
    if (!s) throw std::runtime_error("the road graph is empty");
    std::cout << geo::to_geojson(routing::to_feature(*s)) << "\n";
    return 0;
}

int route(const CommandArgs& argv) {
    const Args args(argv, join({kGraphOptions, kCostingOptions, {"--from", "--to", "--via", "--alternatives", "--algorithm"}}));
    if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
    const auto from = args.value("--from");
    const auto to = args.value("--to");
    if (!from || !to) throw UsageError("--from and --to are required");
    routing::RouteRequest req;
    req.costing = costing_from(args);
    const long alternatives = args.integer_or("--alternatives", 0);
    if (alternatives < 0 || alternatives > 10) throw UsageError("--alternatives must be 0..10");
    req.alternatives = static_cast<int>(alternatives);
    const std::string algorithm = args.value_or("--algorithm", "ch");
    if (algorithm == "ch") req.algorithm = routing::Algorithm::Hierarchy;
    else if (algorithm == "alt") req.algorithm = routing::Algorithm::Alt;
    else if (algorithm == "dijkstra") req.algorithm = routing::Algorithm::Dijkstra;
    else throw UsageError("--algorithm must be ch, alt or dijkstra");
    Engine engine(args);
    req.waypoints.push_back(engine.place(*from));
    for (const auto& v : args.values("--via")) req.waypoints.push_back(engine.place(v));
    req.waypoints.push_back(engine.place(*to));
    const auto result = engine.router.route(req);
    if (const auto* no = std::get_if<routing::NoRoute>(&result)) {
        std::cerr << "aras route: no route: " << no->reason << "\n";
        return 1;
    }
    std::cout << geo::to_geojson(routing::to_feature_collection(std::get<std::vector<routing::Route>>(result))) << "\n";
    return 0;
}

int isochrone(const CommandArgs& argv) {
    const Args args(argv, join({kGraphOptions, kCostingOptions, {"--from", "--hours", "--buffer-m"}}));
    const auto from = args.value("--from");
    if (!from) throw UsageError("--from is required");
    const auto hours = numbers(args.value_or("--hours", "1"), "--hours");
    const double buffer = args.number_or("--buffer-m", 2000.0);
    routing::Costing costing = costing_from(args);
    Engine engine(args);
    const auto iso = engine.router.isochrone(engine.place(*from), hours, costing, buffer);
    std::cout << geo::to_geojson(routing::to_feature_collection(iso)) << "\n";
    return 0;
}

int matrix(const CommandArgs& argv) {
    const Args args(argv, join({kGraphOptions, kCostingOptions, {"--from", "--to"}}));
    const auto from = args.value("--from");
    const auto to = args.value("--to");
    if (!from || !to) throw UsageError("--from and --to are required (places separated by ';')");
    Engine engine(args);
    auto split = [&](const std::string& text) {
        std::vector<std::string> names;
        std::vector<geo::LonLat> points;
        std::stringstream ss(text);
        std::string part;
        while (std::getline(ss, part, ';'))
            if (!part.empty()) {
                names.push_back(part);
                points.push_back(engine.place(part));
            }
        if (points.empty()) throw UsageError("empty place list '" + text + "'");
        return std::make_pair(names, points);
    };
    const auto [origin_names, origins] = split(*from);
    const auto [destination_names, destinations] = split(*to);
    const auto m = engine.router.matrix(origins, destinations, costing_from(args));
    nlohmann::json out = routing::to_json(m);
    out["origins"] = origin_names;
    out["destinations"] = destination_names;
    std::cout << out.dump(2) << "\n";
    return 0;
}

}  // namespace aras::service::cli
