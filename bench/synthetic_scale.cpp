// Scale measurements (run by bench/scale.sh, one process per step so that /usr/bin/time sees its peak RSS):
//   synthetic_scale build --nodes N --out FILE [--split-hierarchy]
//       generate the synthetic network, build the RoadGraph (landmarks and contraction hierarchies), save it.
//       build_s includes the hierarchies; --split-hierarchy also builds once without them (build_no_ch_s) and
//       reports the difference as ch_build_s (an estimate: two builds, and the peak RSS is no longer one build's)
//   synthetic_scale query --graph FILE | --data DIR [--cache DIR] [--pairs P] [--dijkstra-pairs D]
//                         [--iso-hours H] [--iso-origins K]
//       route() end to end with ALT and Hierarchy on P pairs and Dijkstra on D pairs, then isochrones, then the
//       customizable hierarchy (CCH) on the same P pairs, node to node through Router::shortest_path (search
//       only, no snapping):
//         cch_build_s     wall time of the first restricted query: it builds the CCH (order, chordal supergraph,
//                         triangles, base customisation), plus that one query's re-customisation and search
//         ch_node_us      unrestricted, Algorithm::Hierarchy (plain CH): the like-for-like baseline
//         soft_us         a soft zone (×3.0 and ×2.5 alternating, so every query re-customises), mean
//                         recustomised arcs per query in soft_recustomised
//         soft_repeat_us  the same soft zone (×3.0) every query: the thread's last customisation is reused
//         rss_before_cch_mb / rss_after_cch_mb  VmRSS before the first restricted query and after all of them
//         cch_error=out_of_memory (instead of the CCH figures) when an allocation fails, e.g. under ulimit -v
//       The soft zone is a geodesic circle at the centre of the graph's extent (for the synthetic grid, the
//       middle of its ceil(sqrt(N)) × 0.01° square) whose area is 1.5 % of the extent's.
// Each prints one line of key=value figures.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <new>
#include <numbers>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"
#include "synthetic.hpp"

using namespace aras::routing;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string option(int argc, char** argv, const std::string& name, const std::string& fallback = "") {
    for (int i = 2; i + 1 < argc; ++i)
        if (argv[i] == name) return argv[i + 1];
    return fallback;
}

// VmRSS of this process in MB (0 when /proc is unavailable).
double rss_mb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // "VmRSS:  1234 kB"
    return 0.0;
}

bool flag(int argc, char** argv, const std::string& name) {
    for (int i = 2; i < argc; ++i)
        if (argv[i] == name) return true;
    return false;
}

int build(int argc, char** argv) {
    aras::bench::SyntheticOptions o;
    o.nodes = std::stoul(option(argc, argv, "--nodes", "10000"));
    const std::string out = option(argc, argv, "--out");
    if (out.empty()) throw std::invalid_argument("missing --out FILE");
    auto t0 = Clock::now();
    const aras::geo::Layer roads = aras::bench::synthetic_roads(o);
    const double gen_s = since(t0);
    t0 = Clock::now();
    BuildOptions bo;
    const auto graph = RoadGraph::build(roads, aras::geo::Layer{}, bo);
    const double build_s = since(t0);
    t0 = Clock::now();
    graph->save(out);
    const double save_s = since(t0);
    std::printf("features=%zu nodes=%zu edges=%zu landmarks=%d hierarchy=%d generate_s=%.2f build_s=%.2f save_s=%.2f "
                "file_mb=%.1f",
                roads.features.size(), graph->node_count(), graph->edge_count(), graph->landmark_count(),
                graph->has_hierarchy() ? 1 : 0, gen_s, build_s, save_s, double(std::filesystem::file_size(out)) / 1e6);
    if (flag(argc, argv, "--split-hierarchy")) {
        BuildOptions flat = bo;
        flat.hierarchy = false;
        t0 = Clock::now();
        const auto without = RoadGraph::build(roads, aras::geo::Layer{}, flat);
        const double flat_s = since(t0);
        std::printf(" build_no_ch_s=%.2f ch_build_s=%.2f", flat_s, build_s - flat_s);
    }
    std::printf("\n");
    return 0;
}

