// Searches on the road graph: snapping, Dijkstra, ALT, the contraction hierarchy and, for query-time closures and
// zones, the customizable one (cch.cpp); alternatives, via points, isochrones and matrices.
#include "aras/routing/router.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <queue>
#include <tuple>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/geometry_ops.hpp"
#include "graph_impl.hpp"
#include "cch.hpp"
#include "hierarchy.hpp"

namespace aras::routing {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------------------------
// Planar predicates in lon/lat for hazard tests (hazard polygons are small next to the globe).

bool point_in_ring(double x, double y, const geo::Ring& r) {
    bool in = false;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
        const auto& a = r[i];
        const auto& b = r[j];
        if ((a.lat > y) != (b.lat > y) && x < (b.lon - a.lon) * (y - a.lat) / (b.lat - a.lat) + a.lon) in = !in;
    }
    return in;
}

bool point_in_polygon(const geo::LonLat& p, const geo::Polygon& poly) {
    if (poly.rings.empty() || poly.rings[0].size() < 4) return false;
    if (!point_in_ring(p.lon, p.lat, poly.rings[0])) return false;
    for (std::size_t i = 1; i < poly.rings.size(); ++i)
        if (poly.rings[i].size() >= 4 && point_in_ring(p.lon, p.lat, poly.rings[i])) return false;
    return true;
}

double cross(const geo::LonLat& o, const geo::LonLat& a, const geo::LonLat& b) {
    return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon);
}

bool segments_intersect(const geo::LonLat& p1, const geo::LonLat& p2, const geo::LonLat& q1, const geo::LonLat& q2) {
    const double d1 = cross(q1, q2, p1), d2 = cross(q1, q2, p2), d3 = cross(p1, p2, q1), d4 = cross(p1, p2, q2);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
    auto on = [](const geo::LonLat& a, const geo::LonLat& b, const geo::LonLat& c, double d) {
        return d == 0 && std::min(a.lon, b.lon) <= c.lon && c.lon <= std::max(a.lon, b.lon) &&
               std::min(a.lat, b.lat) <= c.lat && c.lat <= std::max(a.lat, b.lat);
    };
    return on(q1, q2, p1, d1) || on(q1, q2, p2, d2) || on(p1, p2, q1, d3) || on(p1, p2, q2, d4);
}

// A zone's polygons and a grid of cells over its box, each known to be wholly outside, wholly inside or crossed
// by a ring (the cells an edge's box, widened by kCellMargin, overlaps). A point in an outside or inside cell
// needs no polygon test, and a segment whose cells are none of them crossed meets no ring: a large zone's
// interior and corners cost O(1) per shape point instead of a polygon test.
struct ZoneShape {
    static constexpr int kCells = 32;
    static constexpr double kCellMargin = 1e-9;  // degrees: non-crossed cells stay this far from every ring
    enum Cell : std::uint8_t { Outside, Inside, Crossed };
    std::vector<geo::Polygon> polygons;
    geo::BBox box;
    double cell_w = 1, cell_h = 1;
    std::vector<std::uint8_t> cells;  // kCells × kCells, row-major from box.min; empty: not classified

    int col(double lon) const { return std::clamp(int(std::floor((lon - box.min_lon) / cell_w)), 0, kCells - 1); }
    int row(double lat) const { return std::clamp(int(std::floor((lat - box.min_lat) / cell_h)), 0, kCells - 1); }
    Cell cell_at(const geo::LonLat& p) const { return Cell(cells[std::size_t(row(p.lat) * kCells + col(p.lon))]); }
    // Crossed when the cells are not classified or one overlapping the box (widened by the margin) is crossed by a
    // ring; otherwise the state they all share (a box holding inside and outside cells holds the ring between
    // them), Outside when the box misses the zone's.
    Cell cells_over(const geo::BBox& b) const {
        if (cells.empty()) return Crossed;
        if (!b.intersects(box)) return Outside;
        const bool beyond = b.min_lon < box.min_lon || b.max_lon > box.max_lon || b.min_lat < box.min_lat ||
                            b.max_lat > box.max_lat;
        int seen = -1;
        for (int y = row(b.min_lat - kCellMargin); y <= row(b.max_lat + kCellMargin); ++y)
            for (int x = col(b.min_lon - kCellMargin); x <= col(b.max_lon + kCellMargin); ++x) {
                const int c = cells[std::size_t(y * kCells + x)];
                if (c == Crossed || (seen >= 0 && c != seen)) return Crossed;
                seen = c;
            }
        return beyond && seen == Inside ? Crossed : Cell(seen);
    }
};

constexpr std::size_t kCellsFromPieces = 512;

// Cells: crossed where a ring edge's box reaches; the others take the state of their centre, found per row of
// centres by the crossings of the rings with it (the even-odd rule of point_in_ring).
void classify_cells(ZoneShape& z) {
    const int n = ZoneShape::kCells;
    z.cell_w = std::max((z.box.max_lon - z.box.min_lon) / n, 1e-12);
    z.cell_h = std::max((z.box.max_lat - z.box.min_lat) / n, 1e-12);
    z.cells.assign(std::size_t(n * n), ZoneShape::Outside);
    const double m = ZoneShape::kCellMargin;
    for (const auto& poly : z.polygons)
        for (const auto& ring : poly.rings)
            for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                const geo::LonLat &a = ring[i], &b = ring[i + 1];
                for (int y = z.row(std::min(a.lat, b.lat) - m); y <= z.row(std::max(a.lat, b.lat) + m); ++y)
                    for (int x = z.col(std::min(a.lon, b.lon) - m); x <= z.col(std::max(a.lon, b.lon) + m); ++x)
                        z.cells[std::size_t(y * n + x)] = ZoneShape::Crossed;
            }
    std::vector<double> xs;
    for (int y = 0; y < n; ++y) {
        const double cy = z.box.min_lat + (y + 0.5) * z.cell_h;
        std::array<std::uint8_t, ZoneShape::kCells> inside{};
        for (const auto& poly : z.polygons) {
            if (poly.rings.empty() || poly.rings[0].size() < 4) continue;
            // in[x]: inside the outer ring and no hole, as point_in_polygon decides.
            std::array<std::uint8_t, ZoneShape::kCells> in{};
            for (std::size_t r = 0; r < poly.rings.size(); ++r) {
                const geo::Ring& ring = poly.rings[r];
                if (ring.size() < 4) continue;
                xs.clear();
                for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
                    const auto &a = ring[i], &b = ring[j];
                    if ((a.lat > cy) != (b.lat > cy)) xs.push_back((b.lon - a.lon) * (cy - a.lat) / (b.lat - a.lat) + a.lon);
                }
                for (int x = 0; x < n; ++x) {
                    const double cx = z.box.min_lon + (x + 0.5) * z.cell_w;
                    const bool odd = std::count_if(xs.begin(), xs.end(), [&](double v) { return cx < v; }) % 2 == 1;
                    if (r == 0) in[std::size_t(x)] = odd;
                    else if (odd) in[std::size_t(x)] = 0;
                }
            }
            for (int x = 0; x < n; ++x) inside[std::size_t(x)] |= in[std::size_t(x)];
        }
        for (int x = 0; x < n; ++x) {
            auto& c = z.cells[std::size_t(y * n + x)];
            if (c != ZoneShape::Crossed && inside[std::size_t(x)]) c = ZoneShape::Inside;
        }
    }
}

ZoneShape zone_of(const Hazard& h) {
    ZoneShape z;
    if (auto* p = std::get_if<geo::Polygon>(&h.area)) z.polygons.push_back(*p);
    else if (auto* mp = std::get_if<geo::MultiPolygon>(&h.area)) z.polygons = mp->polygons;
    else throw CostingError("a hazard area must be a Polygon or MultiPolygon");
    for (const auto& p : z.polygons)
        for (const auto& r : p.rings)
            for (const auto& q : r) {
                if (!geo::is_valid(q)) throw CostingError("hazard area has an invalid position");
                z.box.extend(q);
            }
    if (z.box.empty()) throw CostingError("hazard area is empty");
    return z;
}

bool inside_zone(const geo::LonLat& p, const ZoneShape& z) {
    if (!z.box.contains(p)) return false;
    if (!z.cells.empty()) switch (z.cell_at(p)) {
            case ZoneShape::Outside: return false;
            case ZoneShape::Inside: return true;
            case ZoneShape::Crossed: break;
        }
    for (const auto& poly : z.polygons)
        if (point_in_polygon(p, poly)) return true;
    return false;
}

