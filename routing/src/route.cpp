// GeoJSON forms of routing results, shared by the CLI and the HTTP API.
#include "aras/routing/route.hpp"

#include <cmath>
#include <utility>

namespace aras::routing {

namespace {

nlohmann::json position(const geo::LonLat& p) { return nlohmann::json::array({p.lon, p.lat}); }

// Dividing by a power of ten (not multiplying by 0.001) gives the double nearest the decimal, which
// JSON then prints without float noise (382.025, not 382.02500000000003).
double round_to(double v, double scale) { return std::round(v * scale) / scale; }

}  // namespace

geo::Feature to_feature(const Route& route) {
    geo::Feature f;
    // Positions that coincide at GeoJSON's 6 decimals (a snapped end on a node, a partial edge of
    // zero length) are written once; a line keeps at least its two ends.
    geo::LineString line;
    line.reserve(route.geometry.size());
    auto key = [](const geo::LonLat& p) { return std::pair{std::llround(p.lon * 1e6), std::llround(p.lat * 1e6)}; };
    for (const auto& p : route.geometry)
        if (line.empty() || key(line.back()) != key(p)) line.push_back(p);
    if (line.size() < 2 && route.geometry.size() >= 2) line = {route.geometry.front(), route.geometry.back()};
    f.geometry = std::move(line);
    f.properties = {{"rank", route.rank},
                    {"distance_km", round_to(route.distance_m / 1000.0, 1e3)},
                    {"duration_h", round_to(route.duration_s / 3600.0, 1e4)},
                    {"crossings", route.crossings},
                    {"crossing_ids", route.crossing_ids},
                    {"countries", route.countries},
                    {"refs", route.refs},
                    {"snapped_from", position(route.snapped_from)},
                    {"snapped_to", position(route.snapped_to)}};
    return f;
}

geo::FeatureCollection to_feature_collection(const std::vector<Route>& routes) {
    geo::FeatureCollection fc;
    for (const auto& r : routes) fc.features.push_back(to_feature(r));
    return fc;
}

geo::Feature to_feature(const Snapped& s) {
    geo::Feature f;
    f.geometry = s.point;
    f.properties = {{"distance_m", round_to(s.distance_m, 1e1)},
                    {"road_class", std::string(to_string(s.road_class))},
                    {"country", s.country},
                    {"road_id", s.road_id},
                    {"ref", s.ref},
                    {"name", s.name},
                    {"input", position(s.input)}};
    return f;
}

geo::FeatureCollection to_feature_collection(const Isochrone& iso) {
    geo::FeatureCollection fc;
    for (auto it = iso.bands.rbegin(); it != iso.bands.rend(); ++it) {
        geo::Feature f;
        f.geometry = it->area;
        f.properties = {{"hours", it->hours}, {"reached_km", round_to(it->reached_km, 1e3)},
                        {"buffer_m", iso.buffer_m}, {"origin", position(iso.origin.point)}};
        fc.features.push_back(std::move(f));
    }
    return fc;
}

nlohmann::json to_json(const Matrix& m) {
    nlohmann::json dur = nlohmann::json::array(), dist = nlohmann::json::array();
    for (std::size_t i = 0; i < m.rows; ++i) {
        nlohmann::json dr = nlohmann::json::array(), kr = nlohmann::json::array();
        for (std::size_t j = 0; j < m.cols; ++j) {
            const double d = m.duration(i, j), k = m.distance(i, j);
            dr.push_back(std::isfinite(d) ? nlohmann::json(round_to(d / 3600.0, 1e4)) : nlohmann::json(nullptr));
            kr.push_back(std::isfinite(k) ? nlohmann::json(round_to(k / 1000.0, 1e3)) : nlohmann::json(nullptr));
        }
        dur.push_back(std::move(dr));
        dist.push_back(std::move(kr));
    }
    return {{"durations_h", dur}, {"distances_km", dist}};
}

}  // namespace aras::routing
