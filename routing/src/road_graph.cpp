// Builds the road graph from layers (noding, border separation, crossings, landmarks, hierarchies) and stores it.
#include "aras/routing/road_graph.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <queue>
#include <random>
#include <thread>
#include <unordered_map>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/layer_io.hpp"
#include "graph_impl.hpp"
#include "cch.hpp"
#include "hierarchy.hpp"

namespace aras::routing {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

constexpr const char* kClassNames[] = {"motorway", "trunk",     "primary", "secondary", "tertiary",
                                       "unclassified", "residential", "service", "track", "connector",
                                       "ferry",    "crossing",  "other"};

}  // namespace

std::string_view to_string(RoadClass c) { return kClassNames[static_cast<int>(c)]; }

RoadClass parse_road_class(std::string_view name) {
    std::string n = lower(name);
    if (n.size() > 5 && n.ends_with("_link")) n.resize(n.size() - 5);
    for (int i = 0; i <= static_cast<int>(RoadClass::Other); ++i)
        if (n == kClassNames[i]) return static_cast<RoadClass>(i);
    if (n == "living_street" || n == "road") return RoadClass::Residential;
    return RoadClass::Other;
}

double default_speed_kmh(RoadClass c) {
    switch (c) {
        case RoadClass::Motorway: return 100;
        case RoadClass::Trunk: return 80;
        case RoadClass::Primary: return 70;
        case RoadClass::Secondary: return 60;
        case RoadClass::Tertiary: return 50;
        case RoadClass::Unclassified: return 40;
        case RoadClass::Residential: return 30;
        case RoadClass::Service: return 20;
        case RoadClass::Track: return 20;
        case RoadClass::Connector: return 20;
        case RoadClass::Ferry: return 15;
        case RoadClass::Crossing: return 10;
        case RoadClass::Other: return 40;
    }
    return 40;
}

// ---------------------------------------------------------------------------------------------
// Storage

struct RoadGraph::Impl::Owned {
    std::vector<Point2> positions;
    std::vector<std::uint32_t> node_country;
    std::vector<std::uint32_t> offsets;
    std::vector<EdgeRec> edges;
    std::vector<std::uint32_t> rev_offsets;
    std::vector<std::uint32_t> rev_edges;
    std::vector<PieceRec> pieces;
    std::vector<Point2> shape_points;
    std::vector<RoadRec> roads;
    std::vector<std::uint32_t> string_offsets;
    std::vector<char> string_chars;
    std::vector<std::uint32_t> landmark_nodes;
    std::vector<float> from_time, to_time, from_dist, to_dist;
    HierarchyData ch_time, ch_dist;
};

RoadGraph::Impl::~Impl() {
    if (map_addr) ::munmap(map_addr, map_len);
}

namespace {

template <class T>
Array<T> view(const std::vector<T>& v) {
    return Array<T>{v.data(), v.size()};
}

void point_views(RoadGraph::Impl& g) {
    auto& o = *g.owned;
    g.positions = view(o.positions);
    g.node_country = view(o.node_country);
    g.offsets = view(o.offsets);
    g.edges = view(o.edges);
    g.rev_offsets = view(o.rev_offsets);
    g.rev_edges = view(o.rev_edges);
    g.pieces = view(o.pieces);
    g.shape_points = view(o.shape_points);
    g.roads = view(o.roads);
    g.string_offsets = view(o.string_offsets);
    g.string_chars = view(o.string_chars);
    g.landmark_nodes = view(o.landmark_nodes);
    g.lm = {view(o.from_time), view(o.to_time), view(o.from_dist), view(o.to_dist)};
    g.ch_time = o.ch_time.view();
    g.ch_dist = o.ch_dist.view();
}

// Interned strings; id 0 is "".
struct StringTable {
    std::unordered_map<std::string, std::uint32_t> ids;
    std::vector<std::string> values;
    StringTable() { intern(""); }
    std::uint32_t intern(const std::string& s) {
        auto [it, inserted] = ids.emplace(s, static_cast<std::uint32_t>(values.size()));
        if (inserted) values.push_back(s);
        return it->second;
    }
    void store(RoadGraph::Impl::Owned& o) const {
        o.string_offsets.clear();
        o.string_chars.clear();
        o.string_offsets.push_back(0);
        for (const auto& v : values) {
            o.string_chars.insert(o.string_chars.end(), v.begin(), v.end());
            o.string_offsets.push_back(static_cast<std::uint32_t>(o.string_chars.size()));
        }
    }
};

std::string prop_string(const nlohmann::json& props, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
        auto it = props.find(k);
        if (it == props.end() || it->is_null()) continue;
        if (it->is_string()) return it->get<std::string>();
        if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
        if (it->is_number()) return std::to_string(it->get<double>());
        if (it->is_boolean()) return it->get<bool>() ? "1" : "0";
    }
    return {};
}

std::optional<double> prop_number(const nlohmann::json& props, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
        auto it = props.find(k);
        if (it == props.end() || it->is_null()) continue;
        if (it->is_number()) return it->get<double>();
        if (it->is_string()) {
            try {
                std::size_t used = 0;
                const std::string s = it->get<std::string>();
                double v = std::stod(s, &used);
                if (used > 0) return v;
            } catch (const std::exception&) {
            }
        }
    }
    return std::nullopt;
}

