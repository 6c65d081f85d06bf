// Synthetic road-like networks and fixed query sets for the routing and scale benchmarks.
#include "synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace aras::bench {

namespace {

struct RoadKind {
    const char* cls;
    double speed_kmh;
};

// Row/column classes: a few motorways, some secondary roads, the rest local roads of mixed speed.
RoadKind kind_of_line(std::size_t index, const SyntheticOptions& o, Random& rng) {
    if (o.highway_every > 0 && index % static_cast<std::size_t>(o.highway_every) == static_cast<std::size_t>(o.highway_every / 2))
        return {"motorway", 110.0};
    if (index % 8 == 3) return {"secondary", 70.0};
    return rng.uniform() < 0.5 ? RoadKind{"tertiary", 50.0} : RoadKind{"residential", 30.0 + 20.0 * rng.uniform()};
}

}  // namespace

geo::Layer synthetic_roads(const SyntheticOptions& o) {
    const auto side = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(std::max<std::size_t>(o.nodes, 4)))));
    Random rng(o.seed);
    // Jittered positions, ±30 % of the spacing: roads are not straight, distances vary.
    std::vector<geo::LonLat> pos(side * side);
    const double lon0 = 40.0, lat0 = 30.0;
    for (std::size_t j = 0; j < side; ++j)
        for (std::size_t i = 0; i < side; ++i)
            pos[j * side + i] = {lon0 + (double(i) + 0.6 * (rng.uniform() - 0.5)) * o.spacing_deg,
                                 lat0 + (double(j) + 0.6 * (rng.uniform() - 0.5)) * o.spacing_deg};
    geo::Layer layer;
    layer.name = "roads";
    std::int64_t next_id = 1;
    auto emit = [&](geo::LineString line, const RoadKind& k, bool oneway) {
        if (line.size() < 2) return;
        geo::Feature f;
        f.geometry = std::move(line);
        f.properties = {{"class", k.cls},       {"speed_kmh", k.speed_kmh}, {"oneway", oneway ? "yes" : "no"},
                        {"country", "XX"},       {"road_id", next_id++}};
        layer.features.push_back(std::move(f));
    };
    // Rows (horizontal) then columns (vertical): one polyline per run of present two-way links.
    for (int dir = 0; dir < 2; ++dir) {
        for (std::size_t a = 0; a < side; ++a) {
            const RoadKind k = kind_of_line(a, o, rng);
            const bool fast = std::string(k.cls) == "motorway";
            auto at = [&](std::size_t b) { return dir == 0 ? pos[a * side + b] : pos[b * side + a]; };
            geo::LineString run{at(0)};
            for (std::size_t b = 0; b + 1 < side; ++b) {
                const double r = rng.uniform();
                if (!fast && r < o.missing) {  // gap: end the run
                    emit(std::move(run), k, false);
                    run = {at(b + 1)};
                } else if (!fast && r < o.missing + o.oneway) {  // a one-way link on its own
                    emit(std::move(run), k, false);
                    if (rng.uniform() < 0.5) emit({at(b), at(b + 1)}, k, true);
                    else emit({at(b + 1), at(b)}, k, true);
                    run = {at(b + 1)};
                } else {
                    run.push_back(at(b + 1));
                }
            }
            emit(std::move(run), k, false);
        }
    }
    // Diagonals: short local links across some cells (not noded with the other diagonal: an overpass).
    for (std::size_t j = 0; j + 1 < side; ++j)
        for (std::size_t i = 0; i + 1 < side; ++i) {
            if (!(rng.uniform() < o.diagonal)) continue;
            const RoadKind k{"unclassified", 40.0};
            if (rng.uniform() < 0.5) emit({pos[j * side + i], pos[(j + 1) * side + i + 1]}, k, false);
            else emit({pos[j * side + i + 1], pos[(j + 1) * side + i]}, k, false);
        }
    return layer;
}

std::vector<routing::NodeId> main_network(const routing::RoadGraph& graph, std::uint64_t seed) {
    using routing::NodeId;
    const std::size_t n = graph.node_count();
    std::vector<NodeId> best;
    if (n == 0) return best;
    const auto& crossings = graph.crossings();
    auto usable = [&](const routing::EdgeInfo& e) {
        return e.crossing == routing::kInvalidId || crossings[e.crossing].open;
    };
    // Reverse adjacency from the public CSR view.
    std::vector<std::uint32_t> rev_off(n + 1, 0), rev;
    for (NodeId v = 0; v < n; ++v)
        for (auto e = graph.first_edge(v); e < graph.first_edge(v + 1); ++e) {
            const auto info = graph.edge(e);
            if (usable(info)) ++rev_off[info.target + 1];
        }
    for (std::size_t v = 0; v < n; ++v) rev_off[v + 1] += rev_off[v];
    rev.resize(rev_off[n]);
    {
        std::vector<std::uint32_t> fill(rev_off.begin(), rev_off.end() - 1);
        for (NodeId v = 0; v < n; ++v)
            for (auto e = graph.first_edge(v); e < graph.first_edge(v + 1); ++e) {
                const auto info = graph.edge(e);
                if (usable(info)) rev[fill[info.target]++] = v;
            }
    }
    Random rng(seed);
    std::vector<std::uint8_t> mark(n);
    std::vector<NodeId> stack;
    for (int attempt = 0; attempt < 8 && best.size() * 2 < n; ++attempt) {
        const auto root = static_cast<NodeId>(rng.below(n));
        std::fill(mark.begin(), mark.end(), 0);
        auto sweep = [&](bool backward, std::uint8_t bit) {
            stack.assign(1, root);
            mark[root] |= bit;
            while (!stack.empty()) {
                const NodeId u = stack.back();
                stack.pop_back();
                auto visit = [&](NodeId v) {
                    if (!(mark[v] & bit)) {
                        mark[v] |= bit;
                        stack.push_back(v);
                    }
                };
                if (!backward) {
                    for (auto e = graph.first_edge(u); e < graph.first_edge(u + 1); ++e) {
                        const auto info = graph.edge(e);
                        if (usable(info)) visit(info.target);
                    }
                } else {
                    for (auto i = rev_off[u]; i < rev_off[u + 1]; ++i) visit(rev[i]);
                }
            }
        };
        sweep(false, 1);
        sweep(true, 2);
        std::vector<NodeId> scc;
        for (NodeId v = 0; v < n; ++v)
            if (mark[v] == 3) scc.push_back(v);
        if (scc.size() > best.size()) best = std::move(scc);
    }
    return best;
}

std::vector<std::pair<routing::NodeId, routing::NodeId>> query_pairs(const std::vector<routing::NodeId>& nodes,
                                                                    std::size_t count, std::uint64_t seed) {
    std::vector<std::pair<routing::NodeId, routing::NodeId>> out;
    if (nodes.size() < 2) return out;
    Random rng(seed);
    while (out.size() < count) {
        const auto a = nodes[rng.below(nodes.size())], b = nodes[rng.below(nodes.size())];
        if (a != b) out.emplace_back(a, b);
    }
    return out;
}

}  // namespace aras::bench