int query(int argc, char** argv) {
    const std::string file = option(argc, argv, "--graph"), data = option(argc, argv, "--data");
    const std::size_t pairs = std::stoul(option(argc, argv, "--pairs", "200"));
    const std::size_t dpairs = std::stoul(option(argc, argv, "--dijkstra-pairs", "50"));
    auto t0 = Clock::now();
    std::shared_ptr<const RoadGraph> graph;
    if (!file.empty()) graph = RoadGraph::load(file);
    else if (!data.empty()) graph = RoadGraph::load_or_build(data, option(argc, argv, "--cache"));
    else throw std::invalid_argument("need --graph FILE or --data DIR");
    const double load_s = since(t0);
    const Router router(graph);
    const auto net = aras::bench::main_network(*graph);
    const auto qs = aras::bench::query_pairs(net, std::max(pairs, dpairs), 42);
    auto run = [&](Algorithm a, std::size_t n, double& settled) {
        RouteRequest req;
        req.algorithm = a;
        settled = 0;
        std::size_t found = 0;
        const auto t = Clock::now();
        for (std::size_t i = 0; i < n && i < qs.size(); ++i) {
            req.waypoints = {graph->node_position(qs[i].first), graph->node_position(qs[i].second)};
            const RouteResult r = router.route(req);
            found += std::holds_alternative<std::vector<Route>>(r);
            settled += double(Router::last_stats().settled);
        }
        if (found != std::min(n, qs.size())) std::cerr << "warning: " << found << " of " << n << " pairs routed\n";
        settled /= double(std::max<std::size_t>(1, std::min(n, qs.size())));
        return since(t) * 1000.0 / double(std::max<std::size_t>(1, std::min(n, qs.size())));
    };
    double alt_settled = 0, ch_settled = 0, dij_settled = 0;
    const double alt_ms = run(Algorithm::Alt, pairs, alt_settled);
    const double ch_ms = run(Algorithm::Hierarchy, pairs, ch_settled);
    const double dij_ms = run(Algorithm::Dijkstra, dpairs, dij_settled);
    // Isochrone (one band, default 2 km buffer) from the first query origins. GEOS buffering dominates and
    // grows fast with the reached length, hence a short band by default.
    const double iso_h = std::stod(option(argc, argv, "--iso-hours", "0.25"));
    const std::size_t iso_n = std::min<std::size_t>(std::stoul(option(argc, argv, "--iso-origins", "1")), qs.size());
    t0 = Clock::now();
    double reached_km = 0;
    for (std::size_t i = 0; i < iso_n; ++i) {
        const auto iso = router.isochrone(graph->node_position(qs[i].first), {iso_h});
        reached_km += iso.bands.front().reached_km;
    }
    const double iso_ms = since(t0) * 1000.0 / double(std::max<std::size_t>(1, iso_n));
    // Node-to-node searches on the same pairs: plain CH, then the CCH under a soft zone.
    const std::size_t np = std::max<std::size_t>(1, std::min(pairs, qs.size()));
    auto node_run = [&](auto&& costing_of, double& recustomised) {
        recustomised = 0;
        std::size_t found = 0;
        const auto t = Clock::now();
        for (std::size_t i = 0; i < np && i < qs.size(); ++i) {
            found += router.shortest_path(qs[i].first, qs[i].second, costing_of(i), Algorithm::Hierarchy).has_value();
            recustomised += double(Router::last_stats().recustomised);
        }
        if (found != std::min(np, qs.size())) std::cerr << "warning: " << found << " of " << np << " node pairs found\n";
        recustomised /= double(np);
        return since(t) * 1e6 / double(np);
    };
    double unused = 0;
    const Costing plain;
    const double ch_node_us = node_run([&](std::size_t) -> const Costing& { return plain; }, unused);
    const aras::geo::BBox box = graph->extent();
    const aras::geo::LonLat centre{(box.min_lon + box.max_lon) / 2, (box.min_lat + box.max_lat) / 2};
    const double km_per_deg = 6371.0 * std::numbers::pi / 180.0;
    const double area_km2 = (box.max_lon - box.min_lon) * km_per_deg * std::cos(centre.lat * std::numbers::pi / 180.0) *
                            (box.max_lat - box.min_lat) * km_per_deg;
    const double radius_km = std::max(0.5, std::sqrt(0.015 * area_km2 / std::numbers::pi));
    Costing soft3, soft25;
    soft3.hazards = {Hazard::circle(centre, radius_km, false, 3.0)};
    soft25.hazards = {Hazard::circle(centre, radius_km, false, 2.5)};
    // speedup stays Dijkstra / ALT (bench/scale.sh reads it); ch_speedup is Dijkstra / Hierarchy.
    std::printf("nodes=%zu edges=%zu landmarks=%d hierarchy=%d main_network=%zu load_s=%.3f alt_ms=%.3f "
                "alt_settled=%.0f ch_ms=%.3f ch_settled=%.0f dijkstra_ms=%.3f dijkstra_settled=%.0f speedup=%.1f "
                "ch_speedup=%.1f iso_h=%.2f iso_ms=%.1f iso_reached_km=%.0f ch_node_us=%.1f soft_radius_km=%.2f ",
                graph->node_count(), graph->edge_count(), graph->landmark_count(), graph->has_hierarchy() ? 1 : 0,
                net.size(), load_s, alt_ms, alt_settled, ch_ms, ch_settled, dij_ms, dij_settled,
                alt_ms > 0 ? dij_ms / alt_ms : 0.0, ch_ms > 0 ? dij_ms / ch_ms : 0.0, iso_h, iso_ms,
                reached_km / double(std::max<std::size_t>(1, iso_n)), ch_node_us, radius_km);
    const double rss_before = rss_mb();
    std::printf("rss_before_cch_mb=%.0f ", rss_before);
    std::fflush(stdout);
    // The CCH grows faster than the graph: under a memory cap (bench/scale.sh sets one) it may not fit. Say so
    // and keep the figures above rather than losing the whole line.
    try {
        double cch_build_s = 0;
        if (!qs.empty()) {
            t0 = Clock::now();
            router.shortest_path(qs[0].first, qs[0].second, soft3, Algorithm::Hierarchy);
            cch_build_s = since(t0);
        }
        std::printf("cch_build_s=%.3f ", cch_build_s);
        std::fflush(stdout);
        // Starts with ×2.5: the thread holds the ×3.0 customisation of the build query.
        double soft_recustomised = 0;
        const double soft_us =
            node_run([&](std::size_t i) -> const Costing& { return i % 2 == 0 ? soft25 : soft3; }, soft_recustomised);
        if (!qs.empty()) router.shortest_path(qs[0].first, qs[0].second, soft3, Algorithm::Hierarchy);  // customise
        double repeat_recustomised = 0;
        const double soft_repeat_us =
            node_run([&](std::size_t) -> const Costing& { return soft3; }, repeat_recustomised);
        std::printf("soft_us=%.1f soft_recustomised=%.0f soft_repeat_us=%.1f soft_repeat_recustomised=%.0f "
                    "rss_after_cch_mb=%.0f\n",
                    soft_us, soft_recustomised, soft_repeat_us, repeat_recustomised, rss_mb());
    } catch (const std::bad_alloc&) {
        std::printf("cch_error=out_of_memory rss_at_error_mb=%.0f\n", rss_mb());
        std::cerr << "synthetic_scale: the customizable hierarchy ran out of memory\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "build") return build(argc, argv);
        if (mode == "query") return query(argc, argv);
        std::cerr << "usage: synthetic_scale build --nodes N --out FILE [--split-hierarchy]\n"
                     "       synthetic_scale query --graph FILE | --data DIR [--cache DIR] [--pairs P] [--dijkstra-pairs D]\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "synthetic_scale: " << e.what() << "\n";
        return 1;
    }
}
