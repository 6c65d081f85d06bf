// Routing endpoints: /route, /isochrone, /matrix, /nearest over the border-aware road graph.
#include <cmath>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geojson.hpp"
#include "aras/geo/geometry_ops.hpp"
#include "aras/routing/route.hpp"
#include "aras/routing/router.hpp"
#include "aras/service/engines.hpp"
#include "http/error_table.hpp"
#include "http/formats.hpp"
#include "http/query.hpp"
#include "http/route_params.hpp"
#include "http/router.hpp"

namespace aras::service::http {

namespace {

std::size_t vertex_count(const geo::Geometry& g) {
    std::size_t n = 0;
    if (const auto* p = std::get_if<geo::Polygon>(&g)) {
        for (const auto& r : p->rings) n += r.size();
    } else if (const auto* mp = std::get_if<geo::MultiPolygon>(&g)) {
        for (const auto& poly : mp->polygons)
            for (const auto& r : poly.rings) n += r.size();
    }
    return n;
}

double number(const nlohmann::json& j, const std::string& name, double min, double max) {
    if (!j.is_number()) throw ApiError("invalid_parameter", {name, "expected a number"});
    const double v = j.get<double>();
    if (!std::isfinite(v) || v < min || v > max)
        throw ApiError("invalid_parameter", {name, "must be between " + std::to_string(min) + " and " + std::to_string(max)});
    return v;
}

std::vector<std::string> string_list(const nlohmann::json& j, const std::string& name) {
    std::vector<std::string> out;
    if (j.is_string()) {
        for (auto& s : split(j.get<std::string>(), ',')) if (!s.empty()) out.push_back(s);
        return out;
    }
    if (!j.is_array()) throw ApiError("invalid_parameter", {name, "expected an array of strings"});
    for (const auto& v : j) {
        if (!v.is_string()) throw ApiError("invalid_parameter", {name, "expected an array of strings"});
        out.push_back(v.get<std::string>());
    }
    return out;
}

// Polygons of a GeoJSON value (FeatureCollection, Feature or geometry); the rest is refused.
std::vector<geo::Geometry> polygons_of(const nlohmann::json& j, const std::string& name) {
    const auto fc = geo::parse_geojson(j.dump());
    std::vector<geo::Geometry> out;
    for (const auto& f : fc.features) {
        if (!std::holds_alternative<geo::Polygon>(f.geometry) && !std::holds_alternative<geo::MultiPolygon>(f.geometry))
            throw ApiError("invalid_polygon", {name + ": only Polygon and MultiPolygon geometries can be avoided"});
        out.push_back(f.geometry);
    }
    return out;
}

Response with_format(const Request& req, geo::FeatureCollection fc, const std::vector<std::string>& warnings,
                     const std::string& basename) {
    if (const auto format = requested_format(req)) return download(layer_from(fc, basename), *format, basename);
    if (!warnings.empty()) fc.foreign_members["warnings"] = warnings;
    return Response::geojson(geo::to_geojson(fc));
}

const std::vector<std::string> kListKeys = {"via", "closed_crossings", "close_crossing", "reopened_crossings",
                                            "hours", "origins", "destinations"};

Response route(const Request& req, const Context& ctx) {
    (void)requested_format(req);  // reject a bad format before any work
    const auto body = request_body(req, kListKeys);
    std::vector<nlohmann::json> raw;
    if (body.contains("locations")) {
        if (!body["locations"].is_array()) throw ApiError("invalid_parameter", {"locations", "expected an array"});
        for (const auto& l : body["locations"]) raw.push_back(l);
    } else {
        if (!body.contains("from")) throw ApiError("missing_parameter", {"from"});
        if (!body.contains("to")) throw ApiError("missing_parameter", {"to"});
        raw.push_back(body["from"]);
        if (body.contains("via")) {
            const auto& via = body["via"];
            if (via.is_array() && !(via.size() == 2 && via[0].is_number())) {
                for (const auto& v : via) raw.push_back(v);
            } else {
                raw.push_back(via);
            }
        }
        raw.push_back(body["to"]);
    }
    if (raw.size() < 2) throw ApiError("invalid_parameter", {"locations", "at least two are needed"});
    if (raw.size() > ctx.limits.max_waypoints)
        throw ApiError("too_many_points", {"waypoints", std::to_string(raw.size()), std::to_string(ctx.limits.max_waypoints)});
    routing::RouteRequest rr;
    for (std::size_t i = 0; i < raw.size(); ++i)
        rr.waypoints.push_back(resolve_location(raw[i], ctx, "locations[" + std::to_string(i) + "]").position);
    const auto& engine = router(ctx);
    if (body.contains("alternatives"))
        rr.alternatives = static_cast<int>(number(body["alternatives"], "alternatives", 0, 5));
    std::vector<std::string> warnings;
    rr.costing = parse_costing(body, ctx, warnings);
    req.check_deadline();
    auto result = engine.route(rr);
    if (const auto* none = std::get_if<routing::NoRoute>(&result)) throw ApiError("no_route", {none->reason});
    return with_format(req, routing::to_feature_collection(std::get<std::vector<routing::Route>>(result)), warnings,
                       "route");
}

Response isochrone(const Request& req, const Context& ctx) {
    (void)requested_format(req);
    const auto body = request_body(req, kListKeys);
    if (!body.contains("from")) throw ApiError("missing_parameter", {"from"});
    const auto from = resolve_location(body["from"], ctx, "from");
    std::vector<double> hours;
    if (!body.contains("hours")) {
        hours = {1.0, 2.0, 4.0};
    } else {
        nlohmann::json h = body["hours"];
        if (h.is_array() && h.size() == 1 && h[0].is_string()) h = h[0];
        if (h.is_string()) {
            for (const auto& s : split(h.get<std::string>(), ',')) hours.push_back(parse_number(s, "hours"));
        } else if (h.is_array()) {
            for (const auto& v : h) {
                if (v.is_string()) hours.push_back(parse_number(v.get<std::string>(), "hours"));
                else hours.push_back(number(v, "hours", 0, 48));
            }
        } else {
            hours.push_back(number(h, "hours", 0, 48));
        }
    }
    if (hours.empty() || hours.size() > 8) throw ApiError("invalid_parameter", {"hours", "give 1 to 8 values"});
    for (double v : hours)
        if (!(v > 0.0 && v <= 48.0)) throw ApiError("invalid_parameter", {"hours", "each must be in (0, 48]"});
    double buffer_m = 2000.0;
    if (body.contains("buffer_m")) {
        const auto& b = body["buffer_m"];
        buffer_m = b.is_string() ? parse_number(b.get<std::string>(), "buffer_m") : number(b, "buffer_m", 50, 20000);
        if (buffer_m < 50 || buffer_m > 20000) throw ApiError("invalid_parameter", {"buffer_m", "must be in [50, 20000]"});
    }
    std::vector<std::string> warnings;
    const auto costing = parse_costing(body, ctx, warnings);
    const auto& engine = router(ctx);
    req.check_deadline();
    const auto iso = engine.isochrone(from.position, hours, costing, buffer_m);
    auto fc = routing::to_feature_collection(iso);
    fc.foreign_members["origin"] = geo::feature_to_json(routing::to_feature(iso.origin));
    return with_format(req, std::move(fc), warnings, "isochrone");
}

std::vector<geo::LonLat> location_list(const nlohmann::json& body, const char* key, const Context& ctx) {
    if (!body.contains(key)) throw ApiError("missing_parameter", {key});
    nlohmann::json list = body[key];
    if (list.is_array() && list.size() == 1 && list[0].is_string()) list = list[0];
    if (list.is_string()) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& s : split(list.get<std::string>(), ';')) arr.push_back(s);
        list = arr;
    }
    if (!list.is_array() || list.empty()) throw ApiError("invalid_parameter", {key, "expected a non-empty array"});
    std::vector<geo::LonLat> out;
    for (std::size_t i = 0; i < list.size(); ++i)
        out.push_back(resolve_location(list[i], ctx, std::string(key) + "[" + std::to_string(i) + "]").position);
    return out;
}