// Every query tests the pieces near each of its zones (hundreds to thousands of pieces against a 64-gon): a point
// inside, or a segment crossing a ring. The cells settle most points, and lines whose box meets no crossed cell;
// the exact tests run on ring edges whose box meets the line's.
bool line_touches_zone(const geo::LineString& line, const ZoneShape& z) {
    geo::BBox lb;
    for (const auto& p : line) {
        if (inside_zone(p, z)) return true;
        lb.extend(p);
    }
    if (z.cells_over(lb) != ZoneShape::Crossed) return false;  // points outside, no ring in its cells
    for (const auto& poly : z.polygons)
        for (const auto& ring : poly.rings)
            for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                const geo::LonLat& a = ring[i];
                const geo::LonLat& b = ring[i + 1];
                if (std::max(a.lon, b.lon) < lb.min_lon || std::min(a.lon, b.lon) > lb.max_lon ||
                    std::max(a.lat, b.lat) < lb.min_lat || std::min(a.lat, b.lat) > lb.max_lat)
                    continue;
                for (std::size_t k = 0; k + 1 < line.size(); ++k)
                    if (segments_intersect(line[k], line[k + 1], a, b)) return true;
            }
    return false;
}

// ---------------------------------------------------------------------------------------------
// Per-query edge costs: the Costing resolved against the graph once.

struct QueryCost {
    const RoadGraph::Impl* g = nullptr;
    Metric metric = Metric::Time;
    std::vector<std::uint64_t> blocked;   // bit per edge; empty = nothing blocked
    std::vector<std::uint64_t> factored;  // bit per edge a soft zone gives a factor; empty = none
    std::vector<std::pair<std::uint32_t, float>> factors;  // those edges' factors, by edge
    std::vector<double> crossing_extra;   // per crossing: waiting time (s), +inf when closed
    std::vector<float> piece_factor;      // alternatives' penalties; empty = none
    std::vector<ZoneShape> hard_zones;
    // Edges blocked and pieces given a penalty (repeats allowed): with the factors' edges and the crossings,
    // every edge whose cost may differ from the graph's.
    std::vector<std::uint32_t> touched, touched_pieces;

    static bool bit(const std::vector<std::uint64_t>& bits, std::uint32_t e) {
        return !bits.empty() && (bits[e >> 6] >> (e & 63)) & 1u;
    }
    void set_bit(std::vector<std::uint64_t>& bits, std::uint32_t e) const {
        if (bits.empty()) bits.assign((g->edges.size() + 63) / 64, 0);
        bits[e >> 6] |= std::uint64_t(1) << (e & 63);
    }
    bool is_blocked(std::uint32_t e) const { return bit(blocked, e); }
    float factor(std::uint32_t e) const {
        if (!bit(factored, e)) return 1.0f;
        return std::lower_bound(factors.begin(), factors.end(), std::pair<std::uint32_t, float>(e, 0.0f))->second;
    }
    void block(std::uint32_t e) {
        set_bit(blocked, e);
        touched.push_back(e);
    }
    // What the search minimises.
    double cost(std::uint32_t e) const {
        if (is_blocked(e)) return kInf;
        const EdgeRec& r = g->edges[e];
        double c = metric == Metric::Time ? r.duration_s : r.length_m;
        if (r.crossing != kInvalidId) {
            const double x = crossing_extra[r.crossing];
            if (!std::isfinite(x)) return kInf;
            if (metric == Metric::Time) c += x;
        }
        if (!factored.empty()) c *= factor(e);
        if (!piece_factor.empty()) c *= piece_factor[r.piece & ~kReversedBit];
        return c;
    }
    // What a traveller experiences (reported duration includes waiting at crossings).
    double duration(std::uint32_t e) const {
        const EdgeRec& r = g->edges[e];
        return r.duration_s + (r.crossing != kInvalidId ? crossing_extra[r.crossing] : 0.0);
    }
};

std::vector<std::size_t> find_crossings(const RoadGraph::Impl& g, const std::string& key) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < g.crossings.size(); ++i)
        if (crossing_matches(g.crossings[i], key)) out.push_back(i);
    if (out.empty()) {
        std::string known;
        for (const auto& c : g.crossings) {
            if (known.size() > 300) {
                known += ", ...";
                break;
            }
            known += (known.empty() ? "" : ", ") + c.name;
        }
        throw CostingError("unknown crossing '" + key + "' (known: " + known + ")");
    }
    return out;
}

QueryCost resolve(const RoadGraph::Impl& g, const Costing& costing) {
    QueryCost q;
    q.g = &g;
    q.metric = costing.metric;
    q.crossing_extra.resize(g.crossings.size());
    for (std::size_t i = 0; i < g.crossings.size(); ++i) {
        const Crossing& c = g.crossings[i];
        q.crossing_extra[i] = costing.default_crossing_penalty_s.value_or(c.penalty_s);
        if (!c.open) q.crossing_extra[i] = kInf;
    }
    for (const auto& [key, seconds] : costing.crossing_penalty_s) {
        if (!(seconds >= 0)) throw CostingError("crossing penalty for '" + key + "' must be >= 0");
        for (auto i : find_crossings(g, key))
            if (std::isfinite(q.crossing_extra[i])) q.crossing_extra[i] = seconds;
    }
    if (costing.default_crossing_penalty_s && !(*costing.default_crossing_penalty_s >= 0))
        throw CostingError("default crossing penalty must be >= 0");
    for (const auto& key : costing.reopened_crossings)
        for (auto i : find_crossings(g, key)) {
            double p = costing.default_crossing_penalty_s.value_or(g.crossings[i].penalty_s);
            for (const auto& [k, s] : costing.crossing_penalty_s)
                if (crossing_matches(g.crossings[i], k)) p = s;
            q.crossing_extra[i] = p;
        }
    for (const auto& key : costing.closed_crossings)
        for (auto i : find_crossings(g, key)) q.crossing_extra[i] = kInf;
    if (!costing.closed_roads.empty()) {
        for (std::uint32_t e = 0; e < g.edges.size(); ++e) {
            const auto road = g.edges[e].road;
            if (road != kInvalidId && costing.closed_roads.count(g.roads[road].road_id)) q.block(e);
        }
    }
    // Hazards: only pieces in grid cells overlapping the zone's bbox are tested.
    std::vector<geo::LonLat> shape;
    std::vector<std::uint32_t> seen;
    for (const auto& h : costing.hazards) {
        if (!h.hard && !(h.penalty_factor >= 1.0)) throw CostingError("soft hazard penalty factor must be >= 1");
        ZoneShape z = zone_of(h);
        seen.clear();
        g.for_each_cell(z.box, [&](std::uint32_t cell) {
            for (std::uint32_t i = g.grid_offsets[cell]; i < g.grid_offsets[cell + 1]; ++i) seen.push_back(g.grid_items[i]);
        });
        std::sort(seen.begin(), seen.end());
        seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
        // Classifying the cells costs a few µs: worth it when there are many pieces to test.
        if (seen.size() > kCellsFromPieces) classify_cells(z);
        for (std::uint32_t p : seen) {
            const geo::BBox& pb = g.piece_boxes[p];
            if (!pb.intersects(z.box)) continue;
            // A piece whose box lies in inside (outside) cells only is in (out of) the zone without its shape.
            const ZoneShape::Cell over = z.cells_over(pb);
            if (over == ZoneShape::Outside) continue;
            if (over == ZoneShape::Crossed) {
                g.piece_shape(p, shape);
                if (!line_touches_zone(shape, z)) continue;
            }
            for (std::uint32_t e : {g.pieces[p].edge_fwd, g.pieces[p].edge_bwd}) {
                if (e == kInvalidId) continue;
                if (h.hard) {
                    q.block(e);
                } else {
                    q.factors.emplace_back(e, static_cast<float>(h.penalty_factor));
                }
            }
        }
        if (h.hard) q.hard_zones.push_back(std::move(z));
    }
    // One factor per edge: the product of its zones' factors, in the zones' order.
    if (!q.factors.empty()) {
        std::stable_sort(q.factors.begin(), q.factors.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::size_t out = 0;
        for (std::size_t i = 0; i < q.factors.size(); ++i) {
            if (out > 0 && q.factors[out - 1].first == q.factors[i].first) q.factors[out - 1].second *= q.factors[i].second;
            else q.factors[out++] = q.factors[i];
        }
        q.factors.resize(out);
        for (const auto& [e, f] : q.factors) q.set_bit(q.factored, e);
    }
    return q;
}

// ---------------------------------------------------------------------------------------------
// Snapping

struct SnapHit {
    std::uint32_t piece = kInvalidId;
    double fraction = 0;  // along the piece's stored direction, by length
    double distance_m = kInf;
    geo::LonLat point;
};

// Closest point of a piece's polyline to p in a local equirectangular frame (k: metres per degree of
// longitude at p); fraction is by length. One pass over the stored points, no copy, no allocation:
// snapping runs it on every candidate piece of every query.
SnapHit project_piece(const RoadGraph::Impl& g, std::uint32_t piece, const geo::LonLat& p, double k) {
    constexpr double m = 111319.49;
    const PieceRec& pr = g.pieces[piece];
    const std::uint32_t s0 = pr.shape_begin, s1 = g.pieces[piece + 1].shape_begin;
    const std::size_t n = std::size_t(s1 - s0) + 2;
    auto at = [&](std::size_t i) -> const Point2& {
        return i == 0 ? g.positions[pr.node_a] : i + 1 == n ? g.positions[pr.node_b] : g.shape_points[s0 + i - 1];
    };
    double total = 0, best_along = 0;
    SnapHit best;
    Point2 a = at(0);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const Point2 b = at(i + 1);
        const double ax = (a.lon - p.lon) * k, ay = (a.lat - p.lat) * m;
        const double bx = (b.lon - p.lon) * k, by = (b.lat - p.lat) * m;
        const double vx = bx - ax, vy = by - ay, l2 = vx * vx + vy * vy;
        const double seg = std::sqrt(l2);
        double t = l2 > 0 ? -(ax * vx + ay * vy) / l2 : 0.0;
        t = std::clamp(t, 0.0, 1.0);
        const double x = ax + t * vx, y = ay + t * vy, d = std::sqrt(x * x + y * y);
        if (d < best.distance_m) {
            best.distance_m = d;
            best.point = {a.lon + t * (b.lon - a.lon), a.lat + t * (b.lat - a.lat)};
            best_along = total + t * seg;
        }
        total += seg;
        a = b;
    }
    best.fraction = total > 0 ? best_along / total : 0.0;
    return best;
}