// Clusters vertices closer than the snap tolerance, never across countries.
class VertexClusters {
public:
    explicit VertexClusters(double tol_m) : tol_m_(std::max(tol_m, 0.01)), cell_deg_(tol_m_ / 111319.49) {}

    std::uint32_t find_or_add(const geo::LonLat& p, std::uint32_t country) {
        const long ix = static_cast<long>(std::floor(p.lon / cell_deg_));
        const long iy = static_cast<long>(std::floor(p.lat / cell_deg_));
        const double coslat = std::max(std::cos(p.lat * M_PI / 180.0), 0.1);
        const long kx = static_cast<long>(std::ceil(1.0 / coslat));
        std::uint32_t best = kInvalidId;
        double best_d = tol_m_;
        for (long dy = -1; dy <= 1; ++dy)
            for (long dx = -kx; dx <= kx; ++dx) {
                auto it = cells_.find(key(country, ix + dx, iy + dy));
                if (it == cells_.end()) continue;
                for (std::uint32_t c : it->second) {
                    const double d = approx_distance_m(p.lon, p.lat, points[c].lon, points[c].lat);
                    if (d <= best_d) {
                        best_d = d;
                        best = c;
                    }
                }
            }
        if (best != kInvalidId) return best;
        const auto id = static_cast<std::uint32_t>(points.size());
        points.push_back(p);
        countries.push_back(country);
        cells_[key(country, ix, iy)].push_back(id);
        return id;
    }

    std::vector<geo::LonLat> points;
    std::vector<std::uint32_t> countries;

private:
    static std::uint64_t key(std::uint32_t country, long x, long y) {
        std::uint64_t h = country;
        h = h * 0x9E3779B97F4A7C15ull ^ static_cast<std::uint64_t>(x + (1l << 30));
        h = h * 0x9E3779B97F4A7C15ull ^ static_cast<std::uint64_t>(y + (1l << 30));
        return h;
    }
    double tol_m_, cell_deg_;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> cells_;
};

struct PendingEdge {
    std::uint32_t source, target;
    double length_m, duration_s;
    std::uint32_t road, crossing, piece;
    RoadClass cls;
};

// Plain Dijkstra on base weights for landmark tables (forward from or backward to `root`). Time tables
// include each crossing's own waiting time (closed crossings too): the bounds stay valid for any query that
// waits at least that long (the router checks), and cross-border bounds get much tighter.
void landmark_search(const RoadGraph::Impl& g, std::uint32_t root, bool backward, bool distance,
                     std::vector<double>& dist) {
    const std::size_t n = g.node_count();
    dist.assign(n, std::numeric_limits<double>::infinity());
    using Item = std::pair<double, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    dist[root] = 0;
    heap.push({0, root});
    while (!heap.empty()) {
        auto [d, u] = heap.top();
        heap.pop();
        if (d > dist[u]) continue;
        auto relax = [&, d = d](const EdgeRec& e, std::uint32_t v) {  // copy: clang < 16 cannot capture a binding
            double w = distance ? e.length_m : e.duration_s;
            if (!distance && e.crossing != kInvalidId) w += base_wait_s(g.crossings[e.crossing]);
            if (d + w < dist[v]) {
                dist[v] = d + w;
                heap.push({dist[v], v});
            }
        };
        if (!backward) {
            for (std::uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) relax(g.edges[e], g.edges[e].target);
        } else {
            for (std::uint32_t i = g.rev_offsets[u]; i < g.rev_offsets[u + 1]; ++i) {
                const EdgeRec& e = g.edges[g.rev_edges[i]];
                relax(e, e.source);
            }
        }
    }
}

// Farthest-point landmark selection on travel time ("avoid"-free variant; good for road networks).
void compute_landmarks(RoadGraph::Impl& g, int count) {
    auto& o = *g.owned;
    const std::size_t n = g.node_count();
    o.landmark_nodes.clear();
    if (count <= 0 || n < 2) {
        point_views(g);
        return;
    }
    const std::size_t L = static_cast<std::size_t>(count);
    std::vector<double> d;
    // Start from the node farthest from node 0 (undirected reach via forward search).
    std::vector<double> mind(n, std::numeric_limits<double>::infinity());
    landmark_search(g, 0, false, false, d);
    std::uint32_t next = 0;
    {
        double best = -1;
        for (std::uint32_t v = 0; v < n; ++v)
            if (std::isfinite(d[v]) && d[v] > best) best = d[v], next = v;
    }
    o.from_time.assign(n * L, std::numeric_limits<float>::infinity());
    o.to_time = o.from_time;
    o.from_dist = o.from_time;
    o.to_dist = o.from_time;
    auto store = [&](std::vector<float>& table, std::size_t l, const std::vector<double>& dist) {
        for (std::size_t v = 0; v < n; ++v) {
            if (!std::isfinite(dist[v])) continue;
            // Round down so the float bound never exceeds the true distance.
            float f = static_cast<float>(dist[v]);
            if (static_cast<double>(f) > dist[v]) f = std::nextafter(f, 0.0f);
            table[v * L + l] = f;
        }
    };
    for (std::size_t l = 0; l < L; ++l) {
        o.landmark_nodes.push_back(next);
        landmark_search(g, next, false, false, d);
        store(o.from_time, l, d);
        for (std::size_t v = 0; v < n; ++v) mind[v] = std::min(mind[v], std::isfinite(d[v]) ? d[v] : mind[v]);
        landmark_search(g, next, true, false, d);
        store(o.to_time, l, d);
        landmark_search(g, next, false, true, d);
        store(o.from_dist, l, d);
        landmark_search(g, next, true, true, d);
        store(o.to_dist, l, d);
        // Next landmark: the reachable node farthest from all chosen ones.
        double best = -1;
        for (std::uint32_t v = 0; v < n; ++v)
            if (std::isfinite(mind[v]) && mind[v] > best) best = mind[v], next = v;
        if (best <= 0) break;
    }
    const std::size_t used = o.landmark_nodes.size();
    if (used < L) {  // compact tables to the landmarks actually placed
        for (auto* t : {&o.from_time, &o.to_time, &o.from_dist, &o.to_dist}) {
            std::vector<float> c(n * used);
            for (std::size_t v = 0; v < n; ++v)
                for (std::size_t l = 0; l < used; ++l) c[v * used + l] = (*t)[v * L + l];
            *t = std::move(c);
        }
    }
    point_views(g);
}

}  // namespace