Response matrix(const Request& req, const Context& ctx) {
    const auto body = request_body(req, kListKeys);
    // Size checks first: they need no engine and bound the geocoding work below.
    auto count = [&](const char* key) -> std::size_t {
        if (!body.contains(key)) return 0;
        const auto& v = body[key];
        if (v.is_array() && !(v.size() == 1 && v[0].is_string())) return v.size();
        const std::string s = v.is_array() ? v[0].get<std::string>() : (v.is_string() ? v.get<std::string>() : "");
        return split(s, ';').size();
    };
    const std::size_t cells = count("origins") * count("destinations");
    if (cells > ctx.limits.max_matrix_cells)
        throw ApiError("too_many_points", {"matrix cells (origins x destinations)", std::to_string(cells),
                                           std::to_string(ctx.limits.max_matrix_cells)});
    const auto origins = location_list(body, "origins", ctx);
    const auto destinations = location_list(body, "destinations", ctx);
    const auto& engine = router(ctx);
    std::vector<std::string> warnings;
    const auto costing = parse_costing(body, ctx, warnings);
    req.check_deadline();
    const auto m = engine.matrix(origins, destinations, costing);
    auto j = routing::to_json(m);
    if (!warnings.empty()) j["warnings"] = warnings;
    return Response::json(j);
}

