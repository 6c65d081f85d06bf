// Corridors and capacity-aware evacuation on the embedded dataset (data/shapefiles).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "aras/geo/geometry_ops.hpp"
#include "aras/routing/corridor.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"
#include "aras/routing/scenario.hpp"

using namespace aras;
using namespace aras::routing;

namespace {

const std::string kScenarios = std::string(ARAS_TEST_DATA_DIR) + "/scenarios/";

const Router& router() {
    static const Router r(RoadGraph::load_or_build(ARAS_DATA_DIR));
    return r;
}

CorridorPlan plan(const std::string& file, Scenario* out = nullptr) {
    const Scenario s = load_scenario_file(kScenarios + file);
    if (out) *out = s;
    return plan_corridors(router(), s);
}

const CrossingUse* crossing(const CorridorPlan& p, const std::string& id) {
    for (const auto& c : p.crossings)
        if (c.id == id) return &c;
    return nullptr;
}

// Twice the signed area (shoelace) in degrees²: > 0 for counter-clockwise.
double signed_area(const geo::Ring& r) {
    double a = 0;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) a += r[i].lon * r[i + 1].lat - r[i + 1].lon * r[i].lat;
    return a;
}

}  // namespace

TEST(Corridor, AstaraAloneTakesTwoDaysForTwelveHundred) {
    const auto p = plan("tehran_astara_only.json");
    ASSERT_EQ(p.origins.size(), 1u);
    ASSERT_FALSE(p.origins[0].routes.empty()) << p.origins[0].no_route;
    const auto& chosen = p.origins[0].routes.front();
    ASSERT_NE(chosen.crossing, kNoCrossing);
    EXPECT_EQ(p.crossings[chosen.crossing].id, "astara");
    EXPECT_EQ(chosen.route.countries.front(), "IR");
    EXPECT_EQ(chosen.route.countries.back(), "AZ");
    // Tehran → Astara is ~500 km of road: between 5 and 12 hours of driving.
    EXPECT_GT(chosen.travel_h, 5.0);
    EXPECT_LT(chosen.travel_h, 12.0);
    // Queueing at 25/h: everyone is across 1200 / 25 = 48 h after the first arrival.
    EXPECT_NEAR(p.clearance_h, chosen.travel_h + 48.0, 0.1);
    EXPECT_DOUBLE_EQ(chosen.people, 1200);
}

TEST(Corridor, JolfaAtTheSameCapacityTakesHalfTheLoad) {
    // Astara and Jolfa both at 25/h, reached after t_A and t_J hours of driving. Both crossings
    // work until the common clearance time T: 25 (T - t_A) + 25 (T - t_J) = 1200.
    const auto p = plan("tehran_astara_jolfa.json");
    const auto* astara = crossing(p, "astara");
    const auto* jolfa = crossing(p, "jolfa");
    ASSERT_NE(astara, nullptr);
    ASSERT_NE(jolfa, nullptr);
    const double expected = (1200.0 / 25.0 + astara->load.first_h + jolfa->load.first_h) / 2.0;
    EXPECT_NEAR(p.clearance_h, expected, 0.1);  // 0.1 h: whole people at 25/h are 2.4 min each
    EXPECT_NEAR(astara->load.last_h, jolfa->load.last_h, 0.1);
    EXPECT_DOUBLE_EQ(astara->load.people + jolfa->load.people, 1200);
    EXPECT_GT(astara->load.people, jolfa->load.people);  // Astara is nearer, so it starts earlier
    // Astara alone: first arrival + 48 h; the split saves the better part of a day.
    EXPECT_NEAR(p.nearest_crossing_clearance_h, astara->load.first_h + 48.0, 0.1);
    EXPECT_GT(p.nearest_crossing_clearance_h - p.clearance_h, 20.0);
}

