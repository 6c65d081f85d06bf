// The one RFC 7946 GeoJSON writer and the request-body reader.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aras/geo/feature.hpp"

namespace aras::geo {

// Malformed GeoJSON; `where` is a JSON pointer to the offending member (e.g. "/features/3/geometry").
class GeoJsonError : public std::runtime_error {
public:
    GeoJsonError(std::string where, const std::string& message)
        : std::runtime_error(where.empty() ? message : where + ": " + message), where_(std::move(where)) {}
    const std::string& where() const { return where_; }

private:
    std::string where_;
};

struct GeoJsonOptions {
    int precision = 6;  // decimals for coordinates
};

// RFC 7946: lon/lat, no "crs", exterior rings CCW and holes CW, UTF-8 unescaped.
std::string to_geojson(const FeatureCollection& fc, const GeoJsonOptions& options = {});
std::string to_geojson(const Feature& f, const GeoJsonOptions& options = {});
// The same objects as nlohmann values (coordinates rounded to `precision`). Prefer to_geojson for
// output text: nlohmann's number printer occasionally shows a rounded value with 17 digits.
nlohmann::json geometry_to_json(const Geometry& g, const GeoJsonOptions& options = {});
nlohmann::json feature_to_json(const Feature& f, const GeoJsonOptions& options = {});

// Accepts a FeatureCollection, a Feature or a bare geometry; either ring winding; rejects
// malformed input (unclosed rings, too few positions, non-finite or out-of-range coordinates).
FeatureCollection parse_geojson(std::string_view text);
Geometry parse_geometry(const nlohmann::json& j, const std::string& where = "");

// Rewinds rings in place to the RFC 7946 orientation.
void rewind_rfc7946(Geometry& g);

}  // namespace aras::geo
