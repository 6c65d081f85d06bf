// Algorithm::Hierarchy is exact: node-to-node costs equal plain Dijkstra's under every kind of Costing
// (closures, hard and soft zones, closed roads, lowered crossing waits), the returned edges are a real
// path of that cost, routes end to end agree, and the hierarchy survives save/load.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/layer_io.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"
#include "embedded.hpp"
#include "fixture.hpp"

using namespace aras;
using namespace aras::routing;
using namespace aras::routing::test;

namespace {

constexpr double kRel = 1e-9;
constexpr std::size_t kPairCount = 300;

using Pairs = std::vector<std::pair<NodeId, NodeId>>;

// Distinct-endpoint pairs of nodes drawn uniformly from the whole graph (some pairs are unreachable:
// both algorithms must agree on that too).
Pairs random_pairs(const RoadGraph& g, std::size_t count, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(g.node_count() - 1));
    Pairs out;
    while (out.size() < count) {
        const NodeId a = node(rng), b = node(rng);
        if (a != b) out.emplace_back(a, b);
    }
    return out;
}

const Pairs& pairs() {
    static const Pairs p = random_pairs(router().graph(), kPairCount, 20250613);
    return p;
}

NodeId node_near(const geo::LonLat& p) {
    const auto s = router().nearest(p);
    if (!s) throw std::runtime_error("graph is empty");
    return router().graph().edge(s->edge).source;
}

// Waiting time of a crossing edge under a Costing (the graph's value unless overridden).
using CrossingWait = std::function<double(const Crossing&)>;
double layer_wait(const Crossing& c) { return c.penalty_s; }

// The edges form a chain from `from` to `to`.
::testing::AssertionResult is_chain(const RoadGraph& g, NodeId from, NodeId to, const NodePath& p) {
    if (p.edges.empty())
        return from == to ? ::testing::AssertionSuccess() : ::testing::AssertionFailure() << "no edges";
    NodeId at = from;
    for (std::size_t i = 0; i < p.edges.size(); ++i) {
        if (p.edges[i] >= g.edge_count()) return ::testing::AssertionFailure() << "edge id " << p.edges[i] << " out of range";
        const EdgeInfo e = g.edge(p.edges[i]);
        if (e.source != at)
            return ::testing::AssertionFailure() << "edge #" << i << " (" << p.edges[i] << ") starts at " << e.source
                                                 << ", the chain is at " << at;
        at = e.target;
    }
    if (at != to) return ::testing::AssertionFailure() << "chain ends at " << at << ", not " << to;
    return ::testing::AssertionSuccess();
}

// The path's cost recomputed from the edges: duration (+ crossing wait) or length.
double recomputed_cost(const RoadGraph& g, const NodePath& p, Metric metric, const CrossingWait& wait) {
    double sum = 0;
    for (EdgeId id : p.edges) {
        const EdgeInfo e = g.edge(id);
        if (metric == Metric::Distance) {
            sum += e.length_m;
        } else {
            sum += e.duration_s;
            if (e.crossing != kInvalidId) sum += wait(g.crossings()[e.crossing]);
        }
    }
    return sum;
}

struct Comparison {
    std::size_t found = 0, unreachable = 0;
    std::size_t exact = 0;       // found pairs the plain hierarchy answered (the graph's own costs)
    std::size_t customised = 0;  // queries that re-customised the customizable hierarchy (not reusing the last)
    std::vector<std::optional<NodePath>> paths;  // Hierarchy's, per pair
};

// Hierarchy against Dijkstra on every pair: both nullopt together, same cost (relative 1e-9), the
// Hierarchy edges a chain; when `wait` is given the chain's recomputed cost equals the reported one.
Comparison compare_with_dijkstra(const Router& r, const Pairs& ps, const Costing& costing,
                                 const std::optional<CrossingWait>& wait, const std::string& label) {
    Comparison out;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const auto [a, b] = ps[i];
        SCOPED_TRACE(label + ": pair " + std::to_string(i) + " (" + std::to_string(a) + " -> " + std::to_string(b) + ")");
        auto h = r.shortest_path(a, b, costing, Algorithm::Hierarchy);
        const bool exact = Router::last_stats().hierarchy_exact;
        out.customised += Router::last_stats().recustomised > 0;
        const auto d = r.shortest_path(a, b, costing, Algorithm::Dijkstra);
        EXPECT_EQ(h.has_value(), d.has_value());
        if (h && d) {
            ++out.found;
            out.exact += exact;
            EXPECT_NEAR(h->cost, d->cost, kRel * d->cost);
            EXPECT_TRUE(is_chain(r.graph(), a, b, *h));
            if (wait) {
                EXPECT_NEAR(recomputed_cost(r.graph(), *h, costing.metric, *wait), h->cost, kRel * h->cost);
            }
        } else if (!h && !d) {
            ++out.unreachable;
        }
        out.paths.push_back(std::move(h));
    }
    return out;
}