Response nearest(const Request& req, const Context& ctx) {
    const auto body = request_body(req, kListKeys);
    nlohmann::json at;
    if (body.contains("point")) at = body["point"];
    else if (body.contains("lon") || body.contains("lat")) at = {{"lon", body.value("lon", nlohmann::json())}, {"lat", body.value("lat", nlohmann::json())}};
    else throw ApiError("missing_parameter", {"point"});
    if (at.is_object()) {
        for (const char* k : {"lon", "lat"}) {
            if (at[k].is_string()) at[k] = parse_number(at[k].get<std::string>(), k);
            else if (at[k].is_null()) throw ApiError("missing_parameter", {k});
        }
    }
    const auto p = resolve_location(at, ctx, "point");
    const auto& engine = router(ctx);
    const auto snapped = engine.nearest(p.position);
    if (!snapped) throw ApiError("no_route", {"the road graph is empty"});
    return Response::geojson(geo::to_geojson(routing::to_feature(*snapped)));
}

}  // namespace

const routing::Router& router(const Context& ctx) {
    if (!ctx.engines.router) throw ApiError("unavailable", {"routing", ctx.engines.why_unavailable("routing")});
    return *ctx.engines.router;
}

Location resolve_location(const nlohmann::json& value, const Context& ctx, const std::string& what) {
    if (value.is_string()) {
        const std::string s = value.get<std::string>();
        const auto parts = split(s, ',');
        bool numeric = parts.size() == 2;
        for (const auto& part : parts) {
            if (part.empty() || part.find_first_not_of("0123456789+-.eEnNaAiIfF ") != std::string::npos) numeric = false;
        }
        // Digits only ("46.29", "46,38,1") are meant as coordinates, so they are checked as such.
        if (s.find_first_not_of("0123456789+-.eE, ") == std::string::npos) numeric = true;
        if (numeric) return {parse_lonlat(s, what), ""};
        if (s.find_first_not_of(" \t") == std::string::npos) throw ApiError("invalid_parameter", {what, "is empty"});
        if (!ctx.engines.gazetteer)
            throw ApiError("unavailable", {"the gazetteer (needed for place names)", ctx.engines.why_unavailable("gazetteer")});
        geo::GeocodeQuery q;
        q.text = s.substr(0, 512);
        q.limit = 1;
        const auto matches = ctx.engines.gazetteer->geocode(q);
        if (matches.empty() || !matches.front().place) throw ApiError("unknown_place", {s.substr(0, 100)});
        return {matches.front().place->location, matches.front().place->name};
    }
    return {lonlat_from_json(value, what), ""};
}

