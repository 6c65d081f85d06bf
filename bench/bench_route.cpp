// Routing timings on the embedded graph: Dijkstra vs ALT vs the contraction hierarchy on a fixed random query
// set, end to end (BM_Route*: snapping, search, route assembly) and the node-to-node search alone
// (BM_Search*: Router::shortest_path), query-time avoid zones, isochrones and a 10×10 matrix. Also the
// export/replay modes used by bench/pgrouting_compare.sh:
//   bench_route --export DIR [--pairs N]   edges.csv (directed, time costs incl. crossing waits) + pairs.csv
//   bench_route --run-pairs DIR            times ALT, Hierarchy and Dijkstra on DIR/pairs.csv, writes DIR/aras.csv
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <benchmark/benchmark.h>

#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"
#include "synthetic.hpp"

using namespace aras::routing;
using aras::geo::LonLat;

namespace {

constexpr std::size_t kPairs = 1000;
constexpr std::uint64_t kSeed = 42;

const Router& router() {
    static const Router r(RoadGraph::load_or_build(std::string(ARAS_SOURCE_DIR) + "/data"));
    // A graph's customizable hierarchy is built on its first query with changed costs (~60 ms here): not part of
    // any query's time.
    static const bool warm = [] {
        Costing c;
        c.closed_crossings.insert("Astara");
        return r.shortest_path(0, 1, c, Algorithm::Hierarchy).has_value();
    }();
    (void)warm;
    return r;
}

struct QuerySet {
    std::vector<std::pair<NodeId, NodeId>> nodes;
    std::vector<std::pair<LonLat, LonLat>> points;
    std::size_t cross_border = 0;
};

QuerySet make_queries(std::size_t count) {
    const RoadGraph& g = router().graph();
    QuerySet q;
    // Nodes whose position snaps onto one of their own roads (not onto an unnoded road passing over them),
    // so that a query from the position is a query from the node and pgRouting sees the same problem.
    std::vector<NodeId> nodes;
    for (NodeId v : aras::bench::main_network(g)) {
        const auto s = router().nearest(g.node_position(v));
        if (!s || s->distance_m > 0.01) continue;
        const EdgeInfo e = g.edge(s->edge);
        if (!((e.source == v && s->fraction < 1e-9) || (e.target == v && s->fraction > 1 - 1e-9))) continue;
        // ... and that road is two-way: at the tail of a one-way piece the router departs from its head
        // (snapping semantics), which would not be the node-to-node problem pgRouting solves.
        bool two_way = false;
        for (EdgeId r = g.first_edge(e.target); r < g.first_edge(e.target + 1); ++r) {
            const EdgeInfo b = g.edge(r);
            two_way = two_way || (b.target == e.source && b.road == e.road && b.length_m == e.length_m);
        }
        if (two_way) nodes.push_back(v);
    }
    q.nodes = aras::bench::query_pairs(nodes, count, kSeed);
    for (const auto& [a, b] : q.nodes) {
        q.points.emplace_back(g.node_position(a), g.node_position(b));
        if (g.node_country(a) != g.node_country(b)) ++q.cross_border;
    }
    return q;
}

const QuerySet& queries() {
    static const QuerySet q = make_queries(kPairs);
    return q;
}

// The restricted costing of the issue: a hard 25 km geodesic circle around Ardabil and Astara closed.
Costing avoid_costing() {
    Costing c;
    c.hazards.push_back(Hazard::circle({48.29, 38.25}, 25.0, true));
    c.closed_crossings.insert("Astara");
    return c;
}

// One query per iteration, cycling through the fixed set (iterations = set size: every pair once).
void run_pairs(benchmark::State& state, Algorithm algorithm, const Costing& costing) {
    const auto& qs = queries();
    RouteRequest req;
    req.algorithm = algorithm;
    req.costing = costing;
    req.waypoints.resize(2);
    std::size_t i = 0, settled = 0, found = 0;
    for (auto _ : state) {
        const auto& [a, b] = qs.points[i++ % qs.points.size()];
        req.waypoints[0] = a;
        req.waypoints[1] = b;
        const RouteResult r = router().route(req);
        found += std::holds_alternative<std::vector<Route>>(r);
        settled += Router::last_stats().settled;
        benchmark::DoNotOptimize(r);
    }
    state.counters["settled"] = benchmark::Counter(double(settled), benchmark::Counter::kAvgIterations);
    state.counters["found"] = benchmark::Counter(double(found), benchmark::Counter::kAvgIterations);
    state.counters["cross_border"] = double(qs.cross_border) / double(qs.points.size());
    state.counters["nodes"] = double(router().graph().node_count());
}

void BM_RouteDijkstra(benchmark::State& s) { run_pairs(s, Algorithm::Dijkstra, {}); }
void BM_RouteAlt(benchmark::State& s) { run_pairs(s, Algorithm::Alt, {}); }
void BM_RouteHierarchy(benchmark::State& s) { run_pairs(s, Algorithm::Hierarchy, {}); }
void BM_RouteAltAvoidZones(benchmark::State& s) { run_pairs(s, Algorithm::Alt, avoid_costing()); }
void BM_RouteDijkstraAvoidZones(benchmark::State& s) { run_pairs(s, Algorithm::Dijkstra, avoid_costing()); }
void BM_RouteHierarchyAvoidZones(benchmark::State& s) { run_pairs(s, Algorithm::Hierarchy, avoid_costing()); }
BENCHMARK(BM_RouteDijkstra)->Iterations(kPairs)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RouteAlt)->Iterations(kPairs)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RouteHierarchy)->Iterations(kPairs)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RouteAltAvoidZones)->Iterations(kPairs)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RouteDijkstraAvoidZones)->Iterations(kPairs)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RouteHierarchyAvoidZones)->Iterations(kPairs)->Unit(benchmark::kMillisecond);