void RoadGraph::Impl::piece_shape(std::uint32_t piece, std::vector<geo::LonLat>& out) const {
    out.clear();
    const PieceRec& p = pieces[piece];
    const Point2& a = positions[p.node_a];
    out.push_back({a.lon, a.lat});
    for (std::uint32_t i = p.shape_begin; i < pieces[piece + 1].shape_begin; ++i)
        out.push_back({shape_points[i].lon, shape_points[i].lat});
    const Point2& b = positions[p.node_b];
    out.push_back({b.lon, b.lat});
}

void RoadGraph::Impl::build_grid() {
    bbox = geo::BBox{};
    for (const auto& p : positions) bbox.extend(geo::LonLat{p.lon, p.lat});
    for (const auto& p : shape_points) bbox.extend(geo::LonLat{p.lon, p.lat});
    const std::size_t np = piece_count();
    grid_offsets.clear();
    grid_items.clear();
    piece_boxes.clear();
    grid_cols = grid_rows = 0;
    if (np == 0 || bbox.empty()) return;
    const double w = std::max(bbox.max_lon - bbox.min_lon, 1e-6), h = std::max(bbox.max_lat - bbox.min_lat, 1e-6);
    // About eight cells per piece (real networks are uneven: a cell of a dense city must not hold
    // thousands of pieces, snapping tests them all), but cells no smaller than ~200 m.
    grid_cell = std::max(std::sqrt(w * h / (static_cast<double>(np) * 8.0 + 1.0)), 0.002);
    grid_cols = static_cast<std::uint32_t>(std::min(w / grid_cell + 1.0, 8192.0));
    grid_rows = static_cast<std::uint32_t>(std::min(h / grid_cell + 1.0, 8192.0));
    grid_cell = std::max(w / (grid_cols - 0.5), h / (grid_rows - 0.5));
    grid_cols = static_cast<std::uint32_t>(w / grid_cell) + 1;
    grid_rows = static_cast<std::uint32_t>(h / grid_cell) + 1;
    grid_min_lon = bbox.min_lon;
    grid_min_lat = bbox.min_lat;
    const std::size_t cells = std::size_t(grid_cols) * grid_rows;
    std::vector<geo::BBox> boxes(np);
    std::vector<geo::LonLat> shape;
    for (std::uint32_t p = 0; p < np; ++p) {
        piece_shape(p, shape);
        for (const auto& q : shape) boxes[p].extend(q);
    }
    std::vector<std::uint32_t> counts(cells + 1, 0);
    for (std::uint32_t p = 0; p < np; ++p) for_each_cell(boxes[p], [&](std::uint32_t c) { ++counts[c + 1]; });
    for (std::size_t c = 0; c < cells; ++c) counts[c + 1] += counts[c];
    grid_offsets = counts;
    grid_items.resize(counts[cells]);
    for (std::uint32_t p = 0; p < np; ++p)
        for_each_cell(boxes[p], [&](std::uint32_t c) { grid_items[counts[c]++] = p; });
    piece_boxes = std::move(boxes);
}

// ---------------------------------------------------------------------------------------------
// Build

RoadGraph::RoadGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RoadGraph::~RoadGraph() = default;

