// Request parameters shared by the routing and analysis endpoints: locations, costing, avoid areas.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aras/geo/types.hpp"
#include "aras/routing/costing.hpp"
#include "http/api.hpp"

namespace aras::routing {
class Router;
}

namespace aras::service::http {

// The router, or ApiError "unavailable" (503) when the road graph did not load.
const routing::Router& router(const Context& ctx);

// A location: [lon, lat], {"lon":..,"lat":..}, "lon,lat" or a place name (geocoded, best match;
// ApiError "unknown_place" (404) when nothing matches, "unavailable" without a gazetteer).
struct Location {
    geo::LonLat position;
    std::string name;  // the place's name when given by name, else ""
};
Location resolve_location(const nlohmann::json& value, const Context& ctx, const std::string& what);

// The costing members of a request body: metric, closed_crossings, reopened_crossings,
// closed_roads, avoid (GeoJSON polygons, hard), avoid_circles [{lon,lat,radius_km,hard,factor}],
// hazards [{area,hard,penalty_factor,name}], crossing_penalty_s {name: s}, default_crossing_penalty_s.
// Self-intersecting avoid polygons are repaired with GEOS MakeValid and reported in `warnings`.
routing::Costing parse_costing(const nlohmann::json& body, const Context& ctx, std::vector<std::string>& warnings);

// GET query parameters turned into the JSON body form, so GET and POST share one path:
// repeated keys in `list_keys` become arrays; "avoid=lon,lat,radius_km" becomes avoid_circles.
nlohmann::json query_to_body(const Request& req, const std::vector<std::string>& list_keys);

// The body of a POST, or query_to_body of a GET.
nlohmann::json request_body(const Request& req, const std::vector<std::string>& list_keys);

}  // namespace aras::service::http