TEST(Corridor, AnotherOpenCrossingSplitsTheDemand) {
    const auto alone = plan("tehran_astara_only.json");
    const auto split = plan("tehran_split.json");
    const auto* astara = crossing(split, "astara");
    ASSERT_NE(astara, nullptr);
    double total = 0;
    int used = 0;
    for (const auto& c : split.crossings) {
        total += c.load.people;
        used += c.load.people > 0;
    }
    EXPECT_DOUBLE_EQ(total, 1200);
    EXPECT_GE(used, 2);  // split over Astara and at least one other crossing
    EXPECT_GT(astara->load.people, 0);
    EXPECT_LT(astara->load.people, 1200);
    // The split clears in under a day; Astara alone needs more than two.
    EXPECT_LT(split.clearance_h, 24.0);
    EXPECT_GT(alone.clearance_h - split.clearance_h, 30.0);
    // Everyone taking the fastest crossing (Astara) is the slow baseline.
    EXPECT_NEAR(split.nearest_crossing_clearance_h, alone.clearance_h, 0.1);
}

TEST(Corridor, HazardAroundArdabilAndAstaraClosed) {
    Scenario s;
    const auto p = plan("ardabil_hazard_astara_closed.json", &s);
    ASSERT_EQ(p.origins.size(), 3u);
    EXPECT_EQ(crossing(p, "astara"), nullptr);  // closed: nobody's route uses it
    for (const auto& oc : p.origins) {
        SCOPED_TRACE(s.origins[oc.origin].name);
        ASSERT_FALSE(oc.routes.empty()) << oc.no_route;
        for (const auto& r : oc.routes) {
            EXPECT_EQ(std::count(r.route.crossing_ids.begin(), r.route.crossing_ids.end(), "astara"), 0);
            // Hard hazard: no route enters the 25 km circle (0.1 km: polygonal circle vs. snapping).
            EXPECT_LT(r.exposure.length_inside_km, 0.1);
            EXPECT_GT(r.exposure.min_distance_km, -1e-9);
            EXPECT_DOUBLE_EQ(r.exposure.near_km, 10.0);
        }
        // The corridor is a valid polygon, exterior counter-clockwise (RFC 7946).
        std::string why;
        EXPECT_TRUE(geo::is_valid(oc.corridor, &why)) << why;
        ASSERT_FALSE(oc.corridor.polygons.empty());
        for (const auto& poly : oc.corridor.polygons) EXPECT_GT(signed_area(poly.rings.front()), 0.0);
        EXPECT_TRUE(geo::contains(oc.corridor, s.origins[oc.origin].location) ||
                    geo::distance_m(s.origins[oc.origin].location, oc.corridor) < 20000.0);
    }
    double total = 0;
    for (const auto& c : p.crossings) total += c.load.people;
    EXPECT_DOUBLE_EQ(total, 1900);
}

TEST(Corridor, CompareShowsWhatClosingAstaraCosts) {
    Scenario a, b;
    const auto pa = plan("ardabil_baseline.json", &a);
    const auto pb = plan("ardabil_hazard_astara_closed.json", &b);
    const auto diff = compare_plans(pa, a, pb, b);
    ASSERT_EQ(diff["origins"].size(), 3u);
    // Closing a crossing and adding a hard hazard never makes anyone faster.
    for (const auto& o : diff["origins"]) EXPECT_GE(o["change"]["duration_h"].get<double>(), -1e-6) << o.dump();
    EXPECT_GE(diff["clearance_change_h"].get<double>(), -1e-6);
    // Each value is rounded to 0.001 h on output.
    EXPECT_NEAR(diff["clearance_change_h"].get<double>(),
                diff["b"]["clearance_h"].get<double>() - diff["a"]["clearance_h"].get<double>(), 0.002);
}

TEST(Corridor, FeatureCollectionHasRoutesCorridorsAndSummary) {
    Scenario s;
    const auto p = plan("tehran_split.json", &s);
    const auto fc = to_feature_collection(p, s);
    int routes = 0, corridors = 0, chosen = 0;
    for (const auto& f : fc.features) {
        const std::string kind = f.properties["kind"];
        routes += kind == "route";
        corridors += kind == "corridor";
        if (kind == "route" && f.properties["role"] == "chosen") {
            ++chosen;
            EXPECT_TRUE(f.properties.contains("distance_km"));
            EXPECT_TRUE(f.properties.contains("duration_h"));
            EXPECT_TRUE(f.properties["exposure"].contains("min_hazard_distance_km"));
        }
    }
    EXPECT_EQ(chosen, 1);
    EXPECT_EQ(corridors, 1);
    EXPECT_GE(routes, 2);
    const auto& summary = fc.foreign_members["summary"];
    EXPECT_GT(summary["clearance_h"].get<double>(), 0.0);
    EXPECT_FALSE(summary["crossings"].empty());
    EXPECT_FALSE(summary["origins"][0]["waves"].empty());
}