std::shared_ptr<const RoadGraph> RoadGraph::build(const geo::Layer& roads, const geo::Layer& crossings,
                                                  const BuildOptions& options, BuildReport* report) {
    if (!(options.snap_tolerance_m >= 0) || !(options.gate_snap_m >= 0))
        throw GraphError("snap tolerances must be non-negative");
    BuildReport local;
    BuildReport& rep = report ? *report : local;
    auto impl = std::make_unique<Impl>();
    impl->owned = std::make_unique<Impl::Owned>();
    auto& o = *impl->owned;
    StringTable strings;
    VertexClusters clusters(options.snap_tolerance_m);

    struct Line {
        std::uint32_t road;
        std::vector<std::uint32_t> verts;  // cluster ids
        int direction;                     // 0 both, 1 forward only, -1 backward only
        double speed_kmh;
    };
    std::vector<Line> lines;
    std::vector<std::uint32_t> uses;

    for (std::size_t fi = 0; fi < roads.features.size(); ++fi) {
        const auto& f = roads.features[fi];
        const auto& props = f.properties;
        std::vector<const geo::LineString*> parts;
        if (auto* ls = std::get_if<geo::LineString>(&f.geometry)) parts.push_back(ls);
        else if (auto* ml = std::get_if<geo::MultiLineString>(&f.geometry))
            for (const auto& l : ml->lines) parts.push_back(&l);
        if (parts.empty()) {
            ++rep.roads_skipped;
            rep.notes.push_back("road feature " + std::to_string(fi) + ": not a line, skipped");
            continue;
        }
        RoadRec rec{};
        const std::string id_text = prop_string(props, {"road_id", "id", "osm_id"});
        rec.road_id = static_cast<std::int64_t>(fi);
        if (!id_text.empty()) {
            try {
                rec.road_id = std::stoll(id_text);
            } catch (const std::exception&) {
            }
        }
        const RoadClass cls = parse_road_class(prop_string(props, {"class", "fclass", "highway"}));
        rec.road_class = static_cast<std::uint8_t>(cls);
        rec.ref = strings.intern(prop_string(props, {"ref"}));
        rec.name = strings.intern(prop_string(props, {"name", "name_en"}));
        std::string country = prop_string(props, {"country", "iso2"});
        for (auto& c : country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        rec.country = strings.intern(country);
        double speed = prop_number(props, {"speed_kmh", "maxspeed"}).value_or(0.0);
        if (!(speed > 0.5 && speed < 300)) speed = default_speed_kmh(cls);
        const std::string ow = lower(prop_string(props, {"oneway"}));
        const int direction = (ow == "1" || ow == "yes" || ow == "true" || ow == "1.000000") ? 1
                              : (ow == "-1" || ow == "-1.000000")                          ? -1
                                                                                            : 0;
        const auto road_index = static_cast<std::uint32_t>(o.roads.size());
        o.roads.push_back(rec);
        ++rep.roads_read;
        for (const auto* part : parts) {
            Line line{road_index, {}, direction, speed};
            for (const auto& p : *part) {
                if (!geo::is_valid(p)) continue;
                const std::uint32_t c = clusters.find_or_add(p, rec.country);
                if (!line.verts.empty() && line.verts.back() == c) continue;
                line.verts.push_back(c);
            }
            if (line.verts.size() < 2) continue;
            if (uses.size() < clusters.points.size()) uses.resize(clusters.points.size(), 0);
            uses[line.verts.front()] += 2;
            uses[line.verts.back()] += 2;
            for (std::size_t i = 1; i + 1 < line.verts.size(); ++i) ++uses[line.verts[i]];
            lines.push_back(std::move(line));
        }
    }
    uses.resize(clusters.points.size(), 0);

    // Nodes are the clusters where lines end or meet; the rest become shape points.
    std::vector<std::uint32_t> node_of(clusters.points.size(), kInvalidId);
    for (std::uint32_t c = 0; c < clusters.points.size(); ++c) {
        if (uses[c] < 2) continue;
        node_of[c] = static_cast<std::uint32_t>(o.positions.size());
        o.positions.push_back({clusters.points[c].lon, clusters.points[c].lat});
        o.node_country.push_back(clusters.countries[c]);
    }

    std::vector<PendingEdge> pending;
    for (const auto& line : lines) {
        std::size_t start = 0;
        for (std::size_t i = 1; i < line.verts.size(); ++i) {
            const std::uint32_t c = line.verts[i];
            if (node_of[c] == kInvalidId) continue;
            const std::uint32_t a = node_of[line.verts[start]], b = node_of[c];
            if (a != b) {
                const auto piece = static_cast<std::uint32_t>(o.pieces.size());
                PieceRec pr{static_cast<std::uint32_t>(o.shape_points.size()), kInvalidId, kInvalidId, a, b};
                double len = 0;
                for (std::size_t k = start; k < i; ++k) {
                    len += geo::geodesic_distance_m(clusters.points[line.verts[k]], clusters.points[line.verts[k + 1]]);
                    if (k > start) o.shape_points.push_back({clusters.points[line.verts[k]].lon, clusters.points[line.verts[k]].lat});
                }
                o.pieces.push_back(pr);
                const double dur = len / (line.speed_kmh / 3.6);
                const auto cls = static_cast<RoadClass>(o.roads[line.road].road_class);
                if (line.direction >= 0) pending.push_back({a, b, len, dur, line.road, kInvalidId, piece, cls});
                if (line.direction <= 0)
                    pending.push_back({b, a, len, dur, line.road, kInvalidId, piece | kReversedBit, cls});
            }
            start = i;
        }
    }

    // Crossings: gate A attaches to country_a's network, gate B to country_b's.
    auto attach = [&](const geo::LonLat& gate, std::uint32_t country) {
        std::uint32_t best = kInvalidId;
        double best_d = options.gate_snap_m;
        for (std::uint32_t v = 0; v < o.positions.size(); ++v) {
            if (country != 0 && o.node_country[v] != country) continue;
            if (std::abs(o.positions[v].lat - gate.lat) > 0.2) continue;
            const double d = approx_distance_m(gate.lon, gate.lat, o.positions[v].lon, o.positions[v].lat);
            if (d <= best_d) best_d = d, best = v;
        }
        return best;
    };
    for (std::size_t fi = 0; fi < crossings.features.size(); ++fi) {
        const auto& f = crossings.features[fi];
        const auto& props = f.properties;
        Crossing c;
        c.id = prop_string(props, {"id", "crossing_id"});
        if (c.id.empty()) c.id = std::to_string(fi);
        c.name = prop_string(props, {"name", "name_en"});
        if (c.name.empty()) c.name = c.id;
        c.name_a = prop_string(props, {"name_a"});
        c.name_b = prop_string(props, {"name_b"});
        c.country_a = prop_string(props, {"country_a"});
        c.country_b = prop_string(props, {"country_b"});
        for (auto* s : {&c.country_a, &c.country_b})
            for (auto& ch : *s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        c.status = prop_string(props, {"status"});
        c.open = lower(c.status).find("closed") == std::string::npos;
        c.penalty_s = options.default_crossing_penalty_s;
        if (auto p = prop_number(props, {"penalty_s"})) c.penalty_s = *p;
        else if (auto m = prop_number(props, {"delay_min"})) c.penalty_s = *m * 60.0;
        const geo::LineString* gate = std::get_if<geo::LineString>(&f.geometry);
        geo::LineString from_points;
        if (!gate) {
            if (auto* ml = std::get_if<geo::MultiLineString>(&f.geometry); ml && !ml->lines.empty()) gate = &ml->lines.front();
        }
        if (!gate || gate->size() < 2) {
            rep.notes.push_back("crossing " + c.id + " (" + c.name + "): geometry is not a gate line, skipped");
            impl->crossings.push_back(std::move(c));
            continue;
        }
        c.gate_a = gate->front();
        c.gate_b = gate->back();
        const auto ca = strings.intern(c.country_a), cb = strings.intern(c.country_b);
        c.node_a = attach(c.gate_a, ca);
        c.node_b = attach(c.gate_b, cb);
        const auto index = static_cast<std::uint32_t>(impl->crossings.size());
        if (c.node_a == kInvalidId || c.node_b == kInvalidId || c.node_a == c.node_b) {
            rep.notes.push_back("crossing " + c.id + " (" + c.name + "): gate " +
                                (c.node_a == kInvalidId ? std::string("A") : std::string("B")) +
                                " has no road node of its country within " + std::to_string(options.gate_snap_m) +
                                " m, not linked");
            c.node_a = c.node_b = kInvalidId;
        } else {
            const double len = geo::geodesic_distance_m(geo::LonLat{o.positions[c.node_a].lon, o.positions[c.node_a].lat},
                                                        geo::LonLat{o.positions[c.node_b].lon, o.positions[c.node_b].lat});
            const double dur = len / (default_speed_kmh(RoadClass::Crossing) / 3.6);
            const auto piece = static_cast<std::uint32_t>(o.pieces.size());
            o.pieces.push_back({static_cast<std::uint32_t>(o.shape_points.size()), kInvalidId, kInvalidId, c.node_a, c.node_b});
            pending.push_back({c.node_a, c.node_b, len, dur, kInvalidId, index, piece, RoadClass::Crossing});
            pending.push_back({c.node_b, c.node_a, len, dur, kInvalidId, index, piece | kReversedBit, RoadClass::Crossing});
            ++rep.crossings_linked;
        }
        impl->crossings.push_back(std::move(c));
    }
    o.pieces.push_back({static_cast<std::uint32_t>(o.shape_points.size()), kInvalidId, kInvalidId, 0, 0});  // sentinel

    // CSR by source (stable: keeps input order within a node), then the reverse index.
    const std::size_t n = o.positions.size();
    if (pending.size() >= kInvalidId / 2) throw GraphError("road layer too large for 32-bit edge ids");
    o.offsets.assign(n + 1, 0);
    for (const auto& e : pending) ++o.offsets[e.source + 1];
    for (std::size_t v = 0; v < n; ++v) o.offsets[v + 1] += o.offsets[v];
    o.edges.resize(pending.size());
    {
        std::vector<std::uint32_t> fill(o.offsets.begin(), o.offsets.end() - 1);
        for (const auto& p : pending) {
            const std::uint32_t id = fill[p.source]++;
            EdgeRec& e = o.edges[id];
            e = EdgeRec{p.source, p.target, static_cast<float>(p.length_m), static_cast<float>(p.duration_s),
                        p.road, p.crossing, p.piece, static_cast<std::uint8_t>(p.cls), {0, 0, 0}};
            PieceRec& pr = o.pieces[p.piece & ~kReversedBit];
            (p.piece & kReversedBit ? pr.edge_bwd : pr.edge_fwd) = id;
        }
    }
    o.rev_offsets.assign(n + 1, 0);
    for (const auto& e : o.edges) ++o.rev_offsets[e.target + 1];
    for (std::size_t v = 0; v < n; ++v) o.rev_offsets[v + 1] += o.rev_offsets[v];
    o.rev_edges.resize(o.edges.size());
    {
        std::vector<std::uint32_t> fill(o.rev_offsets.begin(), o.rev_offsets.end() - 1);
        for (std::uint32_t id = 0; id < o.edges.size(); ++id) o.rev_edges[fill[o.edges[id].target]++] = id;
    }
    strings.store(o);
    point_views(*impl);
    compute_landmarks(*impl, options.landmarks);
    if (options.hierarchy && n > 0) {
        // The two metrics' hierarchies are independent: one on each core.
        std::thread dist_thread([&] { o.ch_dist = build_hierarchy(*impl, Metric::Distance); });
        o.ch_time = build_hierarchy(*impl, Metric::Time);
        dist_thread.join();
        point_views(*impl);
    }
    impl->build_grid();
    return std::shared_ptr<const RoadGraph>(new RoadGraph(std::move(impl)));
}

// ---------------------------------------------------------------------------------------------
// File format: header, section table, 64-byte aligned sections.

namespace {

constexpr char kMagic[8] = {'A', 'R', 'A', 'S', 'R', 'G', 'R', 'F'};
constexpr std::uint32_t kVersion = 3;  // 2: landmark time tables include crossing waits; 3: hierarchies
constexpr std::uint32_t kSections = 27;

struct FileHeader {
    char magic[8];
    std::uint32_t version;
    std::uint32_t sections;
    std::uint64_t signature;
    std::uint64_t file_size;
};
struct SectionEntry {
    std::uint64_t offset;
    std::uint64_t bytes;
};

std::string crossings_json(const std::vector<Crossing>& cs) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& c : cs)
        a.push_back({{"id", c.id}, {"name", c.name}, {"name_a", c.name_a}, {"name_b", c.name_b},
                     {"country_a", c.country_a}, {"country_b", c.country_b}, {"status", c.status},
                     {"open", c.open}, {"penalty_s", c.penalty_s}, {"gate_a", {c.gate_a.lon, c.gate_a.lat}},
                     {"gate_b", {c.gate_b.lon, c.gate_b.lat}}, {"node_a", c.node_a}, {"node_b", c.node_b}});
    return a.dump();
}

std::vector<Crossing> parse_crossings(std::string_view text) {
    std::vector<Crossing> out;
    for (const auto& j : nlohmann::json::parse(text)) {
        Crossing c;
        c.id = j.at("id");
        c.name = j.at("name");
        c.name_a = j.at("name_a");
        c.name_b = j.at("name_b");
        c.country_a = j.at("country_a");
        c.country_b = j.at("country_b");
        c.status = j.at("status");
        c.open = j.at("open");
        c.penalty_s = j.at("penalty_s");
        c.gate_a = {j.at("gate_a")[0], j.at("gate_a")[1]};
        c.gate_b = {j.at("gate_b")[0], j.at("gate_b")[1]};
        c.node_a = j.at("node_a");
        c.node_b = j.at("node_b");
        out.push_back(std::move(c));
    }
    return out;
}

struct Blob {
    const void* data;
    std::size_t bytes;
};

template <class T>
Blob blob(const Array<T>& a) {
    return {a.ptr, a.n * sizeof(T)};
}

}  // namespace

