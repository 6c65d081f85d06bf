// Internal layout of RoadGraph: flat arrays, owned after a build or viewed inside a memory-mapped file.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "aras/routing/road_graph.hpp"

namespace aras::routing {

// A read-only array view; points into either Impl::owned buffers or the mapped file.
template <class T>
struct Array {
    const T* ptr = nullptr;
    std::size_t n = 0;
    const T& operator[](std::size_t i) const { return ptr[i]; }
    std::size_t size() const { return n; }
    bool empty() const { return n == 0; }
    const T* begin() const { return ptr; }
    const T* end() const { return ptr + n; }
};

// Flags in EdgeRec::piece's top bit: the edge runs against its piece's stored shape.
inline constexpr std::uint32_t kReversedBit = 0x80000000u;

struct EdgeRec {
    std::uint32_t source;
    std::uint32_t target;
    float length_m;
    float duration_s;
    std::uint32_t road;      // kInvalidId for crossing edges
    std::uint32_t crossing;  // kInvalidId for road edges
    std::uint32_t piece;     // piece index | kReversedBit
    std::uint8_t road_class;
    std::uint8_t pad[3];
};

struct RoadRec {
    std::int64_t road_id;
    std::uint32_t ref;   // string ids
    std::uint32_t name;
    std::uint32_t country;
    std::uint8_t road_class;
    std::uint8_t pad[3];
};

// An undirected piece of road between two nodes, shared by its one or two directed edges.
struct PieceRec {
    std::uint32_t shape_begin;  // into shape points; end is the next piece's begin
    std::uint32_t edge_fwd;     // kInvalidId when absent (one-way)
    std::uint32_t edge_bwd;
    std::uint32_t node_a;
    std::uint32_t node_b;
};

struct Point2 {
    double lon, lat;
};

// Landmark distances, node-major: [node * L + landmark]. +inf when unreachable.
struct LandmarkTables {
    Array<float> from_time, to_time, from_dist, to_dist;
};

// One arc of the hierarchy as seen from the lower-ranked end: `head` is the higher-ranked node.
struct ChArc {
    std::uint32_t head;
    std::uint32_t arc;  // index into Hierarchy::unpack
    double weight;
};

// What an arc stands for: a graph edge (second == kInvalidId, first = edge id) or a shortcut made of two
// arcs in travel order.
struct ChUnpack {
    std::uint32_t first;
    std::uint32_t second;
};

// A contraction hierarchy: views into owned vectors or the mapped graph file (routing/src/hierarchy.hpp).
struct Hierarchy {
    Array<std::uint32_t> up_offsets;    // N + 1
    Array<ChArc> up;                    // arcs u -> head, stored at u
    Array<std::uint32_t> down_offsets;  // N + 1
    Array<ChArc> down;                  // arcs head -> u, stored at u
    Array<ChUnpack> unpack;
    bool empty() const { return up_offsets.empty(); }
};

struct Cch;  // routing/src/cch.hpp

class RoadGraph::Impl {
public:
    Array<Point2> positions;
    Array<std::uint32_t> node_country;  // string id
    Array<std::uint32_t> offsets;       // N + 1
    Array<EdgeRec> edges;
    Array<std::uint32_t> rev_offsets;   // N + 1
    Array<std::uint32_t> rev_edges;     // incoming edge ids grouped by target
    Array<PieceRec> pieces;             // + one sentinel at the end
    Array<Point2> shape_points;
    Array<RoadRec> roads;
    Array<std::uint32_t> string_offsets;
    Array<char> string_chars;
    Array<std::uint32_t> landmark_nodes;
    LandmarkTables lm;
    Hierarchy ch_time, ch_dist;  // empty when built without hierarchies
    // The customizable hierarchy, built on first use (not stored: ~0.06 s on the embedded graph); nullptr when
    // the graph is unsuited (cch.hpp build_cch).
    const Cch* customizable() const;
    std::vector<Crossing> crossings;
    std::uint64_t signature = 0;

    // Spatial index of pieces (built after build or load, never stored).
    double grid_min_lon = 0, grid_min_lat = 0, grid_cell = 1;
    std::uint32_t grid_cols = 0, grid_rows = 0;
    std::vector<std::uint32_t> grid_offsets, grid_items;
    std::vector<geo::BBox> piece_boxes;  // per piece: snapping skips pieces whose box is farther than the best hit
    geo::BBox bbox;

    // Owned storage after build(); the mapping after load().
    struct Owned;
    std::unique_ptr<Owned> owned;
    void* map_addr = nullptr;
    std::size_t map_len = 0;
    mutable std::once_flag cch_once;
    mutable std::unique_ptr<Cch> cch;

    ~Impl();

    std::string_view str(std::uint32_t id) const {
        return std::string_view(string_chars.ptr + string_offsets[id], string_offsets[id + 1] - string_offsets[id]);
    }
    std::size_t node_count() const { return positions.size(); }
    std::size_t piece_count() const { return pieces.size() ? pieces.size() - 1 : 0; }
    std::size_t landmarks() const { return landmark_nodes.size(); }
    const Hierarchy& hierarchy(bool distance) const { return distance ? ch_dist : ch_time; }
    // Full shape of a piece in its stored direction (node_a ... node_b).
    void piece_shape(std::uint32_t piece, std::vector<geo::LonLat>& out) const;
    void build_grid();
    // Cells overlapping a bbox, clamped to the grid.
    template <class F>
    void for_each_cell(const geo::BBox& b, F&& f) const {
        if (grid_cols == 0) return;
        auto cx = [&](double lon) {
            return static_cast<long>(std::clamp(std::floor((lon - grid_min_lon) / grid_cell), 0.0, double(grid_cols - 1)));
        };
        auto cy = [&](double lat) {
            return static_cast<long>(std::clamp(std::floor((lat - grid_min_lat) / grid_cell), 0.0, double(grid_rows - 1)));
        };
        for (long y = cy(b.min_lat); y <= cy(b.max_lat); ++y)
            for (long x = cx(b.min_lon); x <= cx(b.max_lon); ++x) f(static_cast<std::uint32_t>(y * grid_cols + x));
    }
};

// Where a search starts or ends: a node, reached at an offset cost (the rest of a snapped position's edge).
struct Endpoint {
    std::uint32_t node;
    double cost;
};

// The waiting time at a crossing that the graph's precomputed bounds (landmark time tables, hierarchies)
// include: a query that waits less there cannot use them.
inline double base_wait_s(const Crossing& c) { return std::max(c.penalty_s, 0.0); }

// Approximate metres between two nearby points (equirectangular); exact enough for snapping.
inline double approx_distance_m(double lon1, double lat1, double lon2, double lat2) {
    constexpr double kMetresPerDeg = 111319.49;
    const double k = std::cos((lat1 + lat2) * 0.5 * M_PI / 180.0);
    const double dx = (lon2 - lon1) * k * kMetresPerDeg, dy = (lat2 - lat1) * kMetresPerDeg;
    return std::sqrt(dx * dx + dy * dy);
}

}  // namespace aras::routing