// The sub-line of a piece between two fractions (f0 > f1 walks it backwards).
geo::LineString piece_sub(const RoadGraph::Impl& g, std::uint32_t piece, double f0, double f1) {
    std::vector<geo::LonLat> shape;
    g.piece_shape(piece, shape);
    std::vector<double> cum(shape.size(), 0.0);
    for (std::size_t i = 1; i < shape.size(); ++i)
        cum[i] = cum[i - 1] + approx_distance_m(shape[i - 1].lon, shape[i - 1].lat, shape[i].lon, shape[i].lat);
    const double total = cum.back();
    auto at = [&](double f) {
        const double target = f * total;
        for (std::size_t i = 0; i + 1 < shape.size(); ++i) {
            if (target <= cum[i + 1] || i + 2 == shape.size()) {
                const double seg = cum[i + 1] - cum[i];
                const double t = seg > 0 ? std::clamp((target - cum[i]) / seg, 0.0, 1.0) : 0.0;
                return geo::LonLat{shape[i].lon + t * (shape[i + 1].lon - shape[i].lon),
                                   shape[i].lat + t * (shape[i + 1].lat - shape[i].lat)};
            }
        }
        return shape.back();
    };
    const bool reverse = f0 > f1;
    const double lo = std::min(f0, f1), hi = std::max(f0, f1);
    geo::LineString out{at(lo)};
    for (std::size_t i = 1; i + 1 < shape.size(); ++i)
        if (cum[i] > lo * total && cum[i] < hi * total) out.push_back(shape[i]);
    out.push_back(at(hi));
    if (reverse) std::reverse(out.begin(), out.end());
    return out;
}

bool piece_usable(const RoadGraph::Impl& g, const QueryCost* q, std::uint32_t p) {
    const PieceRec& pr = g.pieces[p];
    const std::uint32_t any = pr.edge_fwd != kInvalidId ? pr.edge_fwd : pr.edge_bwd;
    if (any == kInvalidId || g.edges[any].crossing != kInvalidId) return false;
    if (!q) return true;
    return (pr.edge_fwd != kInvalidId && std::isfinite(q->cost(pr.edge_fwd))) ||
           (pr.edge_bwd != kInvalidId && std::isfinite(q->cost(pr.edge_bwd)));
}

SnapHit snap(const RoadGraph::Impl& g, const geo::LonLat& p, const QueryCost* q, double max_m) {
    SnapHit best;
    if (g.grid_cols == 0) return best;
    const long cx = static_cast<long>(std::floor((p.lon - g.grid_min_lon) / g.grid_cell));
    const long cy = static_cast<long>(std::floor((p.lat - g.grid_min_lat) / g.grid_cell));
    const double cell_m = g.grid_cell * 111319.49 * std::max(std::cos(p.lat * M_PI / 180.0), 0.1);
    // Distance from p to the grid (when outside it) bounds every ring.
    const long max_ring = static_cast<long>(std::max(g.grid_cols, g.grid_rows)) + std::labs(cx) + std::labs(cy);
    const double k = std::cos(p.lat * M_PI / 180.0) * 111319.49;
    // Pieces spanning several cells are tested once: a per-thread generation stamp per piece.
    thread_local std::vector<std::uint32_t> tested;
    thread_local std::uint32_t tested_gen = 0;
    if (tested.size() != g.piece_count() || ++tested_gen == 0) {
        tested.assign(g.piece_count(), 0);
        tested_gen = 1;
    }
    for (long r = 0; r <= max_ring; ++r) {
        const double ring_min_m = (r - 1) * cell_m;
        if (ring_min_m > best.distance_m || ring_min_m > max_m) break;
        for (long y = cy - r; y <= cy + r; ++y) {
            if (y < 0 || y >= static_cast<long>(g.grid_rows)) continue;
            for (long x = cx - r; x <= cx + r; ++x) {
                if (x < 0 || x >= static_cast<long>(g.grid_cols)) continue;
                if (std::labs(x - cx) != r && std::labs(y - cy) != r) continue;
                const auto cell = static_cast<std::uint32_t>(y * g.grid_cols + x);
                for (std::uint32_t i = g.grid_offsets[cell]; i < g.grid_offsets[cell + 1]; ++i) {
                    const std::uint32_t piece = g.grid_items[i];
                    if (tested[piece] == tested_gen) continue;
                    tested[piece] = tested_gen;
                    // The piece's box bounds its distance from below (same frame as project_piece); the
                    // margin keeps float rounding from skipping a piece that would tie or win.
                    const geo::BBox& b = g.piece_boxes[piece];
                    const double bx = std::max({b.min_lon - p.lon, p.lon - b.max_lon, 0.0}) * k;
                    const double by = std::max({b.min_lat - p.lat, p.lat - b.max_lat, 0.0}) * 111319.49;
                    if (std::sqrt(bx * bx + by * by) > best.distance_m * (1 + 1e-9) + 1e-6) continue;
                    if (!piece_usable(g, q, piece)) continue;
                    SnapHit h = project_piece(g, piece, p, k);
                    if (h.distance_m < best.distance_m) {
                        h.piece = piece;
                        best = h;
                    }
                }
            }
        }
    }
    if (best.distance_m > max_m) return SnapHit{};
    return best;
}

