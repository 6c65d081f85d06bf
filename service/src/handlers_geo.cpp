// Geocoding endpoints: /geocode (forward), /reverse, /geoparse (place mentions in free text).
#include <algorithm>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geojson.hpp"
#include "aras/geo/geoparser.hpp"
#include "aras/service/engines.hpp"
#include "http/error_table.hpp"
#include "http/query.hpp"
#include "http/router.hpp"

namespace aras::service::http {

namespace {

const geo::Gazetteer& gazetteer(const Context& ctx) {
    if (!ctx.engines.gazetteer) throw ApiError("unavailable", {"the gazetteer", ctx.engines.why_unavailable("gazetteer")});
    return *ctx.engines.gazetteer;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// Parameters from the query string (GET) or a JSON object body (POST), one code path for both.
struct Params {
    const Request& req;
    nlohmann::json body;

    explicit Params(const Request& r) : req(r) {
        if (r.method == "POST") body = parse_json_body(r);
    }
    std::optional<std::string> text(const char* name) const {
        if (body.is_object()) {
            if (!body.contains(name) || body[name].is_null()) return std::nullopt;
            if (!body[name].is_string()) throw ApiError("invalid_parameter", {name, "expected a string"});
            return body[name].get<std::string>();
        }
        if (const auto* v = req.param(name)) return *v;
        return std::nullopt;
    }
    std::optional<geo::LonLat> position(const char* name) const {
        if (body.is_object()) {
            if (!body.contains(name) || body[name].is_null()) return std::nullopt;
            return lonlat_from_json(body[name], name);
        }
        if (const auto* v = req.param(name)) return parse_lonlat(*v, name);
        return std::nullopt;
    }
    std::optional<long> integer(const char* name, long min, long max) const {
        if (body.is_object()) {
            if (!body.contains(name) || body[name].is_null()) return std::nullopt;
            if (!body[name].is_number_integer()) throw ApiError("invalid_parameter", {name, "expected an integer"});
            const long v = body[name].get<long>();
            if (v < min || v > max)
                throw ApiError("invalid_parameter",
                               {name, "must be between " + std::to_string(min) + " and " + std::to_string(max)});
            return v;
        }
        if (const auto* v = req.param(name)) return parse_integer(*v, name, min, max);
        return std::nullopt;
    }
};

Response geocode(const Request& req, const Context& ctx) {
    const Params p(req);
    auto q = p.text("q");
    if (!q) q = p.text("text");
    if (!q) throw ApiError("missing_parameter", {"q"});
    if (q->find_first_not_of(" \t\r\n") == std::string::npos) throw ApiError("invalid_parameter", {"q", "is empty"});
    if (q->size() > 512) throw ApiError("invalid_parameter", {"q", "longer than 512 bytes"});
    geo::GeocodeQuery query;
    query.text = *q;
    if (auto c = p.text("country")) {
        if (c->size() != 2 || !std::isalpha(static_cast<unsigned char>((*c)[0])) ||
            !std::isalpha(static_cast<unsigned char>((*c)[1])))
            throw ApiError("invalid_parameter", {"country", "expected an ISO 3166-1 alpha-2 code"});
        std::string upper = *c;
        for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        query.country = upper;
    }
    query.near = p.position("near");
    query.limit = static_cast<int>(p.integer("limit", 1, static_cast<long>(ctx.limits.max_geocode_limit)).value_or(10));
    const auto& gaz = gazetteer(ctx);
    req.check_deadline();
    const auto matches = gaz.geocode(query);
    if (matches.empty()) throw ApiError("unknown_place", {q->substr(0, 100)});
    geo::FeatureCollection fc;
    for (const auto& m : matches) fc.features.push_back(geo::to_feature(m));
    fc.foreign_members["query"] = *q;
    return Response::geojson(geo::to_geojson(fc));
}

Response reverse(const Request& req, const Context& ctx) {
    const Params p(req);
    std::optional<geo::LonLat> at = p.position("point");
    if (!at) {
        const bool has_lon = p.body.is_object() ? p.body.contains("lon") : req.param("lon") != nullptr;
        const bool has_lat = p.body.is_object() ? p.body.contains("lat") : req.param("lat") != nullptr;
        if (!has_lon) throw ApiError("missing_parameter", {"lon"});
        if (!has_lat) throw ApiError("missing_parameter", {"lat"});
        if (p.body.is_object()) {
            at = lonlat_from_json(p.body, "lon/lat");
        } else {
            const std::string text = *req.param("lon") + "," + *req.param("lat");
            at = parse_lonlat(text, "lon/lat");
        }
    }
    const auto r = gazetteer(ctx).reverse(*at);
    geo::Feature f;
    f.geometry = *at;
    f.properties = {{"country", r.country},   {"country_name", r.country_name}, {"province", r.province},
                    {"distance_m", nullptr}, {"nearest", nullptr}};
    if (r.nearest) {
        const auto nearest = geo::to_feature(*r.nearest);
        f.properties["nearest"] = geo::feature_to_json(nearest);
        f.properties["distance_m"] = r.distance_m;
    }
    return Response::geojson(geo::to_geojson(f));
}

Response geoparse(const Request& req, const Context& ctx) {
    std::string text;
    if (starts_with(req.content_type, "application/json")) {
        const auto body = parse_json_body(req);
        if (!body.contains("text")) throw ApiError("missing_parameter", {"text"});
        if (!body["text"].is_string()) throw ApiError("invalid_parameter", {"text", "expected a string"});
        text = body["text"].get<std::string>();
    } else if (req.content_type.empty() || starts_with(req.content_type, "text/plain")) {
        text = req.body;
    } else {
        throw ApiError("unsupported_media_type", {req.content_type.substr(0, 60), "text/plain or application/json"});
    }
    if (text.size() > ctx.limits.max_geoparse_chars)
        throw ApiError("too_many_points", {"characters", std::to_string(text.size()),
                                           std::to_string(ctx.limits.max_geoparse_chars)});
    if (!ctx.engines.geoparser)
        throw ApiError("unavailable", {"the geoparser", ctx.engines.why_unavailable("geoparser")});
    const auto result = ctx.engines.geoparser->parse(text);
    return Response::geojson(geo::to_geojson(geo::to_feature_collection(result)));
}

}  // namespace

void register_geo_routes(Router& router) {
    router.add("GET", "/geocode", geocode);
    router.add("POST", "/geocode", geocode);
    router.add("GET", "/reverse", reverse);
    router.add("POST", "/reverse", reverse);
    router.add("POST", "/geoparse", geoparse);
}

}  // namespace aras::service::http
