// Analysis endpoints: POST /corridors (scenario → corridors GeoJSON), POST /compare ({"a","b"} scenarios),
// GET|POST /proximity (point or place → borders, crossings, places, road, hazards).
#include <memory>
#include <mutex>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geojson.hpp"
#include "aras/routing/corridor.hpp"
#include "aras/routing/proximity.hpp"
#include "aras/routing/router.hpp"
#include "aras/routing/scenario.hpp"
#include "aras/service/engines.hpp"
#include "http/error_table.hpp"
#include "http/query.hpp"
#include "http/router.hpp"

namespace aras::service::http {

namespace {

const routing::Router& router_of(const Context& ctx) {
    if (!ctx.engines.router) throw ApiError("unavailable", {"routing", ctx.engines.why_unavailable("routing")});
    return *ctx.engines.router;
}

// A ScenarioError as a 400 naming the JSON pointer (prefixed with `base` for /compare's "a"/"b").
[[noreturn]] void scenario_error(const routing::ScenarioError& e, const std::string& base) {
    const std::string what = e.what();
    const std::string message = e.pointer().empty() ? what : what.substr(e.pointer().size() + 2);
    const std::string pointer = base + e.pointer();
    throw ApiError("invalid_parameter", {pointer.empty() ? "scenario" : pointer, message},
                   nlohmann::json{{"pointer", pointer}});
}

routing::Scenario scenario_from(const nlohmann::json& j, const Context& ctx, const std::string& base) {
    try {
        routing::Scenario s = routing::parse_scenario(j);
        if (!s.located()) {
            if (!ctx.engines.gazetteer)
                throw ApiError("unavailable",
                               {"the gazetteer (needed for place names)", ctx.engines.why_unavailable("gazetteer")});
            routing::locate(s, *ctx.engines.gazetteer);
        }
        return s;
    } catch (const routing::ScenarioError& e) {
        scenario_error(e, base);
    }
}

routing::CorridorPlan plan_of(const routing::Scenario& s, const Context& ctx, const std::string& base) {
    try {
        return routing::plan_corridors(router_of(ctx), s);
    } catch (const routing::ScenarioError& e) {
        scenario_error(e, base);
    } catch (const routing::CostingError& e) {
        throw ApiError("invalid_parameter", {base + "/closed_crossings", e.what()});
    }
}

void check_origins(const routing::Scenario& s, const Context& ctx) {
    // Each origin costs a handful of route searches; keep a request within the waypoint budget.
    if (s.origins.size() > ctx.limits.max_waypoints)
        throw ApiError("too_many_points", {"origins", std::to_string(s.origins.size()),
                                           std::to_string(ctx.limits.max_waypoints)});
}

Response corridors(const Request& req, const Context& ctx) {
    const nlohmann::json body = parse_json_body(req);
    const routing::Scenario s = scenario_from(body, ctx, "");
    check_origins(s, ctx);
    const auto plan = plan_of(s, ctx, "");
    req.check_deadline();
    return Response::geojson(geo::to_geojson(routing::to_feature_collection(plan, s)));
}

Response compare(const Request& req, const Context& ctx) {
    const nlohmann::json body = parse_json_body(req);
    for (const char* key : {"a", "b"})
        if (!body.contains(key)) throw ApiError("missing_parameter", {key});
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != "a" && it.key() != "b")
            throw ApiError("invalid_parameter", {"/" + it.key(), "unknown member (expected only \"a\" and \"b\")"});
    const routing::Scenario a = scenario_from(body["a"], ctx, "/a");
    const routing::Scenario b = scenario_from(body["b"], ctx, "/b");
    check_origins(a, ctx);
    check_origins(b, ctx);
    const auto pa = plan_of(a, ctx, "/a");
    req.check_deadline();
    const auto pb = plan_of(b, ctx, "/b");
    req.check_deadline();
    return Response::json(routing::compare_plans(pa, a, pb, b));
}

// Built once from the engines' layers; the engines are immutable for the server's lifetime.
const routing::ProximityIndex& proximity_index(const Context& ctx) {
    static std::mutex mutex;
    static const Engines* owner = nullptr;
    static std::unique_ptr<routing::ProximityIndex> index;
    std::lock_guard<std::mutex> lock(mutex);
    if (!index || owner != &ctx.engines) {
        auto layer = [&](const std::string& name) {
            auto it = ctx.engines.layers.find(name);
            if (it == ctx.engines.layers.end())
                throw ApiError("unavailable", {"layer " + name, ctx.engines.why_unavailable("layer:" + name)});
            return it->second;
        };
        index = std::make_unique<routing::ProximityIndex>(layer("countries"), layer("borders"), layer("crossings"),
                                                          layer("places"));
        owner = &ctx.engines;
    }
    return *index;
}

Response proximity(const Request& req, const Context& ctx) {
    // GET: ?point=lon,lat | ?place=NAME, &to=borders,crossings, &within_km=N, &crossings=N.
    // POST: the same members in a JSON object, plus an optional "scenario" for hazards.
    nlohmann::json params = nlohmann::json::object();
    if (req.method == "POST") {
        params = parse_json_body(req);
    } else {
        for (const char* key : {"point", "place", "to", "within_km", "crossings"})
            if (const std::string* v = req.param(key)) params[key] = *v;
        for (const auto& [key, _] : req.query)
            if (key != "point" && key != "place" && key != "to" && key != "within_km" && key != "crossings")
                throw ApiError("invalid_parameter", {key, "unknown parameter"});
    }
    routing::ProximityOptions options;
    if (params.contains("to")) {
        std::vector<std::string> items;
        if (params["to"].is_string()) items = split(params["to"].get<std::string>(), ',');
        else if (params["to"].is_array())
            for (const auto& v : params["to"]) items.push_back(v.is_string() ? v.get<std::string>() : "");
        else throw ApiError("invalid_parameter", {"to", "expected borders,crossings,places,roads"});
        for (const auto& item : items) {
            if (item != "borders" && item != "crossings" && item != "places" && item != "roads")
                throw ApiError("invalid_parameter", {"to", "'" + item + "' is not one of borders, crossings, places, roads"});
            options.to.insert(item);
        }
    }
    if (params.contains("within_km")) {
        const auto& v = params["within_km"];
        const double km = v.is_string() ? parse_number(v.get<std::string>(), "within_km")
                                        : v.is_number() ? v.get<double>() : -1.0;
        if (!(km > 0) || km > 2000) throw ApiError("invalid_parameter", {"within_km", "must be in (0, 2000]"});
        options.within_km = km;
    }
    if (params.contains("crossings")) {
        const auto& v = params["crossings"];
        if (v.is_string()) options.crossings = static_cast<std::size_t>(parse_integer(v.get<std::string>(), "crossings", 0, 20));
        else if (v.is_number_integer() && v.get<long>() >= 0 && v.get<long>() <= 20) options.crossings = v.get<std::size_t>();
        else throw ApiError("invalid_parameter", {"crossings", "must be an integer from 0 to 20"});
    }
    geo::LonLat point;
    std::string place_name;
    if (params.contains("point") == params.contains("place"))
        throw ApiError("missing_parameter", {"point (lon,lat) or place"});
    if (params.contains("point")) {
        const auto& v = params["point"];
        point = v.is_string() ? parse_lonlat(v.get<std::string>(), "point") : lonlat_from_json(v, "point");
    } else {
        if (!params["place"].is_string() || params["place"].get<std::string>().empty())
            throw ApiError("invalid_parameter", {"place", "expected a place name"});
        if (!ctx.engines.gazetteer)
            throw ApiError("unavailable", {"the gazetteer (needed for place names)", ctx.engines.why_unavailable("gazetteer")});
        geo::GeocodeQuery q;
        q.text = params["place"].get<std::string>();
        q.limit = 1;
        const auto matches = ctx.engines.gazetteer->geocode(q);
        if (matches.empty() || !matches.front().place) throw ApiError("unknown_place", {q.text});
        point = matches.front().place->location;
        place_name = matches.front().place->name;
    }
    std::optional<routing::Scenario> scenario;
    if (params.contains("scenario")) scenario = scenario_from(params["scenario"], ctx, "/scenario");
    for (auto it = params.begin(); it != params.end(); ++it)
        if (it.key() != "point" && it.key() != "place" && it.key() != "to" && it.key() != "within_km" &&
            it.key() != "crossings" && it.key() != "scenario")
            throw ApiError("invalid_parameter", {it.key(), "unknown member"});

    const bool need_router = options.to.empty() || options.to.count("crossings") || options.to.count("roads");
    const routing::Router* router = need_router ? &router_of(ctx) : nullptr;
    const auto report = proximity_index(ctx).report(point, options, router, scenario ? &*scenario : nullptr);
    auto j = routing::to_json(report);
    if (!place_name.empty()) j["place"] = place_name;
    return Response::json(j);
}

}  // namespace

void register_analysis_routes(Router& r) {
    r.add("POST", "/corridors", corridors);
    r.add("POST", "/compare", compare);
    r.add("GET", "/proximity", proximity);
    r.add("POST", "/proximity", proximity);
}

}  // namespace aras::service::http