// The search alone: Router::shortest_path between the pair's nodes (no snapping, no geometry), one pair per
// iteration, the costings taking turns. `ch_exact`: the share of queries the plain hierarchy answered (the graph's
// own costs); `recustomised`: arcs of the customizable hierarchy recomputed per query (0 when a query reuses its
// thread's last customisation, i.e. follows a query with the same costing).
void search_pairs(benchmark::State& state, Algorithm algorithm, const std::vector<Costing>& costings) {
    const auto& qs = queries();
    std::size_t i = 0, settled = 0, found = 0, exact = 0, recustomised = 0;
    for (auto _ : state) {
        const Costing& costing = costings[i % costings.size()];
        const auto& [a, b] = qs.nodes[i++ % qs.nodes.size()];
        const auto p = router().shortest_path(a, b, costing, algorithm);
        found += p.has_value();
        const SearchStats stats = Router::last_stats();
        settled += stats.settled;
        exact += stats.hierarchy_exact;
        recustomised += stats.recustomised;
        benchmark::DoNotOptimize(p);
    }
    state.counters["settled"] = benchmark::Counter(double(settled), benchmark::Counter::kAvgIterations);
    state.counters["found"] = benchmark::Counter(double(found), benchmark::Counter::kAvgIterations);
    state.counters["cross_border"] = double(qs.cross_border) / double(qs.nodes.size());
    state.counters["nodes"] = double(router().graph().node_count());
    if (algorithm == Algorithm::Hierarchy) {
        state.counters["ch_exact"] = benchmark::Counter(double(exact), benchmark::Counter::kAvgIterations);
        state.counters["recustomised"] = benchmark::Counter(double(recustomised), benchmark::Counter::kAvgIterations);
    }
}