void RoadGraph::save(const std::string& path) const {
    const Impl& g = *impl_;
    const std::string cj = crossings_json(g.crossings);
    const Blob blobs[kSections] = {blob(g.positions),      blob(g.node_country),   blob(g.offsets),
                                   blob(g.edges),          blob(g.rev_offsets),    blob(g.rev_edges),
                                   blob(g.pieces),         blob(g.shape_points),   blob(g.roads),
                                   blob(g.string_offsets), blob(g.string_chars),   blob(g.landmark_nodes),
                                   blob(g.lm.from_time),   blob(g.lm.to_time),     blob(g.lm.from_dist),
                                   blob(g.lm.to_dist),     Blob{cj.data(), cj.size()},
                                   blob(g.ch_time.up_offsets), blob(g.ch_time.up), blob(g.ch_time.down_offsets),
                                   blob(g.ch_time.down),   blob(g.ch_time.unpack), blob(g.ch_dist.up_offsets),
                                   blob(g.ch_dist.up),     blob(g.ch_dist.down_offsets), blob(g.ch_dist.down),
                                   blob(g.ch_dist.unpack)};
    SectionEntry table[kSections];
    std::uint64_t offset = sizeof(FileHeader) + sizeof(table);
    auto align = [](std::uint64_t x) { return (x + 63) & ~std::uint64_t(63); };
    for (std::uint32_t i = 0; i < kSections; ++i) {
        offset = align(offset);
        table[i] = {offset, blobs[i].bytes};
        offset += blobs[i].bytes;
    }
    FileHeader h{};
    std::memcpy(h.magic, kMagic, 8);
    h.version = kVersion;
    h.sections = kSections;
    h.signature = g.signature;
    h.file_size = offset;
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw GraphError("cannot write road graph file " + tmp);
        out.write(reinterpret_cast<const char*>(&h), sizeof h);
        out.write(reinterpret_cast<const char*>(table), sizeof table);
        std::uint64_t pos = sizeof h + sizeof table;
        static const char zeros[64] = {};
        for (std::uint32_t i = 0; i < kSections; ++i) {
            out.write(zeros, static_cast<std::streamsize>(table[i].offset - pos));
            if (blobs[i].bytes) out.write(static_cast<const char*>(blobs[i].data), static_cast<std::streamsize>(blobs[i].bytes));
            pos = table[i].offset + blobs[i].bytes;
        }
        out.flush();
        if (!out) throw GraphError("cannot write road graph file " + tmp);
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw GraphError("cannot write road graph file " + path);
    }
}

