// Results of routing queries (routes, snapped points, isochrones, matrices) and their GeoJSON form.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "aras/geo/feature.hpp"
#include "aras/geo/types.hpp"
#include "aras/routing/road_graph.hpp"

namespace aras::routing {

// A position snapped onto the nearest usable road edge.
struct Snapped {
    geo::LonLat input;
    geo::LonLat point;
    double distance_m = 0.0;  // input -> point
    EdgeId edge = kInvalidId;
    double fraction = 0.0;    // along the edge, 0..1
    RoadClass road_class = RoadClass::Other;
    std::string country;
    std::int64_t road_id = 0;
    std::string ref, name;
};

struct Route {
    geo::LineString geometry;
    double distance_m = 0.0;
    double duration_s = 0.0;              // incl. crossing waiting time
    double cost = 0.0;                    // what the search minimised (incl. soft-zone penalties)
    std::vector<std::string> crossings;   // names, in travel order
    std::vector<std::string> crossing_ids;
    std::vector<std::string> countries;   // ISO2, in travel order, consecutive duplicates removed
    std::vector<std::string> refs;        // road refs in travel order, consecutive duplicates removed
    std::vector<EdgeId> edges;            // directed edges, in order (partial first/last edges included)
    geo::LonLat snapped_from, snapped_to;
    int rank = 0;                         // 0 = best
};

// Why no route exists, in the planner's words ("every crossing into AZ is closed", ...).
struct NoRoute {
    std::string reason;
};

using RouteResult = std::variant<std::vector<Route>, NoRoute>;

struct IsochroneBand {
    double hours = 0.0;
    geo::MultiPolygon area;   // buffered reached edges
    double reached_km = 0.0;  // road length reachable within `hours`
};

struct Isochrone {
    Snapped origin;
    double buffer_m = 0.0;
    std::vector<IsochroneBand> bands;  // ascending hours
};

// Row-major origins × destinations; unreachable pairs are +infinity.
struct Matrix {
    std::size_t rows = 0, cols = 0;
    std::vector<double> duration_s;
    std::vector<double> distance_m;
    double duration(std::size_t i, std::size_t j) const { return duration_s[i * cols + j]; }
    double distance(std::size_t i, std::size_t j) const { return distance_m[i * cols + j]; }
};

// GeoJSON forms shared by the CLI and the HTTP API.
// LineString with distance_km, duration_h, crossings, countries, refs, rank, snapped_from, snapped_to.
geo::Feature to_feature(const Route& route);
geo::FeatureCollection to_feature_collection(const std::vector<Route>& routes);
// Point with distance_m, road_class, country, road_id, ref, name, input.
geo::Feature to_feature(const Snapped& snapped);
// One (Multi)Polygon per band, largest first so smaller bands draw on top; property `hours`.
geo::FeatureCollection to_feature_collection(const Isochrone& isochrone);
// {"durations_h": [[...]], "distances_km": [[...]]}, null for unreachable.
nlohmann::json to_json(const Matrix& matrix);

}  // namespace aras::routing
