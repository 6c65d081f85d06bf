// Strict parsing of request targets and parameter values: every malformed input is an ApiError.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aras/geo/types.hpp"
#include "http/api.hpp"

namespace aras::service::http {

// Percent-decodes `s` ('+' becomes a space when `plus_is_space`); nullopt on a bad escape or a NUL.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

struct Target {
    std::string path;  // decoded
    std::multimap<std::string, std::string> query;
};
// Splits "/a/b?x=1&y=2" into a decoded path and decoded query pairs; ApiError "invalid_path" /
// "bad_request" on malformed escapes or a path that does not start with '/'.
Target parse_target(std::string_view target);

// A finite number, the whole string; ApiError "invalid_parameter" naming `name` otherwise.
double parse_number(std::string_view text, std::string_view name);
long parse_integer(std::string_view text, std::string_view name, long min, long max);
// "lon,lat" -> a valid LonLat; ApiError "invalid_coordinates" otherwise.
geo::LonLat parse_lonlat(std::string_view text, std::string_view name);
// "minlon,minlat,maxlon,maxlat" (OGC API bbox).
geo::BBox parse_bbox(std::string_view text, std::string_view name);

// The request body as JSON (an object); ApiError "invalid_json" otherwise.
nlohmann::json parse_json_body(const Request& req);
// A position from JSON: [lon, lat] or {"lon":..,"lat":..}; ApiError "invalid_coordinates".
geo::LonLat lonlat_from_json(const nlohmann::json& j, std::string_view name);

std::vector<std::string> split(std::string_view s, char sep);

}  // namespace aras::service::http
