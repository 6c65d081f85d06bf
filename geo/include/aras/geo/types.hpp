// Geometry value types of Aras: plain lon/lat data with no third-party types in sight.
#pragma once

#include <cmath>
#include <limits>
#include <variant>
#include <vector>

namespace aras::geo {

// A WGS84 position, longitude first (as in GeoJSON).
struct LonLat {
    double lon = 0.0;
    double lat = 0.0;

    friend bool operator==(const LonLat&, const LonLat&) = default;
};

// True when lon is in [-180, 180] and lat in [-90, 90] and both are finite.
inline bool is_valid(const LonLat& p) {
    return std::isfinite(p.lon) && std::isfinite(p.lat) && p.lon >= -180.0 && p.lon <= 180.0 &&
           p.lat >= -90.0 && p.lat <= 90.0;
}

// An axis-aligned lon/lat box; empty until something is added.
struct BBox {
    double min_lon = std::numeric_limits<double>::infinity();
    double min_lat = std::numeric_limits<double>::infinity();
    double max_lon = -std::numeric_limits<double>::infinity();
    double max_lat = -std::numeric_limits<double>::infinity();

    bool empty() const { return min_lon > max_lon || min_lat > max_lat; }
    void extend(const LonLat& p) {
        min_lon = std::min(min_lon, p.lon);
        min_lat = std::min(min_lat, p.lat);
        max_lon = std::max(max_lon, p.lon);
        max_lat = std::max(max_lat, p.lat);
    }
    void extend(const BBox& b) {
        if (b.empty()) return;
        extend(LonLat{b.min_lon, b.min_lat});
        extend(LonLat{b.max_lon, b.max_lat});
    }
    bool contains(const LonLat& p) const {
        return p.lon >= min_lon && p.lon <= max_lon && p.lat >= min_lat && p.lat <= max_lat;
    }
    bool intersects(const BBox& o) const {
        return !(o.min_lon > max_lon || o.max_lon < min_lon || o.min_lat > max_lat || o.max_lat < min_lat);
    }
};

using LineString = std::vector<LonLat>;
// A linear ring is closed: its first and last positions are equal.
using Ring = std::vector<LonLat>;

// rings[0] is the exterior, the rest are holes.
struct Polygon {
    std::vector<Ring> rings;
    friend bool operator==(const Polygon&, const Polygon&) = default;
};

struct MultiPoint {
    std::vector<LonLat> points;
    friend bool operator==(const MultiPoint&, const MultiPoint&) = default;
};
struct MultiLineString {
    std::vector<LineString> lines;
    friend bool operator==(const MultiLineString&, const MultiLineString&) = default;
};
struct MultiPolygon {
    std::vector<Polygon> polygons;
    friend bool operator==(const MultiPolygon&, const MultiPolygon&) = default;
};

// std::monostate is "no geometry" (GeoJSON null).
using Geometry = std::variant<std::monostate, LonLat, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon>;

BBox bbox_of(const Geometry& g);

}  // namespace aras::geo
