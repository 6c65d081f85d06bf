// A customizable contraction hierarchy (Dibbelt, Strasser & Wagner 2016) for queries whose costs differ from the
// graph's on some edges (soft zones, closures, penalties): a metric-independent nested-dissection order (METIS),
// the chordal supergraph of the road graph in that order, and its lower triangles. Each metric's base
// customisation is computed once; a query re-customises only the arcs its changed edges reach (partial
// customisation) in per-thread copies of the weights, searches the elimination tree and restores the copies.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "aras/routing/costing.hpp"
#include "graph_impl.hpp"

namespace aras::routing {

struct Cch {
    std::uint64_t id = 0;  // unique per process: per-thread state is keyed by it, not by an address a later one reuses
    std::uint32_t n = 0;
    std::vector<std::uint32_t> rank;     // graph node -> rank (position in the elimination order)
    std::vector<std::uint32_t> node_at;  // rank -> graph node
    std::vector<std::uint32_t> parent;   // rank -> elimination-tree parent's rank; kInvalidId at a root
    std::vector<std::uint32_t> first;    // rank -> its first upward arc (n + 1 entries)
    std::vector<std::uint32_t> tail;     // arc -> lower rank
    std::vector<std::uint32_t> head;     // arc -> higher rank, ascending within a tail
    // Lower triangles of each arc u-w: pairs (arc v-u, arc v-w) with v below u.
    std::vector<std::uint32_t> tri_first;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> tri;
    // Upper triangles: per arc, the (arc, lower triangle of it) pairs it is a lower side of.
    std::vector<std::uint32_t> above_first;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> above;
    std::vector<std::uint32_t> edge_arc;  // graph edge -> its arc; kInvalidId for a loop
    // arc -> the graph edges along it, | kDownBit when the edge runs from the higher end to the lower.
    std::vector<std::uint32_t> arc_edge_first, arc_edges;
    std::vector<std::uint32_t> crossing_edges;  // graph edges that are crossings
    // An arc's customised weights: up = lower -> higher end, down = higher -> lower end; +inf when no path.
    struct ArcWeight {
        double up, down;
    };
    // What gives each weight: a graph edge (first = edge | kEdgeBit) or a lower triangle's two arcs in travel
    // order, the first travelled downward and the second upward; kInvalidId when nothing does.
    struct ArcVia {
        std::uint32_t up_first, up_second, down_first, down_second;
    };
    struct Customisation {
        std::vector<ArcWeight> weight;
        std::vector<ArcVia> via;
    };
    static constexpr std::uint32_t kDownBit = 0x80000000u, kEdgeBit = 0x80000000u;
    Customisation base[2];  // [Metric::Time, Metric::Distance]
    std::size_t arcs() const { return head.size(); }
};

// The order comes from METIS_NodeND on the undirected graph (fixed seed, so reproducible). nullptr when the
// graph's separators are too large for it (more than 16 arcs or 64 triangles per node: grid-like networks),
// checked before anything that size is allocated; arc and triangle indices then stay below 2^31.
std::unique_ptr<Cch> build_cch(const RoadGraph::Impl& g);

// An edge whose cost under the query is not its base cost (hierarchy.hpp base_cost).
struct EdgeCost {
    std::uint32_t edge;
    double cost;
    bool operator==(const EdgeCost&) const = default;
};

struct CchPath {
    double cost;
    std::vector<std::uint32_t> edges;  // graph edges from `start` to `end`
    std::uint32_t start, end;          // graph nodes
    std::size_t changed_arcs;          // arcs the partial customisation recomputed (0: this thread's last one reused)
    std::size_t visited;               // elimination-tree nodes the two sides scanned
};

// Shortest path from any source to any target (each at its offset) under metric m's base costs with `changed`
// overriding some edges (any value >= 0 or +inf, higher or lower than the base). cost = +inf when none. Each
// thread keeps its last customisation: a query with the same metric and `changed` (same order) reuses it.
CchPath cch_search(const RoadGraph::Impl& g, const Cch& c, Metric m, const std::vector<EdgeCost>& changed,
                   const std::vector<Endpoint>& sources, const std::vector<Endpoint>& targets);

}  // namespace aras::routing
