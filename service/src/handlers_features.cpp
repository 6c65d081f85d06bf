// OGC API - Features over the loaded layers: /collections, /collections/{id}, items and single items.
#include <algorithm>

#include "aras/geo/geojson.hpp"
#include "aras/service/engines.hpp"
#include "http/error_table.hpp"
#include "http/formats.hpp"
#include "http/query.hpp"
#include "http/router.hpp"

namespace aras::service::http {

namespace {

const geo::Layer& find_layer(const Context& ctx, const std::string& id) {
    auto it = ctx.engines.layers.find(id);
    if (it != ctx.engines.layers.end()) return it->second;
    const std::string why = ctx.engines.why_unavailable("layer:" + id);
    if (!why.empty()) throw ApiError("unavailable", {"collection '" + id + "'", why});
    throw ApiError("unknown_collection", {id.substr(0, 100)});
}

nlohmann::json bbox_json(const geo::BBox& b) {
    if (b.empty()) return nlohmann::json::array();
    return {b.min_lon, b.min_lat, b.max_lon, b.max_lat};
}

nlohmann::json collection_json(const Request& req, const std::string& id, const geo::Layer& layer) {
    const std::string self = req.base_url + "/collections/" + id;
    return {
        {"id", id},
        {"title", id},
        {"itemType", "feature"},
        {"crs", {"http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
        {"extent", {{"spatial", {{"bbox", {bbox_json(layer.extent())}}, {"crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}}}},
        {"numberOfFeatures", layer.features.size()},
        {"links",
         {{{"href", self}, {"rel", "self"}, {"type", "application/json"}},
          {{"href", self + "/items"}, {"rel", "items"}, {"type", "application/geo+json"}}}},
    };
}

Response collections(const Request& req, const Context& ctx) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, layer] : ctx.engines.layers) list.push_back(collection_json(req, id, layer));
    return Response::json(
        {{"collections", list},
         {"links", {{{"href", req.base_url + "/collections"}, {"rel", "self"}, {"type", "application/json"}}}}});
}

Response collection(const Request& req, const Context& ctx) {
    const std::string& id = req.path_params.at("id");
    return Response::json(collection_json(req, id, find_layer(ctx, id)));
}

// The request's query string without `offset`, to build paging links.
std::string query_without_offset(const Request& req) {
    std::string out;
    auto encode = [](const std::string& s) {
        static const char* hex = "0123456789ABCDEF";
        std::string e;
        for (unsigned char c : s) {
            if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',') {
                e += static_cast<char>(c);
            } else {
                e += '%';
                e += hex[c >> 4];
                e += hex[c & 15];
            }
        }
        return e;
    };
    for (const auto& [k, v] : req.query) {
        if (k == "offset") continue;
        // Appended piece by piece: `const char* + std::string&&` trips GCC 12's false -Wrestrict at -O3.
        if (!out.empty()) out += '&';
        out += encode(k);
        out += '=';
        out += encode(v);
    }
    return out;
}

Response items(const Request& req, const Context& ctx) {
    const std::string& id = req.path_params.at("id");
    const geo::Layer& layer = find_layer(ctx, id);
    const auto format = requested_format(req);
    for (const auto& [k, v] : req.query) {
        if (k != "bbox" && k != "limit" && k != "offset" && k != "format")
            throw ApiError("invalid_parameter", {k.substr(0, 40), "unknown parameter (use bbox, limit, offset, format)"});
    }
    std::optional<geo::BBox> bbox;
    if (const auto* b = req.param("bbox")) bbox = parse_bbox(*b, "bbox");
    const long max_limit = static_cast<long>(ctx.limits.max_items_limit);
    long limit = 10;
    if (const auto* l = req.param("limit")) limit = parse_integer(*l, "limit", 1, max_limit);
    long offset = 0;
    if (const auto* o = req.param("offset")) offset = parse_integer(*o, "offset", 0, 1L << 40);

    std::vector<const geo::Feature*> matched;
    for (const auto& f : layer.features) {
        if (!bbox || geo::bbox_of(f.geometry).intersects(*bbox)) matched.push_back(&f);
    }
    req.check_deadline();
    const std::size_t begin = std::min(matched.size(), static_cast<std::size_t>(offset));
    const std::size_t end = std::min(matched.size(), begin + static_cast<std::size_t>(limit));

    if (format) {
        geo::Layer out;
        out.name = id;
        out.fields = layer.fields;
        for (std::size_t i = begin; i < end; ++i) out.features.push_back(*matched[i]);
        return download(out, *format, id);
    }

    nlohmann::json features = nlohmann::json::array();
    for (std::size_t i = begin; i < end; ++i) features.push_back(geo::feature_to_json(*matched[i]));
    const std::string base = req.base_url + "/collections/" + id + "/items";
    const std::string rest = query_without_offset(req);
    auto link = [&](std::size_t off, const char* rel) {
        std::string q = rest;
        if (!q.empty()) q += '&';
        q += "offset=";
        q += std::to_string(off);
        return nlohmann::json{{"href", base + "?" + q}, {"rel", rel}, {"type", "application/geo+json"}};
    };
    nlohmann::json links = nlohmann::json::array({link(begin, "self")});
    if (end < matched.size()) links.push_back(link(end, "next"));
    if (begin > 0) links.push_back(link(begin > static_cast<std::size_t>(limit) ? begin - static_cast<std::size_t>(limit) : 0, "prev"));
    nlohmann::json fc = {
        {"type", "FeatureCollection"},
        {"features", std::move(features)},
        {"numberMatched", matched.size()},
        {"numberReturned", end - begin},
        {"links", links},
    };
    return Response::geojson(fc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response item(const Request& req, const Context& ctx) {
    const std::string& id = req.path_params.at("id");
    const geo::Layer& layer = find_layer(ctx, id);
    const std::string& fid = req.path_params.at("featureId");
    // Feature ids are the layer's own ids when it has them, else the feature's index.
    for (std::size_t i = 0; i < layer.features.size(); ++i) {
        const auto& f = layer.features[i];
        const bool hit = f.id.is_null() ? std::to_string(i) == fid
                                        : (f.id.is_string() ? f.id.get<std::string>() == fid : f.id.dump() == fid);
        if (hit) return Response::geojson(geo::to_geojson(f));
    }
    throw ApiError("not_found", {req.path.substr(0, 200)});
}

}  // namespace

void register_feature_routes(Router& router) {
    router.add("GET", "/collections", collections);
    router.add("GET", "/collections/{id}", collection);
    router.add("GET", "/collections/{id}/items", items);
    router.add("GET", "/collections/{id}/items/{featureId}", item);
}

}  // namespace aras::service::http
