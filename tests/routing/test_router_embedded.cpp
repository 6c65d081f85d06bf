// The router on the embedded dataset (data/shapefiles): the evacuation routes of June 2025 and the
// "what if" questions planners ask of them. Places are given as coordinates (GeoNames positions) so
// these tests exercise routing alone; the geocoder has its own tests.
#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/layer_io.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"
#include "embedded.hpp"

using namespace aras;
using namespace aras::routing;
using namespace aras::routing::test;

namespace {

std::vector<Route> routes(std::vector<geo::LonLat> points, Costing costing = {}, int alternatives = 0) {
    RouteRequest req;
    req.waypoints = std::move(points);
    req.costing = std::move(costing);
    req.alternatives = alternatives;
    return routes_of(router().route(req));
}

Route best(std::vector<geo::LonLat> points, Costing costing = {}) {
    auto r = routes(std::move(points), std::move(costing));
    return r.empty() ? Route{} : r.front();
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// Every edge of the route stays in one country, except crossing edges; and the countries listed
// are exactly those the crossings link.
void expect_borders_crossed_only_at_crossings(const Route& r) {
    const RoadGraph& g = router().graph();
    std::size_t crossing_edges = 0;
    for (EdgeId e : r.edges) {
        const EdgeInfo info = g.edge(e);
        if (info.crossing != kInvalidId) {
            ++crossing_edges;
            continue;
        }
        EXPECT_EQ(g.node_country(info.source), g.node_country(info.target)) << "edge " << e << " jumps a border";
    }
    EXPECT_EQ(crossing_edges, r.crossings.size());
    EXPECT_EQ(r.countries.size(), r.crossings.size() + 1);
}

// The smallest geodesic distance from `centre` to any vertex of the route.
double closest_approach_km(const Route& r, const geo::LonLat& centre) {
    double best_m = 1e12;
    for (const auto& p : r.geometry) best_m = std::min(best_m, geo::geodesic_distance_m(centre, p));
    return best_m / 1000.0;
}

}  // namespace

TEST(EmbeddedRouting, EveryCrossingOfTheLayerIsLinkedOnBothSides) {
    const auto& crossings = router().graph().crossings();
    EXPECT_GE(crossings.size(), 12u);
    for (const auto& c : crossings) {
        EXPECT_NE(c.node_a, kInvalidId) << c.id;
        EXPECT_NE(c.node_b, kInvalidId) << c.id;
    }
}

TEST(EmbeddedRouting, TehranToTheAstaraCrossingIsAnEightHourDrive) {
    // News reports: "about 8 hours' drive from Tehran". The embedded roads are 1:1M DCW with speeds
    // by class (data/README.md), so the band is wide: 6-9.5 h and 450-620 km.
    const Route r = best({kTehran, kAstaraGateIr});
    EXPECT_GE(r.duration_s / 3600.0, 6.0);
    EXPECT_LE(r.duration_s / 3600.0, 9.5);
    EXPECT_GE(r.distance_m / 1000.0, 450.0);
    EXPECT_LE(r.distance_m / 1000.0, 620.0);
    EXPECT_EQ(r.countries, std::vector<std::string>{"IR"});
}

TEST(EmbeddedRouting, TehranToBakuCrossesAtAstara) {
    const Route r = best({kTehran, kBaku});
    ASSERT_EQ(r.crossing_ids.size(), 1u);
    EXPECT_EQ(r.crossing_ids.front(), "astara");
    EXPECT_EQ(r.countries, (std::vector<std::string>{"IR", "AZ"}));
    // ~500 km to the border and ~300 km up the Caspian coast; the hour at the border included.
    EXPECT_GT(r.distance_m / 1000.0, 700.0);
    EXPECT_LT(r.distance_m / 1000.0, 950.0);
    expect_borders_crossed_only_at_crossings(r);
}

TEST(EmbeddedRouting, AstaraClosedReroutesTehranToBakuThroughAnotherOpenCrossing) {
    Costing closed;
    closed.closed_crossings = {"astara"};
    const Route r = best({kTehran, kBaku}, closed);
    ASSERT_FALSE(r.crossing_ids.empty());
    EXPECT_FALSE(contains(r.crossing_ids, "astara"));
    // Bileh Savar is the next crossing into mainland Azerbaijan (Jolfa and Poldasht lead to Nakhchivan).
    EXPECT_EQ(r.crossing_ids.front(), "bilesuvar");
    EXPECT_GT(r.duration_s, best({kTehran, kBaku}).duration_s);
    expect_borders_crossed_only_at_crossings(r);
}

TEST(EmbeddedRouting, EveryCrossingIntoAzerbaijanClosedIsNoRouteWithAReason) {
    Costing closed;
    for (const auto& c : router().graph().crossings()) closed.closed_crossings.insert(c.id);
    RouteRequest req;
    req.waypoints = {kTehran, kBaku};
    req.costing = closed;
    const auto result = router().route(req);
    const auto* none = std::get_if<NoRoute>(&result);
    ASSERT_NE(none, nullptr);
    EXPECT_NE(none->reason.find("AZ"), std::string::npos) << none->reason;
}

TEST(EmbeddedRouting, AnAvoidCircleAroundArdabilChangesTabrizToAstaraAndTheRouteStaysOutside) {
    const Route plain = best({kTabriz, kAstaraAz});
    ASSERT_FALSE(plain.geometry.empty());
    // The fastest way passes Ardabil (the road to Astara over the Heyran pass starts there).
    EXPECT_LT(closest_approach_km(plain, kArdabil), 25.0);

    Costing avoid;
    avoid.hazards.push_back(Hazard::circle(kArdabil, 25.0));
    const Route detour = best({kTabriz, kAstaraAz}, avoid);
    ASSERT_FALSE(detour.geometry.empty());
    EXPECT_GT(closest_approach_km(detour, kArdabil), 25.0);
    EXPECT_GT(detour.duration_s, plain.duration_s);
    expect_borders_crossed_only_at_crossings(detour);
}

TEST(EmbeddedRouting, ArdabilHazardAndAstaraClosedTogether) {
    Costing c;
    c.closed_crossings = {"astara"};
    c.hazards.push_back(Hazard::circle(kArdabil, 25.0));
    const Route r = best({kTabriz, kBaku}, c);
    ASSERT_FALSE(r.crossing_ids.empty());
    EXPECT_FALSE(contains(r.crossing_ids, "astara"));
    EXPECT_GT(closest_approach_km(r, kArdabil), 25.0);
    EXPECT_EQ(r.countries.back(), "AZ");
    expect_borders_crossed_only_at_crossings(r);
}

TEST(EmbeddedRouting, AgarakToYerevanFollowsTheM2) {
    const Route r = best({kAgarak, kYerevan});
    EXPECT_EQ(r.countries, std::vector<std::string>{"AM"});
    // OSM writes the M2's ref in Armenian script, Մ-2.
    EXPECT_TRUE(contains(r.refs, "Մ-2")) << "refs: " << ::testing::PrintToString(r.refs);
    // Meghri pass and Syunik: ~370-400 km by road.
    EXPECT_GT(r.distance_m / 1000.0, 330.0);
    EXPECT_LT(r.distance_m / 1000.0, 450.0);
}

TEST(EmbeddedRouting, JulfaToNakhchivanStaysInsideAzerbaijan) {
    const Route r = best({kJulfa, kNakhchivan});
    EXPECT_EQ(r.countries, std::vector<std::string>{"AZ"});
    EXPECT_TRUE(r.crossings.empty());
    EXPECT_LT(r.distance_m / 1000.0, 60.0);
}

TEST(EmbeddedRouting, RoutesAcrossTheRegionNeverJumpABorder) {
    const std::vector<std::pair<geo::LonLat, geo::LonLat>> pairs = {
        {kTehran, kYerevan}, {kTabriz, kNakhchivan}, {kYerevan, kBaku}, {kTabriz, kYerevan}, {kAgarak, kBaku}};
    for (const auto& [a, b] : pairs) {
        for (const Route& r : routes({a, b}, {}, 2)) {
            SCOPED_TRACE(::testing::PrintToString(r.crossing_ids));
            expect_borders_crossed_only_at_crossings(r);
        }
    }
}

TEST(EmbeddedRouting, AlternativesAreGenuinelyDifferent) {
    const auto rs = routes({kTabriz, kBaku}, {}, 2);
    ASSERT_GE(rs.size(), 2u);
    for (std::size_t i = 1; i < rs.size(); ++i) {
        EXPECT_EQ(rs[i].rank, static_cast<int>(i));
        EXPECT_GE(rs[i].cost, rs[0].cost);
        EXPECT_LE(rs[i].cost, 1.4 * rs[0].cost + 1e-6);
        EXPECT_NE(rs[i].edges, rs[0].edges);
    }
}

// A route from a node's position may leave that node by any road, also when the piece it snapped onto is
// one-way away from it (it used to be sent to the piece's far end first: up to 0.9 % dearer).
TEST(EmbeddedRouting, RouteFromANodeCostsTheNodeToNodeOptimum) {
    const RoadGraph& g = router().graph();
    std::mt19937 rng(11);
    std::uniform_int_distribution<NodeId> pick(0, static_cast<NodeId>(g.node_count() - 1));
    int compared = 0;
    for (int i = 0; i < 400; ++i) {
        const NodeId a = pick(rng), b = pick(rng);
        const auto sa = router().nearest(g.node_position(a)), sb = router().nearest(g.node_position(b));
        if (!sa || !sb || sa->distance_m > 0.01 || sb->distance_m > 0.01) continue;
        const auto optimum = router().shortest_path(a, b, {}, Algorithm::Dijkstra);
        if (!optimum) continue;
        RouteRequest req;
        req.waypoints = {g.node_position(a), g.node_position(b)};
        const auto result = router().route(req);
        ASSERT_TRUE(std::holds_alternative<std::vector<Route>>(result)) << a << " -> " << b;
        const Route& r = std::get<std::vector<Route>>(result).front();
        EXPECT_NEAR(r.cost, optimum->cost, 1e-9 * optimum->cost + 1e-6) << a << " -> " << b;
        ++compared;
    }
    EXPECT_GT(compared, 200);
}
