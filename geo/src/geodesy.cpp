// Geodesic measures through PROJ's C port of Karney's GeographicLib routines.
#include "aras/geo/geodesy.hpp"

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace aras::geo {

namespace {

// geod_init is not free; the struct is read-only afterwards, so one shared instance is thread-safe.
const geod_geodesic& wgs84() {
    static const geod_geodesic g = [] {
        geod_geodesic init{};
        geod_init(&init, 6378137.0, 1.0 / 298.257223563);
        return init;
    }();
    return g;
}

constexpr double kPi = 3.14159265358979323846;
constexpr double kMeanEarthRadiusM = 6371008.8;

double ring_area_m2(const Ring& ring) {
    if (ring.size() < 4) return 0.0;
    std::vector<double> lats, lons;
    // geod_polygonarea wants the ring without the closing repeat.
    const std::size_t n = ring.size() - (ring.front() == ring.back() ? 1 : 0);
    lats.reserve(n);
    lons.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        lats.push_back(ring[i].lat);
        lons.push_back(ring[i].lon);
    }
    double area = 0.0, perimeter = 0.0;
    geod_polygonarea(&wgs84(), lats.data(), lons.data(), static_cast<int>(n), &area, &perimeter);
    return std::abs(area);
}

double polygon_area_m2(const Polygon& p) {
    if (p.rings.empty()) return 0.0;
    double a = ring_area_m2(p.rings[0]);
    for (std::size_t i = 1; i < p.rings.size(); ++i) a -= ring_area_m2(p.rings[i]);
    return std::max(a, 0.0);
}

}  // namespace

double geodesic_distance_m(const LonLat& a, const LonLat& b) {
    double s12 = 0.0;
    geod_inverse(&wgs84(), a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
    return s12;
}

double geodesic_length_m(const LineString& line) {
    double total = 0.0;
    for (std::size_t i = 0; i + 1 < line.size(); ++i) total += geodesic_distance_m(line[i], line[i + 1]);
    return total;
}

double geodesic_azimuth_deg(const LonLat& from, const LonLat& to) {
    double s12 = 0.0, azi1 = 0.0, azi2 = 0.0;
    geod_inverse(&wgs84(), from.lat, from.lon, to.lat, to.lon, &s12, &azi1, &azi2);
    if (azi1 < 0.0) azi1 += 360.0;
    return azi1;
}

LonLat geodesic_destination(const LonLat& from, double azimuth_deg, double distance_m) {
    double lat2 = 0.0, lon2 = 0.0;
    geod_direct(&wgs84(), from.lat, from.lon, azimuth_deg, distance_m, &lat2, &lon2, nullptr);
    return {lon2, lat2};
}

Polygon geodesic_circle(const LonLat& centre, double radius_m, int segments) {
    if (!is_valid(centre)) throw std::invalid_argument("geodesic_circle: centre is not a valid lon/lat");
    if (!std::isfinite(radius_m) || radius_m <= 0.0)
        throw std::invalid_argument("geodesic_circle: radius must be a positive number of metres");
    segments = std::clamp(segments, 3, 100000);
    Ring ring;
    ring.reserve(static_cast<std::size_t>(segments) + 1);
    // Azimuths run clockwise on the map, so walking them backwards gives a counter-clockwise ring.
    for (int i = 0; i < segments; ++i)
        ring.push_back(geodesic_destination(centre, -360.0 * i / segments, radius_m));
    ring.push_back(ring.front());
    return Polygon{{std::move(ring)}};
}

double geodesic_area_m2(const Geometry& g) {
    if (const auto* p = std::get_if<Polygon>(&g)) return polygon_area_m2(*p);
    if (const auto* mp = std::get_if<MultiPolygon>(&g)) {
        double a = 0.0;
        for (const auto& p : mp->polygons) a += polygon_area_m2(p);
        return a;
    }
    return 0.0;
}

LineProjection project_onto_line(const LonLat& p, const LineString& line) {
    if (line.empty()) throw std::invalid_argument("project_onto_line: empty line");
    LineProjection best;
    if (line.size() == 1) {
        best.point = line[0];
        best.distance_m = geodesic_distance_m(p, line[0]);
        return best;
    }
    // Local equirectangular plane centred on p: good to well under a metre over the tens of
    // kilometres that matter for snapping, and cheap enough to scan every segment.
    const double kx = std::cos(p.lat * kPi / 180.0) * kMeanEarthRadiusM * kPi / 180.0;
    const double ky = kMeanEarthRadiusM * kPi / 180.0;
    auto to_plane = [&](const LonLat& q) {
        double dlon = q.lon - p.lon;
        if (dlon > 180.0) dlon -= 360.0;
        if (dlon < -180.0) dlon += 360.0;
        return std::pair<double, double>{dlon * kx, (q.lat - p.lat) * ky};
    };
    double best_d2 = std::numeric_limits<double>::infinity();
    auto [ax, ay] = to_plane(line[0]);
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        auto [bx, by] = to_plane(line[i + 1]);
        const double dx = bx - ax, dy = by - ay;
        const double len2 = dx * dx + dy * dy;
        double t = len2 > 0.0 ? -(ax * dx + ay * dy) / len2 : 0.0;
        t = std::clamp(t, 0.0, 1.0);
        const double px = ax + t * dx, py = ay + t * dy;
        const double d2 = px * px + py * py;
        if (d2 < best_d2) {
            best_d2 = d2;
            best.segment = i;
            best.fraction = t;
        }
        ax = bx;
        ay = by;
    }
    const LonLat& a = line[best.segment];
    const LonLat& b = line[best.segment + 1];
    if (best.fraction <= 0.0) {
        best.point = a;
    } else if (best.fraction >= 1.0) {
        best.point = b;
    } else {
        // Place the foot on the geodesic between the vertices, at the planar fraction.
        double s12 = 0.0, azi1 = 0.0, azi2 = 0.0;
        geod_inverse(&wgs84(), a.lat, a.lon, b.lat, b.lon, &s12, &azi1, &azi2);
        best.point = geodesic_destination(a, azi1, s12 * best.fraction);
    }
    best.distance_m = geodesic_distance_m(p, best.point);
    return best;
}

}  // namespace aras::geo