void BM_SearchDijkstra(benchmark::State& s) { search_pairs(s, Algorithm::Dijkstra, {{}}); }
void BM_SearchAlt(benchmark::State& s) { search_pairs(s, Algorithm::Alt, {{}}); }
void BM_SearchHierarchy(benchmark::State& s) { search_pairs(s, Algorithm::Hierarchy, {{}}); }
void BM_SearchHierarchyAvoidZones(benchmark::State& s) { search_pairs(s, Algorithm::Hierarchy, {avoid_costing()}); }
void BM_SearchAltAvoidZones(benchmark::State& s) { search_pairs(s, Algorithm::Alt, {avoid_costing()}); }
// A soft zone (cost × factor within `km` of Tabriz, a hub many routes pass).
Costing soft_costing(double factor = 3.0, double km = 30.0) {
    Costing c;
    c.hazards.push_back(Hazard::circle({46.2919, 38.08}, km, false, factor));
    return c;
}
void BM_SearchHierarchySoftZone(benchmark::State& s) { search_pairs(s, Algorithm::Hierarchy, {soft_costing()}); }
void BM_SearchAltSoftZone(benchmark::State& s) { search_pairs(s, Algorithm::Alt, {soft_costing()}); }
void BM_SearchDijkstraSoftZone(benchmark::State& s) { search_pairs(s, Algorithm::Dijkstra, {soft_costing()}); }
// Costings that take turns, so that a query the customizable hierarchy answers usually re-customises: the cost of
// a zone the router has not just seen. Hard: the Ardabil circle of 25 or 20 km (Astara closed), alternating (a
// query re-customises when the last one the customizable hierarchy answered had the other); soft: below.
void BM_SearchHierarchyAvoidZonesFresh(benchmark::State& s) {
    Costing smaller = avoid_costing();
    smaller.hazards[0] = Hazard::circle({48.29, 38.25}, 20.0, true);
    search_pairs(s, Algorithm::Hierarchy, {avoid_costing(), smaller});
}
// Soft zones with a factor of their own per query (2.000, 2.002, ... 3.998): no query can reuse a customisation.
std::vector<Costing> distinct_factors(double km) {
    std::vector<Costing> out;
    for (std::size_t k = 0; k < kPairs; ++k) out.push_back(soft_costing(2.0 + 0.002 * double(k), km));
    return out;
}
void BM_SearchHierarchySoftZoneFresh(benchmark::State& s) { search_pairs(s, Algorithm::Hierarchy, distinct_factors(30)); }
// Zone size: a soft zone of Arg km around Tabriz, fresh (a factor per query) and repeated (×3), and ALT under it.
void BM_SearchHierarchySoftRadiusFresh(benchmark::State& s) {
    search_pairs(s, Algorithm::Hierarchy, distinct_factors(double(s.range(0))));
}
void BM_SearchHierarchySoftRadius(benchmark::State& s) {
    search_pairs(s, Algorithm::Hierarchy, {soft_costing(3.0, double(s.range(0)))});
}
void BM_SearchAltSoftRadius(benchmark::State& s) { search_pairs(s, Algorithm::Alt, {soft_costing(3.0, double(s.range(0)))}); }
BENCHMARK(BM_SearchDijkstra)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchAlt)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchHierarchy)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchHierarchyAvoidZones)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchAltAvoidZones)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchHierarchySoftZone)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchAltSoftZone)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchDijkstraSoftZone)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchHierarchyAvoidZonesFresh)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchHierarchySoftZoneFresh)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchHierarchySoftRadiusFresh)->Arg(10)->Arg(80)->Arg(200)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchHierarchySoftRadius)->Arg(10)->Arg(80)->Arg(200)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchAltSoftRadius)->Arg(10)->Arg(80)->Arg(200)->Iterations(kPairs)->Unit(benchmark::kMicrosecond);

void alternatives2(benchmark::State& state, Algorithm algorithm) {
    const auto& qs = queries();
    RouteRequest req;
    req.algorithm = algorithm;
    req.alternatives = 2;
    req.waypoints.resize(2);
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& [a, b] = qs.points[i++ % qs.points.size()];
        req.waypoints = {a, b};
        benchmark::DoNotOptimize(router().route(req));
    }
}
void BM_RouteAltAlternatives2(benchmark::State& s) { alternatives2(s, Algorithm::Alt); }
void BM_RouteHierarchyAlternatives2(benchmark::State& s) { alternatives2(s, Algorithm::Hierarchy); }
BENCHMARK(BM_RouteAltAlternatives2)->Iterations(200)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RouteHierarchyAlternatives2)->Iterations(200)->Unit(benchmark::kMillisecond);

// Isochrone bands 1, 2 and 4 h from Tabriz (Dijkstra tree + GEOS buffer of the reached edges).
void BM_IsochroneTabriz(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(router().isochrone({46.29, 38.08}, {1.0, 2.0, 4.0}));
}
BENCHMARK(BM_IsochroneTabriz)->Unit(benchmark::kMillisecond);

void BM_IsochroneTabriz1h(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(router().isochrone({46.29, 38.08}, {1.0}));
}
BENCHMARK(BM_IsochroneTabriz1h)->Unit(benchmark::kMillisecond);

// Ten origins × ten destinations from the fixed set.
void BM_Matrix10x10(benchmark::State& state) {
    const auto& qs = queries();
    std::vector<LonLat> from, to;
    for (std::size_t i = 0; i < 10; ++i) {
        from.push_back(qs.points[i].first);
        to.push_back(qs.points[i].second);
    }
    for (auto _ : state) benchmark::DoNotOptimize(router().matrix(from, to));
}
BENCHMARK(BM_Matrix10x10)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------------
// Export / replay for the pgRouting comparison.

// Time cost the router minimises for an unrestricted query: duration, plus the wait at open crossings.
double edge_cost(const RoadGraph& g, const EdgeInfo& e) {
    if (e.crossing == kInvalidId) return e.duration_s;
    const Crossing& c = g.crossings()[e.crossing];
    return c.open ? e.duration_s + c.penalty_s : -1.0;
}

