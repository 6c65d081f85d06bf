// Analysis endpoints: /corridors (evacuation corridors of a scenario), /compare (two scenarios),
// /proximity (distances from a point to borders, crossings, places, roads).
#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geojson.hpp"
#include "aras/routing/corridor.hpp"
#include "aras/routing/proximity.hpp"
#include "aras/routing/router.hpp"
#include "aras/routing/scenario.hpp"
#include "aras/service/engines.hpp"
#include "http/error_table.hpp"
#include "http/formats.hpp"
#include "http/query.hpp"
#include "http/route_params.hpp"
#include "http/router.hpp"

namespace aras::service::http {

namespace {

// Parses, bounds and locates one scenario document; `where` prefixes JSON pointers ("/a").
routing::Scenario scenario_from(const nlohmann::json& doc, const Context& ctx, const std::string& where) {
    routing::Scenario s;
    try {
        s = routing::parse_scenario(doc);
    } catch (const routing::ScenarioError& e) {
        throw ApiError("invalid_scenario", {where + e.what()}, {{"pointer", where + e.pointer()}});
    }
    if (s.origins.size() > ctx.limits.max_scenario_origins)
        throw ApiError("too_many_points", {"scenario origins", std::to_string(s.origins.size()),
                                           std::to_string(ctx.limits.max_scenario_origins)});
    if (!s.located()) {
        if (!ctx.engines.gazetteer)
            throw ApiError("unavailable", {"the gazetteer (needed for place names)",
                                           ctx.engines.why_unavailable("gazetteer")});
        try {
            routing::locate(s, *ctx.engines.gazetteer);
        } catch (const routing::ScenarioError& e) {
            throw ApiError("unknown_place", {where + e.what()}, {{"pointer", where + e.pointer()}});
        }
    }
    return s;
}

routing::CorridorPlan plan(const routing::Scenario& s, const Context& ctx, const std::string& where) {
    try {
        return routing::plan_corridors(router(ctx), s);
    } catch (const routing::ScenarioError& e) {
        throw ApiError("invalid_scenario", {where + e.what()}, {{"pointer", where + e.pointer()}});
    }
}

Response corridors(const Request& req, const Context& ctx) {
    const auto format = requested_format(req);
    bool summary = false;
    if (const auto* v = req.param("summary")) {
        if (*v != "true" && *v != "false") throw ApiError("invalid_parameter", {"summary", "expected true or false"});
        summary = *v == "true";
    }
    const auto body = parse_json_body(req);
    const auto s = scenario_from(body.contains("scenario") ? body["scenario"] : body, ctx,
                                 body.contains("scenario") ? "/scenario" : "");
    (void)router(ctx);
    req.check_deadline();
    const auto p = plan(s, ctx, "");
    if (summary) return Response::json(routing::summary_json(p, s));
    auto fc = routing::to_feature_collection(p, s);
    if (format) return download(layer_from(fc, "corridors"), *format, "corridors");
    return Response::geojson(geo::to_geojson(fc));
}

Response compare(const Request& req, const Context& ctx) {
    const auto body = parse_json_body(req);
    for (const char* k : {"a", "b"})
        if (!body.contains(k) || !body[k].is_object())
            throw ApiError("missing_parameter", {std::string(k) + " (a scenario object)"});
    const auto a = scenario_from(body["a"], ctx, "/a");
    const auto b = scenario_from(body["b"], ctx, "/b");
    (void)router(ctx);
    req.check_deadline();
    const auto pa = plan(a, ctx, "/a");
    req.check_deadline();
    const auto pb = plan(b, ctx, "/b");
    return Response::json(routing::compare_plans(pa, a, pb, b));
}

Response proximity(const Request& req, const Context& ctx) {
    const auto body = request_body(req, {"to"});
    nlohmann::json at;
    if (body.contains("point")) at = body["point"];
    else if (body.contains("place")) at = body["place"];
    else throw ApiError("missing_parameter", {"point"});
    routing::ProximityOptions options;
    if (body.contains("to")) {
        nlohmann::json to = body["to"];
        std::vector<std::string> items;
        if (to.is_string()) to = nlohmann::json::array({to});
        if (!to.is_array()) throw ApiError("invalid_parameter", {"to", "expected a list"});
        for (const auto& v : to) {
            if (!v.is_string()) throw ApiError("invalid_parameter", {"to", "expected strings"});
            for (const auto& item : split(v.get<std::string>(), ',')) {
                if (item != "borders" && item != "crossings" && item != "places" && item != "roads")
                    throw ApiError("invalid_parameter", {"to", "must be borders, crossings, places or roads"});
                options.to.insert(item);
            }
        }
    }
    auto number = [&](const char* key, double min, double max) -> std::optional<double> {
        if (!body.contains(key)) return std::nullopt;
        const auto& v = body[key];
        const double d = v.is_string() ? parse_number(v.get<std::string>(), key)
                                       : (v.is_number() ? v.get<double>() : parse_number("x", key));
        if (!(d >= min && d <= max))
            throw ApiError("invalid_parameter", {key, "must be between " + std::to_string(min) + " and " + std::to_string(max)});
        return d;
    };
    if (auto v = number("within_km", 0.001, 2000)) options.within_km = *v;
    if (auto v = number("crossings", 0, 100)) options.crossings = static_cast<std::size_t>(*v);
    const auto where = resolve_location(at, ctx, "point");
    if (!ctx.engines.proximity)
        throw ApiError("unavailable", {"proximity", ctx.engines.why_unavailable("proximity")});
    req.check_deadline();
    const auto report = ctx.engines.proximity->report(where.position, options, ctx.engines.router.get());
    auto j = routing::to_json(report);
    if (!where.name.empty()) j["place"] = where.name;
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
