// Queries on a RoadGraph: nearest road, point-to-point routes with alternatives, isochrones, matrices.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "aras/geo/types.hpp"
#include "aras/routing/costing.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/route.hpp"

namespace aras::routing {

enum class Algorithm {
    Dijkstra,   // plain, the reference
    Alt,        // A* with landmark lower bounds (valid under any Costing); Dijkstra when no landmarks
    Hierarchy,  // contraction hierarchy of the graph's base costs; when the Costing changes the cost of an edge
                // on its path, or lowers any, the customizable hierarchy re-customised for the changed edges
                // answers. Alt when the graph has neither.
};

// A node-to-node shortest path (edge ids in order) and its cost under the Costing's metric.
struct NodePath {
    double cost = 0;
    std::vector<EdgeId> edges;
};

struct RouteRequest {
    std::vector<geo::LonLat> waypoints;  // from, via..., to (at least 2)
    int alternatives = 0;                // extra routes wanted (only without via points)
    Costing costing;
    Algorithm algorithm = Algorithm::Hierarchy;
    double max_snap_m = 20000.0;         // farther from any usable road -> NoRoute
};

// Statistics of the last search on this thread (for benchmarks and tests).
struct SearchStats {
    std::size_t settled = 0;
    bool hierarchy_exact = false;  // Hierarchy: the plain CH answered (the Costing changed no edge on its path)
    // Hierarchy: arcs of the customizable hierarchy recomputed for the Costing; 0 when the thread's previous
    // query had the same changes and its customisation was reused.
    std::size_t recustomised = 0;
};

// All queries are const and thread-safe: scratch space is per thread.
class Router {
public:
    explicit Router(std::shared_ptr<const RoadGraph> graph);

    const RoadGraph& graph() const { return *graph_; }

    // Nearest road edge (never a crossing edge); std::nullopt when the graph is empty.
    std::optional<Snapped> nearest(const geo::LonLat& p) const;

    // Best route first, then up to request.alternatives genuinely different ones
    // (penalty method: ≤ 70 % shared length with each accepted route, ≤ 1.4 × the best cost).
    // Throws CostingError for unknown crossing names, std::invalid_argument for bad waypoints.
    RouteResult route(const RouteRequest& request) const;

    // Time isochrones; each band is the area within buffer_m of the reached road pieces, traced on a
    // raster (geo::raster_buffer_m: within ~buffer_m / 6 of the exact buffer).
    Isochrone isochrone(const geo::LonLat& origin, std::vector<double> hours, const Costing& costing = {},
                        double buffer_m = 2000.0) const;

    // Durations and distances along the best route (by costing.metric) for every pair.
    Matrix matrix(const std::vector<geo::LonLat>& origins, const std::vector<geo::LonLat>& destinations,
                  const Costing& costing = {}) const;

    // The search alone between two graph nodes (no snapping, no route assembly): for benchmarks and
    // tests. std::nullopt when `to` cannot be reached.
    std::optional<NodePath> shortest_path(NodeId from, NodeId to, const Costing& costing = {},
                                          Algorithm algorithm = Algorithm::Hierarchy) const;

    static SearchStats last_stats();

private:
    std::shared_ptr<const RoadGraph> graph_;
};

}  // namespace aras::routing