routing::Costing parse_costing(const nlohmann::json& body, const Context& ctx, std::vector<std::string>& warnings) {
    routing::Costing c;
    if (body.contains("metric")) {
        const auto& m = body["metric"];
        if (m == "time") c.metric = routing::Metric::Time;
        else if (m == "distance") c.metric = routing::Metric::Distance;
        else throw ApiError("invalid_parameter", {"metric", "expected 'time' or 'distance'"});
    }
    for (const char* key : {"closed_crossings", "close_crossing"})
        if (body.contains(key))
            for (auto& s : string_list(body[key], key)) c.closed_crossings.insert(s);
    if (body.contains("reopened_crossings"))
        for (auto& s : string_list(body["reopened_crossings"], "reopened_crossings")) c.reopened_crossings.insert(s);
    if (body.contains("closed_roads")) {
        if (!body["closed_roads"].is_array()) throw ApiError("invalid_parameter", {"closed_roads", "expected an array of road ids"});
        for (const auto& r : body["closed_roads"]) {
            if (!r.is_number_integer()) throw ApiError("invalid_parameter", {"closed_roads", "expected integer road ids"});
            c.closed_roads.insert(r.get<std::int64_t>());
        }
    }
    std::size_t vertices = 0;
    auto add_area = [&](geo::Geometry g, bool hard, double factor, std::string name, const std::string& where) {
        vertices += vertex_count(g);
        if (vertices > ctx.limits.max_polygon_vertices)
            throw ApiError("too_many_points", {"avoid-polygon vertices", std::to_string(vertices),
                                               std::to_string(ctx.limits.max_polygon_vertices)});
        std::string reason;
        if (!geo::is_valid(g, &reason)) {
            // Decision (docs/openapi.yaml): repair rather than refuse, and say so.
            g = geo::make_valid(g);
            warnings.push_back(where + ": invalid polygon (" + reason + ") repaired with GEOS MakeValid");
        }
        routing::Hazard h;
        h.area = std::move(g);
        h.hard = hard;
        h.penalty_factor = factor;
        h.name = std::move(name);
        c.hazards.push_back(std::move(h));
    };
    if (body.contains("avoid")) {
        const auto polys = polygons_of(body["avoid"], "avoid");
        for (std::size_t i = 0; i < polys.size(); ++i) add_area(polys[i], true, 1.0, "avoid", "avoid[" + std::to_string(i) + "]");
    }
    if (body.contains("avoid_circles")) {
        const auto& list = body["avoid_circles"];
        if (!list.is_array()) throw ApiError("invalid_parameter", {"avoid_circles", "expected an array"});
        for (const auto& a : list) {
            const auto centre = lonlat_from_json(a, "avoid_circles");
            if (!a.is_object() || !a.contains("radius_km"))
                throw ApiError("missing_parameter", {"avoid_circles[].radius_km"});
            const double r = number(a["radius_km"], "avoid_circles[].radius_km", 0.01, 500);
            const bool hard = a.value("hard", true);
            const double factor = a.contains("factor") ? number(a["factor"], "avoid_circles[].factor", 1, 1000) : 1.0;
            c.hazards.push_back(routing::Hazard::circle(centre, r, hard, factor));
        }
    }
    if (body.contains("hazards")) {
        const auto& list = body["hazards"];
        if (!list.is_array()) throw ApiError("invalid_parameter", {"hazards", "expected an array"});
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto& h = list[i];
            const std::string where = "hazards[" + std::to_string(i) + "]";
            if (!h.is_object() || !h.contains("area")) throw ApiError("missing_parameter", {where + ".area"});
            const auto polys = polygons_of(h["area"], where + ".area");
            const bool hard = h.value("hard", true);
            const double factor = h.contains("penalty_factor") ? number(h["penalty_factor"], where + ".penalty_factor", 1, 1000) : 1.0;
            const std::string name = h.contains("name") && h["name"].is_string() ? h["name"].get<std::string>() : where;
            for (const auto& g : polys) add_area(g, hard, factor, name, where);
        }
    }
    if (body.contains("crossing_penalty_s")) {
        const auto& m = body["crossing_penalty_s"];
        if (!m.is_object()) throw ApiError("invalid_parameter", {"crossing_penalty_s", "expected an object name -> seconds"});
        for (const auto& [k, v] : m.items()) c.crossing_penalty_s[k] = number(v, "crossing_penalty_s." + k, 0, 7 * 86400);
    }
    if (body.contains("default_crossing_penalty_s"))
        c.default_crossing_penalty_s = number(body["default_crossing_penalty_s"], "default_crossing_penalty_s", 0, 7 * 86400);
    return c;
}

nlohmann::json query_to_body(const Request& req, const std::vector<std::string>& list_keys) {
    nlohmann::json body = nlohmann::json::object();
    for (const auto& [k, v] : req.query) {
        if (k == "format") continue;
        if (k == "avoid") {
            // avoid=lon,lat,radius_km: a hard circle.
            const auto parts = split(v, ',');
            if (parts.size() != 3) throw ApiError("invalid_parameter", {"avoid", "expected 'lon,lat,radius_km'"});
            const auto centre = parse_lonlat(parts[0] + "," + parts[1], "avoid");
            body["avoid_circles"].push_back({{"lon", centre.lon}, {"lat", centre.lat},
                                             {"radius_km", parse_number(parts[2], "avoid radius_km")}});
            continue;
        }
        const bool is_list = std::find(list_keys.begin(), list_keys.end(), k) != list_keys.end();
        if (is_list) {
            body[k].push_back(v);
        } else if (body.contains(k)) {
            throw ApiError("invalid_parameter", {k.substr(0, 40), "given more than once"});
        } else if (k == "alternatives" || k == "buffer_m" || k == "default_crossing_penalty_s") {
            body[k] = parse_number(v, k);
        } else {
            body[k] = v;
        }
    }
    return body;
}

nlohmann::json request_body(const Request& req, const std::vector<std::string>& list_keys) {
    if (req.method == "POST") return parse_json_body(req);
    return query_to_body(req, list_keys);
}

void register_route_routes(Router& r) {
    for (const char* method : {"GET", "POST"}) {
        r.add(method, "/route", route);
        r.add(method, "/isochrone", isochrone);
        r.add(method, "/matrix", matrix);
        r.add(method, "/nearest", nearest);
    }
}

}  // namespace aras::service::http