bool uses_crossing(const RoadGraph& g, const NodePath& p, const std::string& id) {
    return std::any_of(p.edges.begin(), p.edges.end(), [&](EdgeId e) {
        const EdgeInfo info = g.edge(e);
        return info.crossing != kInvalidId && g.crossings()[info.crossing].id == id;
    });
}

// The closest vertex of the path's edges to `centre`, in km.
double closest_approach_km(const RoadGraph& g, const NodePath& p, const geo::LonLat& centre) {
    double best = 1e12;
    for (EdgeId e : p.edges)
        for (const auto& v : g.edge_geometry(e)) best = std::min(best, geo::geodesic_distance_m(centre, v));
    return best / 1000.0;
}

Costing ardabil_and_astara() {
    Costing c;
    c.hazards.push_back(Hazard::circle(kArdabil, 25.0));
    c.closed_crossings = {"Astara"};
    return c;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The embedded graph, 300 random node pairs, one Costing per test.

TEST(RouterHierarchy, EmbeddedGraphHasAHierarchy) {
    EXPECT_TRUE(router().graph().has_hierarchy());
    EXPECT_GT(router().graph().node_count(), 10000u);
}

TEST(RouterHierarchy, UnrestrictedTimeEqualsDijkstra) {
    const auto c = compare_with_dijkstra(router(), pairs(), {}, CrossingWait(layer_wait), "time");
    // The main network holds ~92 % of the nodes: most random pairs are connected, a few are not.
    EXPECT_GT(c.found, kPairCount * 3 / 4);
    EXPECT_EQ(c.exact, c.found) << "nothing changed: the hierarchy's path is the answer";
}

TEST(RouterHierarchy, UnrestrictedDistanceEqualsDijkstra) {
    Costing distance;
    distance.metric = Metric::Distance;
    const auto c = compare_with_dijkstra(router(), pairs(), distance, CrossingWait(layer_wait), "distance");
    EXPECT_GT(c.found, kPairCount * 3 / 4);
    EXPECT_EQ(c.exact, c.found);
}

TEST(RouterHierarchy, ArdabilZoneAndAstaraClosedEqualsDijkstraAndAvoidsBoth) {
    const Costing avoid = ardabil_and_astara();
    const auto c = compare_with_dijkstra(router(), pairs(), avoid, CrossingWait(layer_wait), "ardabil+astara");
    EXPECT_GT(c.found, kPairCount / 2);
    // Both ran: paths far from Ardabil and Astara as they are, the others by the customizable hierarchy,
    // customised once for the costing and then reused.
    EXPECT_GT(c.exact, 0u);
    EXPECT_LT(c.exact, c.found);
    EXPECT_EQ(c.customised, 1u);
    const RoadGraph& g = router().graph();
    for (std::size_t i = 0; i < c.paths.size(); ++i) {
        if (!c.paths[i]) continue;
        SCOPED_TRACE("pair " + std::to_string(i));
        EXPECT_FALSE(uses_crossing(g, *c.paths[i], "astara"));
        // The circle is a polygon on its 25 km radius: a vertex inside would be well under 25 km.
        EXPECT_GT(closest_approach_km(g, *c.paths[i], kArdabil), 24.9);
    }
    // The restriction matters on this pair set: some unrestricted best paths used what it forbids.
    std::size_t changed = 0;
    for (std::size_t i = 0; i < pairs().size(); ++i) {
        const auto plain = router().shortest_path(pairs()[i].first, pairs()[i].second);
        if (plain && (!c.paths[i] || c.paths[i]->cost > plain->cost * (1 + kRel))) ++changed;
    }
    EXPECT_GT(changed, 0u);
}

TEST(RouterHierarchy, SoftZoneAroundTabrizEqualsDijkstra) {
    Costing soft;
    soft.hazards.push_back(Hazard::circle(kTabriz, 30.0, false, 3.0));
    const auto c = compare_with_dijkstra(router(), pairs(), soft, std::nullopt, "soft tabriz");
    EXPECT_GT(c.found, kPairCount * 3 / 4);
    EXPECT_LT(c.exact, c.found) << "no query needed the customizable hierarchy";
    // Edge costs are base × 1 or × 3, so the reported cost lies between the two sums.
    const RoadGraph& g = router().graph();
    std::size_t penalised = 0;
    for (const auto& p : c.paths) {
        if (!p) continue;
        const double base = recomputed_cost(g, *p, Metric::Time, layer_wait);
        EXPECT_GE(p->cost, base * (1 - kRel));
        EXPECT_LE(p->cost, 3 * base * (1 + kRel));
        penalised += p->cost > base * (1 + 1e-6);
    }
    EXPECT_GT(penalised, 0u) << "no path went through the soft zone: the test would prove nothing";
}

TEST(RouterHierarchy, ClosedRoadsOnHierarchyPathsEqualsDijkstra) {
    // Close a road from the middle of each of the first twenty found unrestricted Hierarchy paths.
    const RoadGraph& g = router().graph();
    Costing closed;
    for (const auto& [a, b] : pairs()) {
        if (closed.closed_roads.size() >= 20) break;
        const auto p = router().shortest_path(a, b);
        if (!p || p->edges.empty()) continue;
        for (std::size_t k = p->edges.size() / 2; k < p->edges.size(); ++k) {
            const EdgeInfo e = g.edge(p->edges[k]);
            if (e.road == kInvalidId) continue;
            closed.closed_roads.insert(g.road(e.road).road_id);
            break;
        }
    }
    ASSERT_GE(closed.closed_roads.size(), 10u);
    const auto c = compare_with_dijkstra(router(), pairs(), closed, CrossingWait(layer_wait), "closed roads");
    EXPECT_LT(c.exact, c.found);
    std::size_t changed = 0;
    for (std::size_t i = 0; i < c.paths.size(); ++i) {
        const auto plain = router().shortest_path(pairs()[i].first, pairs()[i].second);
        if (plain && (!c.paths[i] || c.paths[i]->cost > plain->cost * (1 + kRel))) ++changed;
        if (!c.paths[i]) continue;
        for (EdgeId e : c.paths[i]->edges) {
            const EdgeInfo info = g.edge(e);
            if (info.road == kInvalidId) continue;
            EXPECT_EQ(closed.closed_roads.count(g.road(info.road).road_id), 0u) << "pair " << i;
        }
    }
    EXPECT_GT(changed, 0u) << "closing the roads changed no path";
}

TEST(RouterHierarchy, LoweredCrossingWaitEqualsDijkstra) {
    // Cheaper crossings than the graph's: the customization lowers arcs as well as raising them.
    Costing zero;
    zero.default_crossing_penalty_s = 0.0;
    const auto all = compare_with_dijkstra(router(), pairs(), zero, CrossingWait([](const Crossing&) { return 0.0; }),
                                           "all waits 0");
    EXPECT_EQ(all.exact, 0u) << "a lowered crossing wait must not trust the hierarchy";

    Costing astara_free;
    astara_free.crossing_penalty_s["Astara"] = 0.0;
    const auto one = compare_with_dijkstra(
        router(), pairs(), astara_free,
        CrossingWait([](const Crossing& c) { return c.id == "astara" ? 0.0 : c.penalty_s; }), "astara wait 0");
    EXPECT_EQ(one.exact, 0u);
}

TEST(RouterHierarchy, RaisedCrossingWaitEqualsDijkstra) {
    // Dearer crossings: the customizable hierarchy answers.
    Costing slow;
    slow.default_crossing_penalty_s = 4 * 3600.0;
    compare_with_dijkstra(router(), pairs(), slow, CrossingWait([](const Crossing&) { return 4 * 3600.0; }),
                          "all waits 4 h");
}

// ---------------------------------------------------------------------------------------------
// Which search answered.

TEST(RouterHierarchy, StatsSayWhichHierarchyAnsweredAndACustomisationIsReused) {
    const NodeId tabriz = node_near(kTabriz), astara = node_near(kAstaraAz);
    const auto plain = router().shortest_path(tabriz, astara);
    ASSERT_TRUE(plain);
    EXPECT_TRUE(Router::last_stats().hierarchy_exact);
    EXPECT_EQ(Router::last_stats().recustomised, 0u);
    EXPECT_GT(Router::last_stats().settled, 0u);
    // The fastest way passes Ardabil, so the zone changes edges of the hierarchy's path.
    ASSERT_LT(closest_approach_km(router().graph(), *plain, kArdabil), 25.0);
    Costing zone;
    zone.hazards.push_back(Hazard::circle(kArdabil, 25.0));
    const auto detour = router().shortest_path(tabriz, astara, zone);
    ASSERT_TRUE(detour);
    EXPECT_FALSE(Router::last_stats().hierarchy_exact);
    EXPECT_GT(Router::last_stats().recustomised, 0u);
    EXPECT_GT(detour->cost, plain->cost);
    const auto reference = router().shortest_path(tabriz, astara, zone, Algorithm::Dijkstra);
    ASSERT_TRUE(reference);
    EXPECT_NEAR(detour->cost, reference->cost, kRel * reference->cost);

    // The same zone again (Agarak to Yerevan, in Armenia): this thread's customisation is reused.
    const NodeId agarak = node_near(kAgarak), yerevan = node_near(kYerevan);
    const auto armenia = router().shortest_path(agarak, yerevan, zone);
    ASSERT_TRUE(armenia);
    EXPECT_EQ(Router::last_stats().recustomised, 0u);
    const auto armenia_plain = router().shortest_path(agarak, yerevan);
    ASSERT_TRUE(armenia_plain);
    EXPECT_NEAR(armenia->cost, armenia_plain->cost, kRel * armenia_plain->cost) << "the zone is far from Armenia";

    // Another zone replaces it; going back to the first customises again and answers as before.
    Costing soft;
    soft.hazards.push_back(Hazard::circle(kTabriz, 30.0, false, 3.0));
    ASSERT_TRUE(router().shortest_path(tabriz, astara, soft));
    EXPECT_GT(Router::last_stats().recustomised, 0u);
    const auto again = router().shortest_path(tabriz, astara, zone);
    ASSERT_TRUE(again);
    EXPECT_GT(Router::last_stats().recustomised, 0u);
    EXPECT_EQ(again->cost, detour->cost);
    EXPECT_EQ(again->edges, detour->edges);
}

TEST(RouterHierarchy, InterleavedCostingsEqualDijkstra) {
    // The costing changes every query (and twice the metric), so a query the customizable hierarchy answers
    // mostly undoes another costing's customisation first: what a wrong undo leaves behind shows up as a wrong
    // cost.
    Costing soft;
    soft.hazards.push_back(Hazard::circle(kTabriz, 30.0, false, 3.0));
    Costing soft_distance = soft;
    soft_distance.metric = Metric::Distance;
    Costing cheap_astara;
    cheap_astara.crossing_penalty_s["Astara"] = 0.0;
    const std::vector<Costing> costings{soft, ardabil_and_astara(), soft_distance, cheap_astara, Costing{}};
    std::size_t compared = 0, customised = 0, exact = 0;
    for (std::size_t i = 0; i < pairs().size(); ++i) {
        const auto [a, b] = pairs()[i];
        const Costing& costing = costings[i % costings.size()];
        SCOPED_TRACE("pair " + std::to_string(i) + ", costing " + std::to_string(i % costings.size()));
        const auto h = router().shortest_path(a, b, costing, Algorithm::Hierarchy);
        const SearchStats stats = Router::last_stats();
        customised += stats.recustomised > 0;
        exact += stats.hierarchy_exact;
        const auto d = router().shortest_path(a, b, costing, Algorithm::Dijkstra);
        ASSERT_EQ(h.has_value(), d.has_value());
        if (!h) continue;
        ++compared;
        EXPECT_NEAR(h->cost, d->cost, kRel * d->cost);
        EXPECT_TRUE(is_chain(router().graph(), a, b, *h));
    }
    EXPECT_GT(compared, pairs().size() * 3 / 4);
    EXPECT_GT(customised, 30u) << "too few re-customisations to test undoing them";
    EXPECT_GT(exact, 60u);
}

TEST(RouterHierarchy, BadNodesAndCostingsAreClearErrorsAndANodeToItselfIsFree) {
    const auto n = static_cast<NodeId>(router().graph().node_count());
    for (Algorithm a : {Algorithm::Hierarchy, Algorithm::Alt, Algorithm::Dijkstra}) {
        EXPECT_THROW(router().shortest_path(n, 0, {}, a), std::invalid_argument);
        EXPECT_THROW(router().shortest_path(0, kInvalidId, {}, a), std::invalid_argument);
        const auto self = router().shortest_path(pairs()[0].first, pairs()[0].first, {}, a);
        ASSERT_TRUE(self);
        EXPECT_EQ(self->cost, 0.0);
        EXPECT_TRUE(self->edges.empty());
    }
    Costing unknown;
    unknown.closed_crossings = {"no such crossing"};
    EXPECT_THROW(router().shortest_path(pairs()[0].first, pairs()[0].second, unknown), CostingError);
    Costing negative;
    negative.default_crossing_penalty_s = -1.0;
    EXPECT_THROW(router().shortest_path(pairs()[0].first, pairs()[0].second, negative), CostingError);
}

TEST(RouterHierarchy, TinyAndEmptyGraphsBuildAHierarchyOrSayWhy) {
    // One two-node road: the smallest hierarchy.
    const AsciiMap map{"a...b\n"};
    const auto tiny = RoadGraph::build(map.roads({Way{"ab", {{"country", "IR"}}}}), geo::Layer{"crossings", {}, {}});
    ASSERT_EQ(tiny->node_count(), 2u);
    EXPECT_TRUE(tiny->has_hierarchy());
    const Router r(tiny);
    const auto ab = r.shortest_path(0, 1), ba = r.shortest_path(1, 0);
    ASSERT_TRUE(ab);
    ASSERT_TRUE(ba);
    EXPECT_NEAR(ab->cost, tiny->edge(ab->edges.at(0)).duration_s, 1e-9);
    EXPECT_NEAR(ba->cost, ab->cost, 1e-9);
    // No roads at all: either a GraphError or a graph on which every route is NoRoute, never a crash.
    try {
        const auto empty = RoadGraph::build(geo::Layer{"roads", {}, {}}, geo::Layer{"crossings", {}, {}});
        const Router e(empty);
        RouteRequest req;
        req.waypoints = {kTabriz, kAstaraAz};
        EXPECT_TRUE(std::holds_alternative<NoRoute>(e.route(req)));
    } catch (const GraphError&) {
    }
}

TEST(RouterHierarchy, AGraphUnsuitedToTheCustomizableHierarchyAnswersChangedCostsWithAlt) {
    // 40 places on a circle, a road between every two: the chordal supergraph is the complete graph (19.5 arcs
    // and 247 triangles per node), beyond the customizable hierarchy's limits, so changed costs take ALT.
    constexpr int kPlaces = 40;
    std::vector<geo::LonLat> at;
    for (int i = 0; i < kPlaces; ++i)
        at.push_back({46.0 + 0.5 * std::cos(2 * M_PI * i / kPlaces), 38.0 + 0.5 * std::sin(2 * M_PI * i / kPlaces)});
    geo::Layer roads{"roads", {}, {}};
    for (int i = 0; i < kPlaces; ++i)
        for (int j = i + 1; j < kPlaces; ++j) {
            geo::Feature f;
            f.geometry = geo::LineString{at[std::size_t(i)], at[std::size_t(j)]};
            f.properties = {{"road_id", roads.features.size() + 1}, {"class", (i + j) % 3 ? "primary" : "secondary"},
                            {"country", "IR"}};
            roads.features.push_back(std::move(f));
        }
    const auto dense = RoadGraph::build(roads, geo::Layer{"crossings", {}, {}});
    ASSERT_EQ(dense->node_count(), std::size_t(kPlaces));
    ASSERT_TRUE(dense->has_hierarchy());
    EXPECT_FALSE(dense->has_customizable_hierarchy());
    EXPECT_TRUE(router().graph().has_customizable_hierarchy()) << "the embedded region is a road network";
    const Router r(dense);
    Costing soft;
    soft.hazards.push_back(Hazard::circle({46.0, 38.0}, 30.0, false, 3.0));
    Costing closed;
    closed.closed_roads = {1, 2, 3, 40};
    for (const Costing& costing : {soft, closed})
        for (NodeId a = 0; a < kPlaces; a += 3)
            for (NodeId b = 1; b < kPlaces; b += 7) {
                const auto h = r.shortest_path(a, b, costing, Algorithm::Hierarchy);
                EXPECT_EQ(Router::last_stats().recustomised, 0u);
                const auto d = r.shortest_path(a, b, costing, Algorithm::Dijkstra);
                ASSERT_EQ(h.has_value(), d.has_value());
                if (h) {
                    EXPECT_NEAR(h->cost, d->cost, kRel * d->cost) << a << " -> " << b;
                }
            }
}

TEST(RouterHierarchy, ConcurrentQueriesAnswerLikeSequentialOnes) {
    // Scratch space and customisations are per thread: two threads on one Router, mixing plain and customised
    // queries.
    const Costing avoid = ardabil_and_astara();
    std::vector<double> expected(pairs().size());
    for (std::size_t i = 0; i < pairs().size(); ++i) {
        const auto p = router().shortest_path(pairs()[i].first, pairs()[i].second, i % 2 ? avoid : Costing{});
        expected[i] = p ? p->cost : -1.0;
    }
    std::vector<double> got[2];
    auto work = [&](int t) {
        for (std::size_t i = 0; i < pairs().size(); ++i) {
            const std::size_t k = t == 0 ? i : pairs().size() - 1 - i;  // opposite orders
            const auto p = router().shortest_path(pairs()[k].first, pairs()[k].second, k % 2 ? avoid : Costing{});
            got[t].push_back(p ? p->cost : -1.0);
        }
    };
    std::thread other(work, 1);
    work(0);
    other.join();
    std::reverse(got[1].begin(), got[1].end());
    EXPECT_EQ(got[0], expected);
    EXPECT_EQ(got[1], expected);
}

// ---------------------------------------------------------------------------------------------
// route() end to end.

TEST(RouterHierarchy, RoutesEndToEndEqualDijkstra) {
    const RoadGraph& g = router().graph();
    std::size_t compared = 0;
    for (const Costing& costing : {Costing{}, ardabil_and_astara()}) {
        for (std::size_t i = 0; i < 100; ++i) {
            const auto [a, b] = pairs()[i];
            SCOPED_TRACE("pair " + std::to_string(i) + (costing.restricted() ? " (ardabil+astara)" : ""));
            RouteRequest req;
            req.waypoints = {g.node_position(a), g.node_position(b)};
            req.costing = costing;
            EXPECT_EQ(req.algorithm, Algorithm::Hierarchy) << "Hierarchy is the default";
            const RouteResult h = router().route(req);
            req.algorithm = Algorithm::Dijkstra;
            const RouteResult d = router().route(req);
            ASSERT_EQ(h.index(), d.index());
            const auto* rh = std::get_if<std::vector<Route>>(&h);
            if (!rh) continue;
            const auto& rd = std::get<std::vector<Route>>(d);
            ASSERT_EQ(rh->size(), 1u);
            EXPECT_NEAR(rh->front().cost, rd.front().cost, kRel * rd.front().cost);
            EXPECT_NEAR(rh->front().duration_s, rd.front().duration_s, 1e-6 * rd.front().duration_s + 1e-6);
            EXPECT_EQ(rh->front().crossings, rd.front().crossings);
            EXPECT_EQ(rh->front().countries, rd.front().countries);
            ++compared;
        }
    }
    EXPECT_GT(compared, 120u);
}

TEST(RouterHierarchy, AlternativesThroughTheHierarchyStayWithinTheirBound) {
    const RoadGraph& g = router().graph();
    std::size_t with_alternatives = 0, routed = 0;
    for (std::size_t i = 0; i < 20; ++i) {
        const auto [a, b] = pairs()[i];
        SCOPED_TRACE("pair " + std::to_string(i));
        RouteRequest req;
        req.waypoints = {g.node_position(a), g.node_position(b)};
        req.algorithm = Algorithm::Dijkstra;
        const RouteResult best = router().route(req);
        req.algorithm = Algorithm::Hierarchy;
        req.alternatives = 2;
        const RouteResult alts = router().route(req);
        ASSERT_EQ(best.index(), alts.index());
        if (!std::holds_alternative<std::vector<Route>>(best)) continue;
        const auto rb = routes_of(best), ra = routes_of(alts);
        ASSERT_FALSE(ra.empty());
        ++routed;
        EXPECT_LE(ra.size(), 3u);
        EXPECT_NEAR(ra.front().cost, rb.front().cost, kRel * rb.front().cost);
        for (std::size_t k = 1; k < ra.size(); ++k) {
            EXPECT_EQ(ra[k].rank, static_cast<int>(k));
            EXPECT_GE(ra[k].cost, ra.front().cost * (1 - kRel));
            EXPECT_LE(ra[k].cost, 1.4 * ra.front().cost * (1 + kRel));
            EXPECT_NE(ra[k].edges, ra.front().edges);
        }
        with_alternatives += ra.size() > 1;
    }
    EXPECT_GT(routed, 10u);
    EXPECT_GT(with_alternatives, 0u);
}

// ---------------------------------------------------------------------------------------------
// Built in memory, saved, loaded; built without a hierarchy.

TEST(RouterHierarchy, SavedAndLoadedHierarchyAnswersLikeTheBuiltOneAndNoHierarchyFallsBack) {
    const std::string source = geo::shapefile_source(ARAS_DATA_DIR);
    const geo::Layer roads = geo::read_layer(source, "roads");
    const geo::Layer crossings = geo::read_layer(source, "crossings");
    const auto built = RoadGraph::build(roads, crossings);
    ASSERT_TRUE(built->has_hierarchy());

    const auto dir = std::filesystem::temp_directory_path() / ("aras_ch_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "graph.bin").string();
    built->save(path);
    const auto loaded = RoadGraph::load(path);
    EXPECT_TRUE(loaded->has_hierarchy());
    ASSERT_EQ(loaded->node_count(), built->node_count());
    ASSERT_EQ(loaded->edge_count(), built->edge_count());

    BuildOptions flat_options;
    flat_options.hierarchy = false;
    const auto flat = RoadGraph::build(roads, crossings, flat_options);
    EXPECT_FALSE(flat->has_hierarchy());
    ASSERT_EQ(flat->node_count(), built->node_count());

    const Router in_memory(built), from_file(loaded), without(flat);
    const Pairs ps = random_pairs(*built, 100, 7);
    std::size_t found = 0;
    for (const Costing& costing : {Costing{}, ardabil_and_astara()}) {
        for (std::size_t i = 0; i < ps.size(); ++i) {
            const auto [a, b] = ps[i];
            SCOPED_TRACE("pair " + std::to_string(i) + (costing.restricted() ? " (ardabil+astara)" : ""));
            const auto m = in_memory.shortest_path(a, b, costing);
            const auto f = from_file.shortest_path(a, b, costing);
            const auto w = without.shortest_path(a, b, costing);
            EXPECT_FALSE(Router::last_stats().hierarchy_exact) << "no hierarchy to be exact with";
            const auto d = in_memory.shortest_path(a, b, costing, Algorithm::Dijkstra);
            ASSERT_EQ(m.has_value(), d.has_value());
            ASSERT_EQ(f.has_value(), d.has_value());
            ASSERT_EQ(w.has_value(), d.has_value());
            if (!d) continue;
            ++found;
            // The file holds the same hierarchy: the same path, bit for bit.
            EXPECT_EQ(f->cost, m->cost);
            EXPECT_EQ(f->edges, m->edges);
            EXPECT_NEAR(m->cost, d->cost, kRel * d->cost);
            EXPECT_NEAR(w->cost, d->cost, kRel * d->cost);
            EXPECT_TRUE(is_chain(*flat, a, b, *w));
        }
    }
    EXPECT_GT(found, 100u);

    // Routes end to end on the graph without a hierarchy: Hierarchy (the default) falls back.
    RouteRequest req;
    req.waypoints = {kTabriz, kAstaraAz};
    const auto r = routes_of(without.route(req));
    req.algorithm = Algorithm::Dijkstra;
    const auto rd = routes_of(without.route(req));
    ASSERT_FALSE(r.empty());
    ASSERT_FALSE(rd.empty());
    EXPECT_NEAR(r.front().cost, rd.front().cost, kRel * rd.front().cost);
    std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------------------------
// A small border world: every node pair, every kind of Costing, including a crossing closed in the
// layer and reopened by the query (fallback) and a one-way road.

namespace {

// IR west, AZ east; two gates (bc open, fg closed in the layer); one-way i -> j.
const char* kBorderArt =
    "a.......bmc.......d\n"
    "....i...........k..\n"
    "...................\n"
    "....j...........l..\n"
    "e.......f.g.......h\n";

std::shared_ptr<const RoadGraph> border_world(bool hierarchy) {
    const AsciiMap map{kBorderArt};
    auto ir = [](std::string nodes, const char* cls = "primary") {
        return Way{std::move(nodes), {{"country", "IR"}, {"class", cls}}};
    };
    auto az = [](std::string nodes, const char* cls = "primary") {
        return Way{std::move(nodes), {{"country", "AZ"}, {"class", cls}}};
    };
    Way oneway{"ij", {{"country", "IR"}, {"class", "motorway"}, {"oneway", 1}}};
    const auto roads = map.roads({ir("ab"), ir("ae", "track"), ir("ef"), ir("bm"), ir("ai"), oneway, ir("jf"),
                                  ir("bf", "tertiary"), az("mc"), az("cd"), az("dh", "track"), az("gh"),
                                  az("ck"), az("kl", "trunk"), az("lh"), az("cg", "residential")});
    const auto crossings = map.crossings(
        {Gate{"bc", {{"id", "north"}, {"name", "North Gate"}, {"country_a", "IR"}, {"country_b", "AZ"},
                     {"status", "open"}, {"penalty_s", 1800}}},
         Gate{"fg", {{"id", "south"}, {"name", "South Gate"}, {"country_a", "IR"}, {"country_b", "AZ"},
                     {"status", "closed"}, {"penalty_s", 600}}}});
    BuildOptions options;
    options.hierarchy = hierarchy;
    return RoadGraph::build(roads, crossings, options);
}

}  // namespace

TEST(RouterHierarchy, BorderWorldAllPairsUnderEveryCostingEqualDijkstra) {
    const auto graph = border_world(true);
    ASSERT_TRUE(graph->has_hierarchy());
    const Router r(graph);
    Pairs all;
    for (NodeId a = 0; a < graph->node_count(); ++a)
        for (NodeId b = 0; b < graph->node_count(); ++b)
            if (a != b) all.emplace_back(a, b);
    ASSERT_GT(all.size(), 100u);

    auto wait_of = [](std::map<std::string, double> waits) {
        return CrossingWait([waits](const Crossing& c) {
            const auto it = waits.find(c.id);
            return it == waits.end() ? c.penalty_s : it->second;
        });
    };
    Costing plain;
    const auto base = compare_with_dijkstra(r, all, plain, wait_of({}), "plain");
    EXPECT_EQ(base.found, all.size()) << "every node reaches every other through the north gate";

    Costing distance;
    distance.metric = Metric::Distance;
    compare_with_dijkstra(r, all, distance, wait_of({}), "distance");

    Costing north_closed;
    north_closed.closed_crossings = {"north"};
    const auto none = compare_with_dijkstra(r, all, north_closed, wait_of({}), "north closed");
    EXPECT_LT(none.found, base.found);

    EXPECT_GT(none.unreachable, 0u);

    // The south gate, closed in the layer, opened by the query (fallback): cheaper than the north one.
    Costing reopened;
    reopened.reopened_crossings = {"south"};
    compare_with_dijkstra(r, all, reopened, wait_of({}), "south reopened");
    reopened.closed_crossings = {"north"};
    const auto more = compare_with_dijkstra(r, all, reopened, wait_of({}), "south reopened, north closed");
    EXPECT_EQ(more.found, base.found);

    Costing reopened_dear;
    reopened_dear.reopened_crossings = {"South Gate"};
    reopened_dear.crossing_penalty_s["south"] = 7200;
    compare_with_dijkstra(r, all, reopened_dear, wait_of({{"south", 7200}}), "south reopened, 2 h");

    Costing cheap;
    cheap.crossing_penalty_s["North Gate"] = 0;
    compare_with_dijkstra(r, all, cheap, wait_of({{"north", 0}}), "north wait 0");

    Costing closed_road;
    closed_road.closed_roads = {6};  // the one-way motorway i -> j
    compare_with_dijkstra(r, all, closed_road, wait_of({}), "motorway closed");

    Costing soft;
    soft.hazards.push_back(Hazard::circle(AsciiMap{kBorderArt}['k'], 3.0, false, 5.0));
    compare_with_dijkstra(r, all, soft, std::nullopt, "soft zone at k");

    Costing hard;
    hard.hazards.push_back(Hazard::circle(AsciiMap{kBorderArt}['m'], 1.5));
    compare_with_dijkstra(r, all, hard, wait_of({}), "hard zone at m");

    // Without a hierarchy the same answers.
    const Router flat(border_world(false));
    EXPECT_FALSE(flat.graph().has_hierarchy());
    for (const auto& [a, b] : all) {
        const auto h = r.shortest_path(a, b), f = flat.shortest_path(a, b);
        ASSERT_EQ(h.has_value(), f.has_value());
        if (h) {
            EXPECT_NEAR(h->cost, f->cost, kRel * f->cost);
        }
    }
}