Snapped to_snapped(const RoadGraph::Impl& g, const geo::LonLat& input, const SnapHit& h) {
    Snapped s;
    s.input = input;
    s.point = h.point;
    s.distance_m = geo::geodesic_distance_m(input, h.point);
    const PieceRec& pr = g.pieces[h.piece];
    if (pr.edge_fwd != kInvalidId) {
        s.edge = pr.edge_fwd;
        s.fraction = h.fraction;
    } else {
        s.edge = pr.edge_bwd;
        s.fraction = 1.0 - h.fraction;
    }
    const EdgeRec& e = g.edges[s.edge];
    s.road_class = static_cast<RoadClass>(e.road_class);
    if (e.road != kInvalidId) {
        const RoadRec& r = g.roads[e.road];
        s.road_id = r.road_id;
        s.ref = std::string(g.str(r.ref));
        s.name = std::string(g.str(r.name));
        s.country = std::string(g.str(r.country));
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// Searches

struct Scratch {
    // Distance, generation stamp and predecessor of a node side by side: a relaxation touches one cache
    // line instead of three.
    struct NodeState {
        double dist;
        std::uint32_t stamp;
        std::uint32_t pred;  // edge into the node, kInvalidId at sources
    };
    const void* owner = nullptr;
    std::size_t n = 0;
    std::vector<NodeState> state;
    std::vector<std::uint32_t> touched;
    std::uint32_t gen = 0;
    std::size_t settled = 0;

    void reset(const RoadGraph::Impl& g) {
        if (owner != &g || n != g.node_count()) {
            owner = &g;
            n = g.node_count();
            state.assign(n, NodeState{kInf, 0, kInvalidId});
            gen = 0;
        }
        if (++gen == 0) {
            for (auto& st : state) st.stamp = 0;
            gen = 1;
        }
        touched.clear();
        settled = 0;
    }
    double d(std::uint32_t v) const { return state[v].stamp == gen ? state[v].dist : kInf; }
    // Predecessor edge of a node reached by this search, kInvalidId otherwise.
    std::uint32_t pred(std::uint32_t v) const { return state[v].stamp == gen ? state[v].pred : kInvalidId; }
    void set(std::uint32_t v, double dv, std::uint32_t e) {
        NodeState& st = state[v];
        if (st.stamp != gen) {
            st.stamp = gen;
            touched.push_back(v);
        }
        st.dist = dv;
        st.pred = e;
    }
};

// Binary heaps spend their pops on deep sift-downs; four children per node halve the depth and keep the
// children in one or two cache lines. Lazy deletion (stale entries skipped by the caller), storage reused
// across queries on a thread. `Before(a, b)`: a leaves the heap before b.
template <class Item, class Before>
class QuaternaryHeap {
public:
    bool empty() const { return items_.empty(); }
    const Item& top() const { return items_.front(); }
    void clear() { items_.clear(); }
    void push(const Item& x) {
        std::size_t i = items_.size();
        items_.push_back(x);
        while (i > 0) {
            const std::size_t parent = (i - 1) / 4;
            if (!Before{}(x, items_[parent])) break;
            items_[i] = items_[parent];
            i = parent;
        }
        items_[i] = x;
    }
    void pop() {
        const Item x = items_.back();
        items_.pop_back();
        const std::size_t n = items_.size();
        if (n == 0) return;
        std::size_t i = 0;
        for (;;) {
            const std::size_t c = 4 * i + 1;
            if (c >= n) break;
            std::size_t best = c;
            const std::size_t end = std::min(c + 4, n);
            for (std::size_t j = c + 1; j < end; ++j)
                if (Before{}(items_[j], items_[best])) best = j;
            if (!Before{}(items_[best], x)) break;
            items_[i] = items_[best];
            i = best;
        }
        items_[i] = x;
    }

private:
    std::vector<Item> items_;
};

// Point searches: A* key, then the larger distance from the source first (nearer the target).
struct PointItem {
    double key, g;
    std::uint32_t v;
};
struct PointBefore {
    bool operator()(const PointItem& a, const PointItem& b) const { return a.key != b.key ? a.key < b.key : a.g > b.g; }
};
// Tree searches: distance, then node id.
using TreeItem = std::pair<double, std::uint32_t>;
struct TreeBefore {
    bool operator()(const TreeItem& a, const TreeItem& b) const { return a < b; }
};

thread_local Scratch tl_scratch;
thread_local QuaternaryHeap<PointItem, PointBefore> tl_point_heap;
thread_local QuaternaryHeap<TreeItem, TreeBefore> tl_tree_heap;
thread_local SearchStats tl_stats;

struct Found {
    double cost = kInf;
    int target = -1;  // index into targets
};

// Landmark lower bound from v to t (triangle inequality, both directions of each landmark). Per target only
// the landmarks that reach / are reached by it are kept, so the inner loop has no infinity tests on t.
struct AltBound {
    struct Term {
        std::uint32_t landmark;
        float target_value;  // d(l, t) for `from` terms, d(t, l) for `to` terms
    };
    struct Target {
        std::vector<Term> from, to;
        double offset;
    };
    const float* from;
    const float* to;
    std::size_t L;
    std::vector<Target> targets;

    // Only the kActive terms with the best bound at the source are kept per target ("active landmarks"):
    // they carry the search, and evaluating all 2 × L terms at every node cost more than it saved.
    static constexpr std::size_t kActive = 6;

    AltBound(const RoadGraph::Impl& graph, Metric m, const std::vector<Endpoint>& ts, std::uint32_t source)
        : from(m == Metric::Time ? graph.lm.from_time.ptr : graph.lm.from_dist.ptr),
          to(m == Metric::Time ? graph.lm.to_time.ptr : graph.lm.to_dist.ptr),
          L(graph.landmarks()) {
        const float* fs = from + std::size_t(source) * L;
        const float* tsrc = to + std::size_t(source) * L;
        for (const auto& t : ts) {
            Target tg;
            tg.offset = t.cost;
            // (bound at the source, is a `to` term, term)
            std::vector<std::tuple<float, bool, Term>> terms;
            for (std::uint32_t l = 0; l < L; ++l) {
                const float ft = from[std::size_t(t.node) * L + l], tt = to[std::size_t(t.node) * L + l];
                if (std::isfinite(ft)) terms.emplace_back(ft - fs[l], false, Term{l, ft});
                if (std::isfinite(tt)) terms.emplace_back(tsrc[l] - tt, true, Term{l, tt});
            }
            const std::size_t keep = std::min(kActive, terms.size());
            std::partial_sort(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(keep), terms.end(),
                              [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
            for (std::size_t i = 0; i < keep; ++i)
                (std::get<1>(terms[i]) ? tg.to : tg.from).push_back(std::get<2>(terms[i]));
            targets.push_back(std::move(tg));
        }
    }
    void prefetch(std::uint32_t v) const {
        // A row of L floats may straddle two cache lines.
        const std::size_t row = std::size_t(v) * L;
        __builtin_prefetch(from + row);
        __builtin_prefetch(from + row + L - 1);
        __builtin_prefetch(to + row);
        __builtin_prefetch(to + row + L - 1);
    }
    double operator()(std::uint32_t v) const {
        const float* fv = from + std::size_t(v) * L;
        const float* tv = to + std::size_t(v) * L;
        double best = kInf;
        for (const auto& t : targets) {
            float lb = 0;
            // d(v,t) >= d(l,t) - d(l,v): an unreachable v (inf) gives -inf, never a bound.
            for (const auto& term : t.from) lb = std::max(lb, term.target_value - fv[term.landmark]);
            // d(v,t) >= d(v,l) - d(t,l): v cannot reach l (inf) while t can: then v cannot reach t either.
            for (const auto& term : t.to) lb = std::max(lb, tv[term.landmark] - term.target_value);
            // Tables are rounded down to float: the bound may exceed the truth by a few float ulps
            // (< 0.05 s on a day-long trip), which is all a route can lose. Shaving it instead would turn
            // every exact tie with the best cost into extra settled nodes.
            best = std::min(best, double(lb) + t.offset);
        }
        return best;
    }
};

// ALT's time tables include each crossing's own waiting time: valid only when this query waits at least as long.
bool landmarks_valid(const RoadGraph::Impl& g, const QueryCost& q) {
    if (g.landmarks() == 0) return false;
    if (q.metric != Metric::Time) return true;
    for (std::size_t i = 0; i < g.crossings.size(); ++i)
        if (q.crossing_extra[i] < base_wait_s(g.crossings[i])) return false;
    return true;
}

// Lower bounds for A*: none (Dijkstra), landmarks (inflated to break ties, see point_search), CH potentials.
struct NoBound {
    double operator()(std::uint32_t) const { return 0.0; }
    void prefetch(std::uint32_t) const {}
};

// Landmark bounds tie a lot: every node behind the source on a landmark's tree gets key == the best cost
// (up to float noise of the tables), and A* would settle them all. Inflating the bound by 5e-7 makes
// nodes nearer the target win those ties, so the search walks to the target; the price is a route at
// most 5e-7 × its cost dearer than the optimum (0.05 s on a 30 h trip). Plain Dijkstra stays exact.
struct InflatedAlt {
    static constexpr double kTieBreak = 1.0 + 5e-7;
    const AltBound& bound;
    double operator()(std::uint32_t v) const { return bound(v) * kTieBreak; }
    void prefetch(std::uint32_t v) const { bound.prefetch(v); }
};

// A* from several sources to several targets with lower bound `h` (an infinite bound: cannot reach).
template <class Bound>
Found a_star(Scratch& s, const QueryCost& q, const std::vector<Endpoint>& sources, const std::vector<Endpoint>& targets,
             const Bound& h) {
    const RoadGraph::Impl& g = *q.g;
    s.reset(g);
    Found found;
    if (targets.empty()) return found;
    auto& heap = tl_point_heap;
    heap.clear();
    for (const auto& src : sources) {
        if (src.cost < s.d(src.node)) {
            s.set(src.node, src.cost, kInvalidId);
            heap.push({src.cost + h(src.node), src.cost, src.node});
        }
    }
    while (!heap.empty()) {
        const PointItem top = heap.top();
        heap.pop();
        if (top.key >= found.cost) break;
        const std::uint32_t u = top.v;
        const double du = s.d(u);
        if (top.g > du) continue;  // stale entry
        ++s.settled;
        // The next node to settle is likely the heap's top now: start fetching its edges (its offsets
        // were asked for when it was pushed).
        if (!heap.empty()) __builtin_prefetch(&g.edges[g.offsets[heap.top().v]]);
        for (std::size_t t = 0; t < targets.size(); ++t)
            if (targets[t].node == u && du + targets[t].cost < found.cost) {
                found.cost = du + targets[t].cost;
                found.target = static_cast<int>(t);
            }
        const std::uint32_t e0 = g.offsets[u], e1 = g.offsets[u + 1];
        // The search is bound by memory latency (node states and landmark rows of the neighbours are spread
        // over megabytes): ask for all the neighbours' lines first, so that their misses overlap.
        for (std::uint32_t e = e0; e < e1; ++e) {
            const std::uint32_t v = g.edges[e].target;
            __builtin_prefetch(&s.state[v]);
            h.prefetch(v);
        }
        for (std::uint32_t e = e0; e < e1; ++e) {
            const double w = q.cost(e);
            if (!std::isfinite(w)) continue;
            const std::uint32_t v = g.edges[e].target;
            const double dv = du + w;
            if (dv < s.d(v)) {
                const double hv = h(v);
                if (!(dv + hv < found.cost)) continue;  // cannot beat the best known path (or cannot reach)
                s.set(v, dv, e);
                heap.push({dv + hv, dv, v});
                __builtin_prefetch(&g.offsets[v]);
            }
        }
    }
    tl_stats.settled = s.settled;
    return found;
}

// One-to-one(ish) search from several sources to several targets: Dijkstra or ALT.
Found point_search(Scratch& s, const QueryCost& q, const std::vector<Endpoint>& sources,
                   const std::vector<Endpoint>& targets, bool use_alt) {
    const RoadGraph::Impl& g = *q.g;
    if (use_alt && landmarks_valid(g, q) && !sources.empty() && !targets.empty()) {
        std::uint32_t first = sources.front().node;  // the cheapest source picks the active landmarks
        double best = kInf;
        for (const auto& src : sources)
            if (src.cost < best) best = src.cost, first = src.node;
        const AltBound bound(g, q.metric, targets, first);
        return a_star(s, q, sources, targets, InflatedAlt{bound});
    }
    return a_star(s, q, sources, targets, NoBound{});
}

// Dijkstra tree from the sources until `limit` or until every node in `targets` is settled.
void tree_search(Scratch& s, const QueryCost& q, const std::vector<Endpoint>& sources, double limit,
                 const std::vector<std::uint32_t>& targets = {}) {
    const RoadGraph::Impl& g = *q.g;
    s.reset(g);
    std::unordered_set<std::uint32_t> waiting(targets.begin(), targets.end());
    const bool until_targets = !targets.empty();
    auto& heap = tl_tree_heap;
    heap.clear();
    for (const auto& src : sources)
        if (src.cost < s.d(src.node)) {
            s.set(src.node, src.cost, kInvalidId);
            heap.push({src.cost, src.node});
        }
    while (!heap.empty()) {
        const auto [du, u] = heap.top();
        heap.pop();
        if (du > s.d(u)) continue;
        if (du > limit) break;
        ++s.settled;
        if (until_targets) {
            waiting.erase(u);
            if (waiting.empty()) break;
        }
        for (std::uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
            const double w = q.cost(e);
            if (!std::isfinite(w)) continue;
            const std::uint32_t v = g.edges[e].target;
            if (du + w < s.d(v)) {
                s.set(v, du + w, e);
                heap.push({du + w, v});
            }
        }
    }
    tl_stats.settled = s.settled;
}

// The edges of the search tree from a source to `node`.
std::vector<std::uint32_t> walk_back(const Scratch& s, const RoadGraph::Impl& g, std::uint32_t node) {
    std::vector<std::uint32_t> edges;
    while (s.pred(node) != kInvalidId) {
        const std::uint32_t e = s.pred(node);
        edges.push_back(e);
        node = g.edges[e].source;
    }
    std::reverse(edges.begin(), edges.end());
    return edges;
}

// ---------------------------------------------------------------------------------------------
// Contraction hierarchy searches

// Per-thread state of the CH searches: forward and backward labels.
struct ChScratch {
    struct Label {
        double dist;
        std::uint32_t stamp;
        std::uint32_t pred_node;
        std::uint32_t pred_arc;  // kInvalidId at a search's own sources
    };
    const void* owner = nullptr;
    std::size_t n = 0;
    std::vector<Label> fwd, bwd;
    std::uint32_t gen = 0;

    void reset(const RoadGraph::Impl& g) {
        if (owner != &g || n != g.node_count()) {
            owner = &g;
            n = g.node_count();
            fwd.assign(n, Label{kInf, 0, kInvalidId, kInvalidId});
            bwd = fwd;
            gen = 0;
        }
        if (++gen == 0) {
            for (auto& l : fwd) l.stamp = 0;
            for (auto& l : bwd) l.stamp = 0;
            gen = 1;
        }
    }
    double get(const std::vector<Label>& side, std::uint32_t v) const {
        return side[v].stamp == gen ? side[v].dist : kInf;
    }
    void put(std::vector<Label>& side, std::uint32_t v, double d, std::uint32_t pred_node, std::uint32_t pred_arc) {
        side[v] = Label{d, gen, pred_node, pred_arc};
    }
};

thread_local ChScratch tl_ch;
thread_local QuaternaryHeap<TreeItem, TreeBefore> tl_ch_fwd_heap, tl_ch_bwd_heap;

// Starts one side of a CH search at the endpoints (each at its offset), after clearing its heap.
void seed(ChScratch& s, std::vector<ChScratch::Label>& side, QuaternaryHeap<TreeItem, TreeBefore>& heap,
          const std::vector<Endpoint>& at) {
    heap.clear();
    for (const auto& x : at)
        if (x.cost < s.get(side, x.node)) {
            s.put(side, x.node, x.cost, kInvalidId, kInvalidId);
            heap.push({x.cost, x.node});
        }
}

struct ChPath {
    double cost = kInf;
    std::vector<std::uint32_t> edges;  // graph edges from `start` to `end`
    std::uint32_t start = kInvalidId, end = kInvalidId;
    std::size_t settled = 0;
};

// Bidirectional upward search with stall-on-demand; sources and targets carry their offsets.
ChPath ch_search(const RoadGraph::Impl& g, const Hierarchy& h, const std::vector<Endpoint>& sources,
                 const std::vector<Endpoint>& targets) {
    ChScratch& s = tl_ch;
    s.reset(g);
    auto& fh = tl_ch_fwd_heap;
    auto& bh = tl_ch_bwd_heap;
    seed(s, s.fwd, fh, sources);
    seed(s, s.bwd, bh, targets);
    ChPath p;
    std::uint32_t meet = kInvalidId;
    for (;;) {
        const bool f = !fh.empty() && fh.top().first < p.cost;
        const bool b = !bh.empty() && bh.top().first < p.cost;
        if (!f && !b) break;
        const bool forward = f && (!b || fh.top().first <= bh.top().first);
        auto& heap = forward ? fh : bh;
        auto& mine = forward ? s.fwd : s.bwd;
        const auto& other = forward ? s.bwd : s.fwd;
        const auto [du, u] = heap.top();
        heap.pop();
        if (du > s.get(mine, u)) continue;
        ++p.settled;
        const double total = du + s.get(other, u);
        if (total < p.cost) p.cost = total, meet = u;
        // Stall on demand: a higher node reaches u more cheaply through an arc into u (forward) or out of u
        // (backward), so u's label is not a shortest distance and nothing relaxed from it can be optimal.
        const auto& stall_off = forward ? h.down_offsets : h.up_offsets;
        const auto& stall = forward ? h.down : h.up;
        bool stalled = false;
        for (std::uint32_t i = stall_off[u]; i < stall_off[u + 1] && !stalled; ++i)
            stalled = s.get(mine, stall[i].head) + stall[i].weight < du;
        if (stalled) continue;
        const auto& off = forward ? h.up_offsets : h.down_offsets;
        const auto& arcs = forward ? h.up : h.down;
        for (std::uint32_t i = off[u]; i < off[u + 1]; ++i) {
            const ChArc& a = arcs[i];
            const double nd = du + a.weight;
            if (nd < s.get(mine, a.head)) {
                s.put(mine, a.head, nd, u, a.arc);
                heap.push({nd, a.head});
            }
        }
    }
    if (meet == kInvalidId) return p;
    std::vector<std::uint32_t> up_arcs;
    std::uint32_t v = meet;
    for (; s.fwd[v].pred_arc != kInvalidId; v = s.fwd[v].pred_node) up_arcs.push_back(s.fwd[v].pred_arc);
    p.start = v;
    for (auto it = up_arcs.rbegin(); it != up_arcs.rend(); ++it) unpack_arc(h, *it, p.edges);
    for (v = meet; s.bwd[v].pred_arc != kInvalidId; v = s.bwd[v].pred_node) unpack_arc(h, s.bwd[v].pred_arc, p.edges);
    p.end = v;
    return p;
}

// How the query's costs relate to the hierarchy's: equal on every edge; or no lower anywhere (nothing cheaper
// than the graph's value, no crossing the layer closes reopened), so the hierarchy's costs are lower bounds and
// a hierarchy path whose edges all kept their cost is the optimum; or neither.
enum class ChFit { Equal, Bounds, None };

ChFit hierarchy_fit(const RoadGraph::Impl& g, const QueryCost& q) {
    bool equal = q.blocked.empty() && q.factors.empty() && q.piece_factor.empty();
    for (std::size_t i = 0; i < g.crossings.size(); ++i) {
        const Crossing& c = g.crossings[i];
        const double x = q.crossing_extra[i];
        if (!c.open) {
            if (std::isfinite(x)) return ChFit::None;
        } else if (q.metric == Metric::Time) {
            if (x < base_wait_s(c)) return ChFit::None;
            equal = equal && x == base_wait_s(c);
        } else {
            equal = equal && std::isfinite(x);
        }
    }
    return equal ? ChFit::Equal : ChFit::Bounds;
}

// A shortest path between graph nodes: whole edges from the chosen source's node to the chosen target's.
struct NodeRoute {
    double cost = kInf;
    int target = -1;  // index into targets
    std::vector<std::uint32_t> edges;
};

// The edges whose cost under the query differs from the hierarchy's base cost, with that cost.
std::vector<EdgeCost> changed_edges(const RoadGraph::Impl& g, const Cch& c, const QueryCost& q) {
    std::vector<EdgeCost> out;
    auto consider = [&](std::uint32_t e) {
        const double x = q.cost(e);
        if (x != base_cost(g, e, q.metric)) out.push_back({e, x});
    };
    for (std::uint32_t e : q.touched) consider(e);
    for (const auto& [e, f] : q.factors) consider(e);
    for (std::uint32_t p : q.touched_pieces)
        for (std::uint32_t e : {g.pieces[p].edge_fwd, g.pieces[p].edge_bwd})
            if (e != kInvalidId) consider(e);
    for (std::uint32_t e : c.crossing_edges) consider(e);
    return out;
}

NodeRoute search_nodes(const RoadGraph::Impl& g, const QueryCost& q, const std::vector<Endpoint>& sources,
                       const std::vector<Endpoint>& targets, Algorithm algorithm) {
    NodeRoute r;
    tl_stats = {};
    if (sources.empty() || targets.empty()) return r;
    // A path ending at graph node `end`: the target there with the smallest offset.
    auto take_path = [&](double cost, std::vector<std::uint32_t>&& edges, std::uint32_t end) {
        for (std::size_t t = 0; t < targets.size(); ++t)
            if (targets[t].node == end && (r.target < 0 || targets[t].cost < targets[std::size_t(r.target)].cost))
                r.target = static_cast<int>(t);
        r.cost = cost;
        r.edges = std::move(edges);
    };
    const Hierarchy& h = g.hierarchy(q.metric == Metric::Distance);
    if (algorithm == Algorithm::Hierarchy && !h.empty()) {
        const ChFit fit = hierarchy_fit(g, q);
        if (fit != ChFit::None) {
            ChPath c = ch_search(g, h, sources, targets);
            tl_stats.settled = c.settled;
            // Nothing reachable on base costs: nothing reachable on costs that only rise.
            if (!std::isfinite(c.cost)) return r;
            // A path none of whose edges changed cost costs its lower bound under the Costing: the optimum.
            bool exact = true;
            if (fit == ChFit::Bounds)
                for (std::uint32_t e : c.edges) exact = exact && q.cost(e) == base_cost(g, e, q.metric);
            if (exact) {
                tl_stats.hierarchy_exact = true;
                take_path(c.cost, std::move(c.edges), c.end);
                return r;
            }
        }
        // Changed costs on the path, or lowered ones: the customizable hierarchy, re-customised for the edges
        // whose cost changed (ALT below when the graph has none).
        if (const Cch* cch = g.customizable()) {
            CchPath c = cch_search(g, *cch, q.metric, changed_edges(g, *cch, q), sources, targets);
            tl_stats.settled += c.visited;
            tl_stats.recustomised = c.changed_arcs;
            if (std::isfinite(c.cost)) take_path(c.cost, std::move(c.edges), c.end);
            return r;
        }
    }
    Scratch& s = tl_scratch;
    const Found f = point_search(s, q, sources, targets, algorithm != Algorithm::Dijkstra);
    if (f.target >= 0) {
        r.cost = f.cost;
        r.target = f.target;
        r.edges = walk_back(s, g, targets[std::size_t(f.target)].node);
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// Route assembly

struct Anchor {
    geo::LonLat input;
    SnapHit hit;
};

// Ways to leave an origin anchor / to arrive at a destination anchor.
struct Link {
    std::uint32_t node;
    double cost;
    std::uint32_t edge;  // the directed edge of the snapped piece used
    double share;        // fraction of that edge travelled
};

// A point snapped onto a piece's end is at that node: it may leave (or arrive) there through any other road
// too, even when its own piece is one-way the other way. share 0: nothing of the piece is travelled.
void add_end_nodes(const PieceRec& pr, const SnapHit& h, std::vector<Link>& out) {
    const std::uint32_t any = pr.edge_fwd != kInvalidId ? pr.edge_fwd : pr.edge_bwd;
    if (h.fraction <= 0.0) out.push_back({pr.node_a, 0.0, any, 0.0});
    if (h.fraction >= 1.0) out.push_back({pr.node_b, 0.0, any, 0.0});
}

std::vector<Link> departures(const RoadGraph::Impl& g, const QueryCost& q, const SnapHit& h) {
    std::vector<Link> out;
    const PieceRec& pr = g.pieces[h.piece];
    add_end_nodes(pr, h, out);
    if (pr.edge_fwd != kInvalidId && std::isfinite(q.cost(pr.edge_fwd)))
        out.push_back({pr.node_b, (1 - h.fraction) * q.cost(pr.edge_fwd), pr.edge_fwd, 1 - h.fraction});
    if (pr.edge_bwd != kInvalidId && std::isfinite(q.cost(pr.edge_bwd)))
        out.push_back({pr.node_a, h.fraction * q.cost(pr.edge_bwd), pr.edge_bwd, h.fraction});
    return out;
}

std::vector<Link> arrivals(const RoadGraph::Impl& g, const QueryCost& q, const SnapHit& h) {
    std::vector<Link> out;
    const PieceRec& pr = g.pieces[h.piece];
    add_end_nodes(pr, h, out);
    if (pr.edge_fwd != kInvalidId && std::isfinite(q.cost(pr.edge_fwd)))
        out.push_back({pr.node_a, h.fraction * q.cost(pr.edge_fwd), pr.edge_fwd, h.fraction});
    if (pr.edge_bwd != kInvalidId && std::isfinite(q.cost(pr.edge_bwd)))
        out.push_back({pr.node_b, (1 - h.fraction) * q.cost(pr.edge_bwd), pr.edge_bwd, 1 - h.fraction});
    return out;
}

// A path: partial first edge, whole edges, partial last edge (or one partial edge when direct).
struct Path {
    double cost = kInf;
    std::uint32_t first_edge = kInvalidId;
    double first_share = 0;
    std::vector<std::uint32_t> edges;
    std::uint32_t last_edge = kInvalidId;
    double last_share = 0;
    bool direct = false;  // origin and destination on the same piece, no graph search needed
};

// The path of whole `edges` (from a departure's node to arrival `a`'s), at total cost `cost`.
Path path_to(const RoadGraph::Impl& g, const std::vector<Link>& dep, const Link& a, double cost,
             std::vector<std::uint32_t> edges) {
    Path p;
    p.cost = cost;
    p.edges = std::move(edges);
    const std::uint32_t start = p.edges.empty() ? a.node : g.edges[p.edges.front()].source;
    // The cheapest departure that seeds the start node.
    double seed = kInf;
    for (const auto& d : dep)
        if (d.node == start && d.cost < seed) {
            seed = d.cost;
            p.first_edge = d.edge;
            p.first_share = d.share;
        }
    p.last_edge = a.edge;
    p.last_share = a.share;
    return p;
}

// Origin and destination on the same piece, in a direction the piece allows.
Path direct_path(const RoadGraph::Impl& g, const QueryCost& q, const SnapHit& from, const SnapHit& to) {
    Path best;
    if (from.piece == to.piece) {
        const PieceRec& pr = g.pieces[from.piece];
        if (from.fraction <= to.fraction && pr.edge_fwd != kInvalidId && std::isfinite(q.cost(pr.edge_fwd))) {
            best.cost = (to.fraction - from.fraction) * q.cost(pr.edge_fwd);
            best.first_edge = pr.edge_fwd;
            best.first_share = to.fraction - from.fraction;
            best.direct = true;
        } else if (from.fraction >= to.fraction && pr.edge_bwd != kInvalidId && std::isfinite(q.cost(pr.edge_bwd))) {
            best.cost = (from.fraction - to.fraction) * q.cost(pr.edge_bwd);
            best.first_edge = pr.edge_bwd;
            best.first_share = from.fraction - to.fraction;
            best.direct = true;
        }
    }
    return best;
}

Path best_path(const RoadGraph::Impl& g, const QueryCost& q, const SnapHit& from, const SnapHit& to,
               Algorithm algorithm) {
    Path best = direct_path(g, q, from, to);
    const auto dep = departures(g, q, from);
    const auto arr = arrivals(g, q, to);
    std::vector<Endpoint> sources, targets;
    for (const auto& d : dep) sources.push_back({d.node, d.cost});
    for (const auto& a : arr) targets.push_back({a.node, a.cost});
    NodeRoute r = search_nodes(g, q, sources, targets, algorithm);
    if (r.target >= 0 && r.cost < best.cost)
        best = path_to(g, dep, arr[static_cast<std::size_t>(r.target)], r.cost, std::move(r.edges));
    return best;
}

struct Legs {
    std::vector<Path> paths;
};

std::string_view country_view(const RoadGraph::Impl& g, std::uint32_t e) {
    const EdgeRec& r = g.edges[e];
    if (r.road != kInvalidId) return g.str(g.roads[r.road].country);
    return g.str(g.node_country[r.target]);
}

std::string country_of_edge(const RoadGraph::Impl& g, std::uint32_t e) { return std::string(country_view(g, e)); }

// Compares before copying: most edges repeat the previous ref and country.
void push_unique(std::vector<std::string>& v, std::string_view s) {
    if (!s.empty() && (v.empty() || v.back() != s)) v.emplace_back(s);
}

void append_point(geo::LineString& out, const geo::LonLat& p) {
    if (out.empty() || !(out.back() == p)) out.push_back(p);
}

// A whole edge's shape in its direction of travel, straight from the graph's arrays (no copy).
void append_edge_shape(const RoadGraph::Impl& g, std::uint32_t e, geo::LineString& out) {
    const std::uint32_t piece = g.edges[e].piece & ~kReversedBit;
    const PieceRec& pr = g.pieces[piece];
    const std::uint32_t s0 = pr.shape_begin, s1 = g.pieces[piece + 1].shape_begin;
    auto put = [&](const Point2& p) { append_point(out, geo::LonLat{p.lon, p.lat}); };
    if (g.edges[e].piece & kReversedBit) {
        put(g.positions[pr.node_b]);
        for (std::uint32_t i = s1; i > s0; --i) put(g.shape_points[i - 1]);
        put(g.positions[pr.node_a]);
    } else {
        put(g.positions[pr.node_a]);
        for (std::uint32_t i = s0; i < s1; ++i) put(g.shape_points[i]);
        put(g.positions[pr.node_b]);
    }
}

void append_line(geo::LineString& out, const geo::LineString& part) {
    for (const auto& p : part)
        if (out.empty() || !(out.back() == p)) out.push_back(p);
}

// Builds the reported Route of consecutive legs.
Route make_route(const RoadGraph::Impl& g, const QueryCost& q, const std::vector<Anchor>& anchors,
                 const std::vector<Path>& legs) {
    Route r;
    r.snapped_from = anchors.front().hit.point;
    r.snapped_to = anchors.back().hit.point;
    auto add_edge = [&](std::uint32_t e, double share) {
        const EdgeRec& er = g.edges[e];
        r.distance_m += share * er.length_m;
        r.duration_s += er.crossing != kInvalidId ? q.duration(e) : share * er.duration_s;
        r.cost += share * q.cost(e);
        r.edges.push_back(e);
        if (er.crossing != kInvalidId) {
            r.crossings.push_back(g.crossings[er.crossing].name);
            r.crossing_ids.push_back(g.crossings[er.crossing].id);
        } else {
            push_unique(r.refs, g.str(g.roads[er.road].ref));
        }
        push_unique(r.countries, country_view(g, e));
    };
    for (std::size_t i = 0; i < legs.size(); ++i) {
        const Path& p = legs[i];
        const SnapHit& from = anchors[i].hit;
        const SnapHit& to = anchors[i + 1].hit;
        append_line(r.geometry, {from.point});
        if (p.direct) {
            add_edge(p.first_edge, p.first_share);
            append_line(r.geometry, piece_sub(g, from.piece, from.fraction, to.fraction));
            continue;
        }
        // A share of 0: the anchor is the path's first (last) node, no part of its piece is travelled.
        if (p.first_share > 0) {
            const bool fwd_first = (g.edges[p.first_edge].piece & kReversedBit) == 0;
            add_edge(p.first_edge, p.first_share);
            append_line(r.geometry, piece_sub(g, from.piece, from.fraction, fwd_first ? 1.0 : 0.0));
        }
        for (std::uint32_t e : p.edges) {
            add_edge(e, 1.0);
            append_edge_shape(g, e, r.geometry);
        }
        if (p.last_share > 0) {
            const bool fwd_last = (g.edges[p.last_edge].piece & kReversedBit) == 0;
            add_edge(p.last_edge, p.last_share);
            append_line(r.geometry, piece_sub(g, to.piece, fwd_last ? 0.0 : 1.0, to.fraction));
        }
    }
    if (r.geometry.size() == 1) r.geometry.push_back(r.geometry.front());
    if (r.countries.empty()) {  // origin and destination on one node: the country of the origin's road
        const PieceRec& pr = g.pieces[anchors.front().hit.piece];
        push_unique(r.countries, country_view(g, pr.edge_fwd != kInvalidId ? pr.edge_fwd : pr.edge_bwd));
    }
    return r;
}

// Road length shared by `candidate` with `other`, over the candidate's length.
double overlap(const RoadGraph::Impl& g, const Route& candidate, const Route& other) {
    std::unordered_set<std::uint32_t> pieces;
    for (auto e : other.edges) pieces.insert(g.edges[e].piece & ~kReversedBit);
    double shared = 0, total = 0;
    for (auto e : candidate.edges) {
        const double len = g.edges[e].length_m;
        total += len;
        if (pieces.count(g.edges[e].piece & ~kReversedBit)) shared += len;
    }
    return total > 0 ? shared / total : 1.0;
}

std::string explain_no_route(const RoadGraph::Impl& g, const QueryCost& q, const Anchor& from, const Anchor& to) {
    const auto ca = country_of_edge(g, g.pieces[from.hit.piece].edge_fwd != kInvalidId ? g.pieces[from.hit.piece].edge_fwd
                                                                                       : g.pieces[from.hit.piece].edge_bwd);
    const auto cb = country_of_edge(g, g.pieces[to.hit.piece].edge_fwd != kInvalidId ? g.pieces[to.hit.piece].edge_fwd
                                                                                     : g.pieces[to.hit.piece].edge_bwd);
    if (!ca.empty() && !cb.empty() && ca != cb) {
        bool any = false, any_open = false;
        for (std::size_t i = 0; i < g.crossings.size(); ++i) {
            const auto& c = g.crossings[i];
            if (c.country_a != cb && c.country_b != cb) continue;
            any = true;
            if (std::isfinite(q.crossing_extra[i]) && c.node_a != kInvalidId) any_open = true;
        }
        if (!any) return "no border crossing into " + cb + " is known";
        if (!any_open) return "every crossing into " + cb + " is closed";
        return "no road connection from " + ca + " to " + cb + " through the open crossings" +
               (q.hard_zones.empty() && q.blocked.empty() ? std::string() : " avoiding the closed roads and zones");
    }
    return std::string("no road connection between the two points") +
           (q.hard_zones.empty() && q.blocked.empty() ? "" : " avoiding the closed roads and zones");
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Router::Router(std::shared_ptr<const RoadGraph> graph) : graph_(std::move(graph)) {
    if (!graph_) throw std::invalid_argument("Router needs a road graph");
}

SearchStats Router::last_stats() { return tl_stats; }

std::optional<NodePath> Router::shortest_path(NodeId from, NodeId to, const Costing& costing, Algorithm algorithm) const {
    const auto& g = graph_->impl();
    if (from >= g.node_count() || to >= g.node_count()) throw std::invalid_argument("node id out of range");
    const QueryCost q = resolve(g, costing);
    NodeRoute r = search_nodes(g, q, {{from, 0.0}}, {{to, 0.0}}, algorithm);
    if (r.target < 0) return std::nullopt;
    return NodePath{r.cost, std::move(r.edges)};
}

std::optional<Snapped> Router::nearest(const geo::LonLat& p) const {
    if (!geo::is_valid(p)) throw std::invalid_argument("not a valid lon/lat position");
    const auto& g = graph_->impl();
    const SnapHit h = snap(g, p, nullptr, kInf);
    if (h.piece == kInvalidId) return std::nullopt;
    return to_snapped(g, p, h);
}

RouteResult Router::route(const RouteRequest& request) const {
    if (request.waypoints.size() < 2) throw std::invalid_argument("a route needs at least two waypoints");
    if (request.alternatives < 0 || request.alternatives > 10)
        throw std::invalid_argument("alternatives must be between 0 and 10");
    for (const auto& w : request.waypoints)
        if (!geo::is_valid(w)) throw std::invalid_argument("waypoint is not a valid lon/lat position");
    const auto& g = graph_->impl();
    QueryCost q = resolve(g, request.costing);
    std::vector<Anchor> anchors;
    for (std::size_t i = 0; i < request.waypoints.size(); ++i) {
        const auto& w = request.waypoints[i];
        const std::string what = i == 0 ? "origin" : i + 1 == request.waypoints.size() ? "destination" : "via point";
        for (const auto& z : q.hard_zones)
            if (inside_zone(w, z)) return NoRoute{what + " is inside a hard avoid zone"};
        const SnapHit h = snap(g, w, &q, request.max_snap_m);
        if (h.piece == kInvalidId)
            return NoRoute{what + " is more than " + std::to_string(static_cast<int>(request.max_snap_m / 1000)) +
                           " km from any usable road"};
        anchors.push_back({w, h});
    }
    std::vector<Path> legs;
    for (std::size_t i = 0; i + 1 < anchors.size(); ++i) {
        Path p = best_path(g, q, anchors[i].hit, anchors[i + 1].hit, request.algorithm);
        if (!std::isfinite(p.cost)) return NoRoute{explain_no_route(g, q, anchors[i], anchors[i + 1])};
        legs.push_back(std::move(p));
    }
    std::vector<Route> routes{make_route(g, q, anchors, legs)};
    if (request.alternatives > 0 && anchors.size() == 2) {
        // Penalty method: make the edges of found routes dearer and search again.
        QueryCost penalised = q;
        penalised.piece_factor.assign(g.piece_count() + 1, 1.0f);
        const double best_cost = routes.front().cost;
        for (int iter = 0; iter < 4 * request.alternatives + 4 && static_cast<int>(routes.size()) <= request.alternatives;
             ++iter) {
            for (const auto& r : routes)
                for (auto e : r.edges) {
                    const std::uint32_t piece = g.edges[e].piece & ~kReversedBit;
                    penalised.piece_factor[piece] *= 1.25f;
                    penalised.touched_pieces.push_back(piece);
                }
            Path p = best_path(g, penalised, anchors[0].hit, anchors[1].hit, request.algorithm);
            if (!std::isfinite(p.cost)) break;
            Route cand = make_route(g, q, anchors, {p});
            if (cand.cost > 1.4 * best_cost) break;
            bool distinct = true;
            for (const auto& r : routes)
                if (overlap(g, cand, r) > 0.7) distinct = false;
            if (distinct) routes.push_back(std::move(cand));
        }
    }
    for (std::size_t i = 0; i < routes.size(); ++i) routes[i].rank = static_cast<int>(i);
    return routes;
}

Isochrone Router::isochrone(const geo::LonLat& origin, std::vector<double> hours, const Costing& costing,
                            double buffer_m) const {
    if (!geo::is_valid(origin)) throw std::invalid_argument("origin is not a valid lon/lat position");
    if (hours.empty()) throw std::invalid_argument("isochrone needs at least one hour value");
    for (double h : hours)
        if (!(h > 0 && h <= 48)) throw std::invalid_argument("isochrone hours must be in (0, 48]");
    if (!(buffer_m > 0 && buffer_m <= 50000)) throw std::invalid_argument("isochrone buffer must be in (0, 50000] m");
    std::sort(hours.begin(), hours.end());
    hours.erase(std::unique(hours.begin(), hours.end()), hours.end());
    const auto& g = graph_->impl();
    Costing time_costing = costing;
    time_costing.metric = Metric::Time;
    QueryCost q = resolve(g, time_costing);
    Isochrone iso;
    iso.buffer_m = buffer_m;
    for (const auto& z : q.hard_zones)
        if (inside_zone(origin, z)) throw std::invalid_argument("origin is inside a hard avoid zone");
    const SnapHit h = snap(g, origin, &q, 20000.0);
    if (h.piece == kInvalidId) throw std::invalid_argument("origin is more than 20 km from any usable road");
    iso.origin = to_snapped(g, origin, h);
    std::vector<Endpoint> sources;
    for (const auto& d : departures(g, q, h)) sources.push_back({d.node, d.cost});
    Scratch& s = tl_scratch;
    tree_search(s, q, sources, hours.back() * 3600.0);
    for (double hr : hours) {
        const double limit = hr * 3600.0;
        IsochroneBand band;
        band.hours = hr;
        geo::MultiLineString reached;
        // The snapped piece itself, as far as it is reachable.
        reached.lines.push_back({h.point, h.point});
        for (std::uint32_t u : s.touched) {
            const double du = s.d(u);
            if (!(du < limit)) continue;
            const geo::LonLat pu{g.positions[u].lon, g.positions[u].lat};
            for (std::uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
                const double w = q.cost(e);
                if (!std::isfinite(w)) continue;
                const EdgeRec& er = g.edges[e];
                const geo::LonLat pv{g.positions[er.target].lon, g.positions[er.target].lat};
                const double share = std::min(1.0, (limit - du) / std::max(w, 1e-9));
                // Straight node-to-node pieces: the buffer hides the shape points and GEOS stays fast.
                if (share >= 1.0) {
                    if (u < er.target || s.d(er.target) >= limit) reached.lines.push_back({pu, pv});
                } else {
                    reached.lines.push_back({pu, {pu.lon + share * (pv.lon - pu.lon), pu.lat + share * (pv.lat - pu.lat)}});
                }
                band.reached_km += share * er.length_m / 1000.0;
            }
        }
        // A raster buffer: dense city streets reach thousands of overlapping segments, whose exact GEOS
        // buffer took tens of seconds and gigabytes (docs/BENCHMARKS.md, Scale); this one is linear in
        // the road length reached and within ~buffer/6 of the exact band.
        band.area = geo::raster_buffer_m(reached, buffer_m);
        iso.bands.push_back(std::move(band));
    }
    return iso;
}

Matrix Router::matrix(const std::vector<geo::LonLat>& origins, const std::vector<geo::LonLat>& destinations,
                      const Costing& costing) const {
    if (origins.empty() || destinations.empty()) throw std::invalid_argument("matrix needs origins and destinations");
    if (origins.size() * destinations.size() > 250000) throw std::invalid_argument("matrix larger than 250000 cells");
    const auto& g = graph_->impl();
    QueryCost q = resolve(g, costing);
    Matrix m;
    m.rows = origins.size();
    m.cols = destinations.size();
    m.duration_s.assign(m.rows * m.cols, kInf);
    m.distance_m.assign(m.rows * m.cols, kInf);
    auto anchor = [&](const geo::LonLat& p) {
        if (!geo::is_valid(p)) throw std::invalid_argument("matrix position is not a valid lon/lat position");
        for (const auto& z : q.hard_zones)
            if (inside_zone(p, z)) return SnapHit{};
        return snap(g, p, &q, 20000.0);
    };
    std::vector<SnapHit> dest;
    std::vector<std::uint32_t> dest_nodes;
    for (const auto& d : destinations) {
        dest.push_back(anchor(d));
        if (dest.back().piece != kInvalidId)
            for (const auto& a : arrivals(g, q, dest.back())) dest_nodes.push_back(a.node);
    }
    Scratch& s = tl_scratch;
    for (std::size_t i = 0; i < origins.size(); ++i) {
        const SnapHit from = anchor(origins[i]);
        if (from.piece == kInvalidId) continue;
        const auto dep = departures(g, q, from);
        std::vector<Endpoint> sources;
        for (const auto& d : dep) sources.push_back({d.node, d.cost});
        tree_search(s, q, sources, kInf, dest_nodes);
        for (std::size_t j = 0; j < dest.size(); ++j) {
            if (dest[j].piece == kInvalidId) continue;
            // Same piece: the direct path may win.
            Path best = direct_path(g, q, from, dest[j]);
            for (const auto& a : arrivals(g, q, dest[j])) {
                const double c = s.d(a.node) + a.cost;
                if (c < best.cost) best = path_to(g, dep, a, c, walk_back(s, g, a.node));
            }
            if (!std::isfinite(best.cost)) continue;
            const Route r = make_route(g, q, {Anchor{origins[i], from}, Anchor{destinations[j], dest[j]}}, {best});
            m.duration_s[i * m.cols + j] = r.duration_s;
            m.distance_m[i * m.cols + j] = r.distance_m;
        }
    }
    return m;
}

}  // namespace aras::routing