namespace {

// Every offset, head and unpack reference in range: a damaged file must not send a search out of bounds.
// Unpack references must point backwards (a shortcut is made after its parts), which also rules out cycles.
bool hierarchy_consistent(const Hierarchy& ch, std::size_t n, std::size_t edges) {
    if (ch.up_offsets.empty() && ch.up.empty() && ch.down_offsets.empty() && ch.down.empty() && ch.unpack.empty())
        return true;
    auto csr_ok = [&](const Array<std::uint32_t>& off, const Array<ChArc>& arcs) {
        if (off.size() != n + 1 || off[0] != 0 || off[n] != arcs.size()) return false;
        for (std::size_t v = 0; v < n; ++v)
            if (off[v] > off[v + 1]) return false;
        for (const auto& a : arcs)
            if (a.head >= n || a.arc >= ch.unpack.size() || !(a.weight >= 0)) return false;
        return true;
    };
    if (!csr_ok(ch.up_offsets, ch.up) || !csr_ok(ch.down_offsets, ch.down)) return false;
    for (std::size_t i = 0; i < ch.unpack.size(); ++i) {
        const ChUnpack& u = ch.unpack[i];
        if (u.second == kInvalidId ? u.first >= edges : (u.first >= i || u.second >= i)) return false;
    }
    return true;
}

std::optional<std::uint64_t> read_signature(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    FileHeader h{};
    if (!in.read(reinterpret_cast<char*>(&h), sizeof h)) return std::nullopt;
    if (std::memcmp(h.magic, kMagic, 8) != 0 || h.version != kVersion) return std::nullopt;
    return h.signature;
}

}  // namespace