int export_graph(const std::string& dir, std::size_t pairs) {
    const RoadGraph& g = router().graph();
    std::ofstream edges(dir + "/edges.csv");
    edges << "id,source,target,cost\n";
    char buf[128];
    std::size_t written = 0;
    for (NodeId v = 0; v < g.node_count(); ++v)
        for (EdgeId e = g.first_edge(v); e < g.first_edge(v + 1); ++e) {
            const EdgeInfo info = g.edge(e);
            const double c = edge_cost(g, info);
            if (c < 0) continue;  // closed crossing: not in the network
            // pgRouting ids start at 1; %.17g keeps every float cost exact.
            std::snprintf(buf, sizeof buf, "%u,%u,%u,%.17g\n", e + 1, info.source + 1, info.target + 1, c);
            edges << buf;
            ++written;
        }
    const QuerySet qs = make_queries(pairs);
    std::ofstream out(dir + "/pairs.csv");
    out << "i,source,target,lon_a,lat_a,lon_b,lat_b\n";
    for (std::size_t i = 0; i < qs.nodes.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%zu,%u,%u,%.9f,%.9f,%.9f,%.9f\n", i, qs.nodes[i].first + 1, qs.nodes[i].second + 1,
                      qs.points[i].first.lon, qs.points[i].first.lat, qs.points[i].second.lon, qs.points[i].second.lat);
        out << buf;
    }
    if (!edges || !out) throw std::runtime_error("cannot write to " + dir);
    std::cout << "exported " << g.node_count() << " nodes, " << written << " directed edges, " << qs.nodes.size()
              << " pairs (" << qs.cross_border << " cross-border, seed " << kSeed << ") to " << dir << "\n";
    return 0;
}

int run_pair_file(const std::string& dir) {
    std::ifstream in(dir + "/pairs.csv");
    if (!in) throw std::runtime_error("cannot read " + dir + "/pairs.csv");
    std::string line;
    std::getline(in, line);
    std::vector<std::pair<LonLat, LonLat>> pts;
    while (std::getline(in, line)) {
        std::istringstream s(line);
        std::string f[7];
        for (auto& x : f) std::getline(s, x, ',');
        pts.push_back({{std::stod(f[3]), std::stod(f[4])}, {std::stod(f[5]), std::stod(f[6])}});
    }
    router();  // load the graph before timing
    using Clock = std::chrono::steady_clock;
    std::ofstream out(dir + "/aras.csv");
    out << "i,alt_cost,dijkstra_cost,hierarchy_cost,alt_us,dijkstra_us,hierarchy_us\n";
    // Per pair: ALT, then Hierarchy, then Dijkstra (ALT first as before this column existed).
    constexpr Algorithm kOrder[3] = {Algorithm::Alt, Algorithm::Hierarchy, Algorithm::Dijkstra};
    double total[3] = {0, 0, 0};
    for (std::size_t i = 0; i < pts.size(); ++i) {
        double cost[3], us[3];
        for (int k = 0; k < 3; ++k) {
            RouteRequest req;
            req.waypoints = {pts[i].first, pts[i].second};
            req.algorithm = kOrder[k];
            const auto t0 = Clock::now();
            const RouteResult r = router().route(req);
            us[k] = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
            const auto* routes = std::get_if<std::vector<Route>>(&r);
            cost[k] = routes ? routes->front().cost : -1.0;
            total[k] += us[k];
        }
        char buf[200];
        std::snprintf(buf, sizeof buf, "%zu,%.6f,%.6f,%.6f,%.1f,%.1f,%.1f\n", i, cost[0], cost[2], cost[1], us[0], us[2],
                      us[1]);
        out << buf;
    }
    const double n = double(std::max<std::size_t>(1, pts.size()));
    std::cout << "aras: " << pts.size() << " pairs, ALT mean " << total[0] / n / 1000.0 << " ms, Hierarchy mean "
              << total[1] / n / 1000.0 << " ms, Dijkstra mean " << total[2] / n / 1000.0 << " ms\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc >= 3 && std::strcmp(argv[1], "--export") == 0) {
            std::size_t pairs = kPairs;
            if (argc >= 5 && std::strcmp(argv[3], "--pairs") == 0) pairs = std::stoul(argv[4]);
            return export_graph(argv[2], pairs);
        }
        if (argc >= 3 && std::strcmp(argv[1], "--run-pairs") == 0) return run_pair_file(argv[2]);
    } catch (const std::exception& e) {
        std::cerr << "bench_route: " << e.what() << "\n";
        return 1;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    std::cerr << "graph: " << router().graph().node_count() << " nodes, " << router().graph().edge_count()
              << " edges, " << router().graph().landmark_count() << " landmarks, hierarchy "
              << (router().graph().has_hierarchy() ? "yes" : "no") << "; " << queries().points.size()
              << " fixed pairs (seed " << kSeed << "), " << queries().cross_border << " cross-border\n";
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