TEST(Corridor, UnknownDestinationCrossingPointsAtIt) {
    const Scenario s = parse_scenario_text(
        R"({"origins": [{"point": [51.389, 35.6892], "people": 10}], "destinations": ["Astara", "Nowhere Gate"]})");
    try {
        plan_corridors(router(), s);
        FAIL() << "expected ScenarioError";
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.pointer(), "/destinations/1");
    }
}

TEST(Corridor, ExposureOfALinePassingACircle) {
    // A 10 km circle around (48, 38) and a north-south line 20 km east of its centre. Closed form on a
    // sphere: nearest approach 20 - 10 = 10 km; within 15 km of the circle = within 25 km of the centre:
    // chord 2 sqrt(25² - 20²) = 30 km. 1 % tolerance covers the ellipsoid and the 64-gon circle.
    const geo::LonLat centre{48.0, 38.0};
    const double dlon = 20.0 / (111.32 * std::cos(38.0 * M_PI / 180.0));
    const geo::LineString line = {{48.0 + dlon, 37.5}, {48.0 + dlon, 38.0}, {48.0 + dlon, 38.5}};
    const ExposureModel model({Hazard::circle(centre, 10.0)}, 15.0);
    const Exposure e = model.measure(line);
    EXPECT_NEAR(e.min_distance_km, 10.0, 0.15);
    EXPECT_NEAR(e.length_near_km, 30.0, 0.3);
    EXPECT_DOUBLE_EQ(e.length_inside_km, 0.0);
    EXPECT_DOUBLE_EQ(e.near_km, 15.0);
    // Through the centre: inside for the diameter (20 km), near for 2 × 25 km.
    const geo::LineString through = {{48.0, 37.5}, {48.0, 38.5}};
    const Exposure t = model.measure(through);
    EXPECT_DOUBLE_EQ(t.min_distance_km, 0.0);
    EXPECT_NEAR(t.length_inside_km, 20.0, 0.2);
    EXPECT_NEAR(t.length_near_km, 50.0, 0.5);
    // No hazards: nothing to be exposed to.
    const Exposure none = ExposureModel({}, 10.0).measure(line);
    EXPECT_TRUE(std::isinf(none.min_distance_km));
    EXPECT_DOUBLE_EQ(none.length_near_km, 0.0);
}

TEST(Corridor, SoftHazardIsCrossedAndMeasured) {
    // ten_origins.json: a soft 15 km hazard (factor 3) centred on Ardabil, which is also an origin. The
    // Ardabil origin starts inside, so its chosen route has at least one radius (15 km) inside and
    // at least radius + exposure_km (25 km) near the hazard; road winding stays below twice that.
    Scenario s;
    const auto p = plan("ten_origins.json", &s);
    ASSERT_EQ(p.origins.size(), 10u);
    const auto& ardabil = p.origins[2];
    ASSERT_EQ(s.origins[ardabil.origin].name, "Ardabil");
    ASSERT_FALSE(ardabil.routes.empty()) << ardabil.no_route;
    const Exposure& e = ardabil.routes.front().exposure;
    EXPECT_DOUBLE_EQ(e.min_distance_km, 0.0);
    EXPECT_GE(e.length_inside_km, 15.0 - 0.5);
    EXPECT_LE(e.length_inside_km, 30.0);
    EXPECT_GE(e.length_near_km, 25.0 - 0.5);
    EXPECT_GE(e.length_near_km, e.length_inside_km);
    // Every origin is routed and everyone is assigned.
    double people = 0, assigned = 0;
    for (const auto& o : s.origins) people += static_cast<double>(o.people);
    for (const auto& c : p.crossings) assigned += c.load.people;
    EXPECT_DOUBLE_EQ(assigned, people);
    EXPECT_LT(p.clearance_h, p.nearest_crossing_clearance_h);
}