std::shared_ptr<const RoadGraph> RoadGraph::load(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw GraphError("cannot open road graph file " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(FileHeader) + kSections * sizeof(SectionEntry))) {
        ::close(fd);
        throw GraphError("road graph file " + path + " is truncated");
    }
    const auto len = static_cast<std::size_t>(st.st_size);
    void* addr = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (addr == MAP_FAILED) throw GraphError("cannot map road graph file " + path);
    auto impl = std::make_unique<Impl>();
    impl->map_addr = addr;
    impl->map_len = len;
    const char* base = static_cast<const char*>(addr);
    FileHeader h;
    std::memcpy(&h, base, sizeof h);
    if (std::memcmp(h.magic, kMagic, 8) != 0) throw GraphError(path + " is not an Aras road graph file");
    if (h.version != kVersion || h.sections != kSections)
        throw GraphError(path + " has road graph format version " + std::to_string(h.version) + ", expected " +
                         std::to_string(kVersion) + "; rebuild it");
    if (h.file_size != len) throw GraphError("road graph file " + path + " is truncated");
    SectionEntry table[kSections];
    std::memcpy(table, base + sizeof h, sizeof table);
    for (const auto& s : table)
        if (s.offset > len || s.bytes > len - s.offset) throw GraphError("road graph file " + path + " is damaged");
    auto sect = [&]<class T>(Array<T>& a, int i) {
        if (table[i].bytes % sizeof(T) != 0) throw GraphError("road graph file " + path + " is damaged");
        a = Array<T>{reinterpret_cast<const T*>(base + table[i].offset), table[i].bytes / sizeof(T)};
    };
    Impl& g = *impl;
    sect(g.positions, 0);
    sect(g.node_country, 1);
    sect(g.offsets, 2);
    sect(g.edges, 3);
    sect(g.rev_offsets, 4);
    sect(g.rev_edges, 5);
    sect(g.pieces, 6);
    sect(g.shape_points, 7);
    sect(g.roads, 8);
    sect(g.string_offsets, 9);
    sect(g.string_chars, 10);
    sect(g.landmark_nodes, 11);
    sect(g.lm.from_time, 12);
    sect(g.lm.to_time, 13);
    sect(g.lm.from_dist, 14);
    sect(g.lm.to_dist, 15);
    const std::size_t n = g.positions.size(), L = g.landmark_nodes.size();
    const bool consistent = g.offsets.size() == n + 1 && g.rev_offsets.size() == n + 1 && g.node_country.size() == n &&
                            (n == 0 || g.offsets[n] == g.edges.size()) && g.rev_edges.size() == g.edges.size() &&
                            g.lm.from_time.size() == n * L && g.lm.to_time.size() == n * L && g.lm.from_dist.size() == n * L &&
                            g.lm.to_dist.size() == n * L && !g.pieces.empty() && !g.string_offsets.empty();
    if (!consistent) throw GraphError("road graph file " + path + " is damaged");
    for (int k = 0; k < 2; ++k) {
        Hierarchy& ch = k == 0 ? g.ch_time : g.ch_dist;
        const int first = 17 + 5 * k;
        sect(ch.up_offsets, first);
        sect(ch.up, first + 1);
        sect(ch.down_offsets, first + 2);
        sect(ch.down, first + 3);
        sect(ch.unpack, first + 4);
        if (!hierarchy_consistent(ch, n, g.edges.size())) throw GraphError("road graph file " + path + " is damaged");
    }
    try {
        g.crossings = parse_crossings(std::string_view(base + table[16].offset, table[16].bytes));
    } catch (const std::exception& e) {
        throw GraphError("road graph file " + path + " is damaged: " + e.what());
    }
    g.signature = h.signature;
    g.build_grid();
    return std::shared_ptr<const RoadGraph>(new RoadGraph(std::move(impl)));
}

