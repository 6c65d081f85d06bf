// Benchmark inputs: a deterministic synthetic road-like network and fixed random query sets on a RoadGraph.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "aras/geo/feature.hpp"
#include "aras/routing/road_graph.hpp"

namespace aras::bench {

struct SyntheticOptions {
    std::size_t nodes = 10000;     // about; the grid is ceil(sqrt(nodes)) on a side
    std::uint64_t seed = 20250613;
    double spacing_deg = 0.01;     // ~1 km between grid neighbours
    double missing = 0.12;         // share of grid links left out (dead ends, detours)
    double diagonal = 0.08;        // share of cells with a diagonal link
    double oneway = 0.05;          // share of links that are one-way
    int highway_every = 40;        // every Nth row and column is a fast road
};

// A jittered grid: rows and columns are long polylines (split where a link is missing), random diagonals,
// a few motorway rows/columns, some one-way links; fields class, speed_kmh, oneway, country, road_id.
// The same options always give the same layer (own PRNG arithmetic, no std distributions).
geo::Layer synthetic_roads(const SyntheticOptions& options);

// Nodes reachable from and to each other through usable edges (crossing edges only when open): the
// largest such set found from a few seeds. Routing between two of them always succeeds unrestricted.
std::vector<routing::NodeId> main_network(const routing::RoadGraph& graph, std::uint64_t seed = 7);

// `count` distinct-endpoint pairs drawn uniformly from `nodes` with a fixed seed.
std::vector<std::pair<routing::NodeId, routing::NodeId>> query_pairs(const std::vector<routing::NodeId>& nodes,
                                                                    std::size_t count, std::uint64_t seed = 42);

// A tiny deterministic PRNG (splitmix64) so that query sets do not depend on the standard library.
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

private:
    std::uint64_t state_;
};

}  // namespace aras::bench