std::string RoadGraph::default_cache_dir() {
    if (const char* e = std::getenv("ARAS_CACHE_DIR"); e && *e) return e;
    if (const char* e = std::getenv("XDG_CACHE_HOME"); e && *e) return std::string(e) + "/aras";
    return "/tmp/aras-cache";
}

namespace {

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

// Sizes and mtimes of every file of the roads and crossings layers, plus the build options.
std::uint64_t source_signature(const std::string& dir, const BuildOptions& options) {
    std::string acc = "v";  // (not "v" + ...: GCC 12 -O3 warns a false -Wrestrict on it)
    acc += std::to_string(kVersion);
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string stem = entry.path().stem().string();
        if (stem == "roads" || stem == "crossings") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        auto size = fs::file_size(f, ec);
        auto t = fs::last_write_time(f, ec).time_since_epoch().count();
        acc += f.filename().string() + ":" + std::to_string(size) + ":" + std::to_string(t) + ";";
    }
    acc += std::to_string(options.snap_tolerance_m) + "/" + std::to_string(options.gate_snap_m) + "/" +
           std::to_string(options.default_crossing_penalty_s) + "/" + std::to_string(options.landmarks) +
           (options.hierarchy ? "/ch" + std::to_string(kHierarchyVersion) : std::string("/noch"));
    return fnv1a(acc);
}

}  // namespace

std::shared_ptr<const RoadGraph> RoadGraph::load_or_build(const std::string& data_dir, const std::string& cache_dir,
                                                          const BuildOptions& options) {
    const std::string source = geo::shapefile_source(data_dir);
    const std::uint64_t sig = source_signature(source, options);
    std::error_code ec;
    const std::string abs = fs::absolute(data_dir, ec).lexically_normal().string();
    char key[17];
    std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(fnv1a(abs)));
    const fs::path dir = fs::path(cache_dir.empty() ? default_cache_dir() : cache_dir) / key;
    const fs::path file = dir / "road_graph.bin";
    if (auto s = read_signature(file.string()); s && *s == sig) {
        try {
            return load(file.string());
        } catch (const GraphError&) {
            // damaged cache: rebuild below
        }
    }
    geo::Layer roads = geo::read_layer(source, "roads");
    geo::Layer crossings;
    try {
        crossings = geo::read_layer(source, "crossings");
    } catch (const geo::LayerError&) {
        // A road layer without crossings still routes inside each country.
    }
    auto graph = build(roads, crossings, options);
    const_cast<Impl&>(*graph->impl_).signature = sig;
    fs::create_directories(dir, ec);
    try {
        if (!ec) graph->save(file.string());
    } catch (const GraphError&) {
        // Read-only cache: serve from memory.
    }
    return graph;
}

// ---------------------------------------------------------------------------------------------
// Accessors

std::size_t RoadGraph::node_count() const { return impl_->node_count(); }
std::size_t RoadGraph::edge_count() const { return impl_->edges.size(); }
geo::LonLat RoadGraph::node_position(NodeId n) const {
    const auto& p = impl_->positions[n];
    return {p.lon, p.lat};
}
std::string_view RoadGraph::node_country(NodeId n) const { return impl_->str(impl_->node_country[n]); }
EdgeId RoadGraph::first_edge(NodeId n) const { return impl_->offsets[n]; }
EdgeInfo RoadGraph::edge(EdgeId id) const {
    const EdgeRec& e = impl_->edges[id];
    return EdgeInfo{e.source, e.target, e.length_m, e.duration_s, e.road, e.crossing, static_cast<RoadClass>(e.road_class)};
}
geo::LineString RoadGraph::edge_geometry(EdgeId id) const {
    const EdgeRec& e = impl_->edges[id];
    geo::LineString out;
    impl_->piece_shape(e.piece & ~kReversedBit, out);
    if (e.piece & kReversedBit) std::reverse(out.begin(), out.end());
    return out;
}
const std::vector<Crossing>& RoadGraph::crossings() const { return impl_->crossings; }
std::size_t RoadGraph::road_count() const { return impl_->roads.size(); }
RoadInfo RoadGraph::road(std::uint32_t index) const {
    const RoadRec& r = impl_->roads[index];
    return RoadInfo{r.road_id, static_cast<RoadClass>(r.road_class), impl_->str(r.ref), impl_->str(r.name),
                    impl_->str(r.country)};
}
geo::BBox RoadGraph::extent() const { return impl_->bbox; }
int RoadGraph::landmark_count() const { return static_cast<int>(impl_->landmarks()); }
bool RoadGraph::has_hierarchy() const { return !impl_->ch_time.empty(); }
bool RoadGraph::has_customizable_hierarchy() const { return has_hierarchy() && impl_->customizable() != nullptr; }

}  // namespace aras::routing
