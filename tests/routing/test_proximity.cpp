// Proximity on the embedded dataset: border distances, crossings straight and by road, places, hazards.
#include <string>

#include <gtest/gtest.h>

#include "aras/routing/proximity.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"
#include "aras/routing/scenario.hpp"

using namespace aras;
using namespace aras::routing;

namespace {

const ProximityIndex& index() {
    static const ProximityIndex i = ProximityIndex::load(ARAS_DATA_DIR);
    return i;
}

const Router& router() {
    static const Router r(RoadGraph::load_or_build(ARAS_DATA_DIR));
    return r;
}

double border_km(const ProximityReport& r, const std::string& country) {
    for (const auto& b : r.borders)
        if (b.country == country) return b.distance_km;
    return -1;
}

const geo::LonLat kArdabil{48.2933, 38.2498};
const geo::LonLat kTabriz{46.2919, 38.08};

}  // namespace

// Expected values: the reference distances (Ardabil 30–40 km from Azerbaijan; Tabriz ~85 km
// from Armenia and from Nakhchivan). The dataset's borders are simplified lines, so the tolerances
// allow ±5 km around ~85 km; the measured values are 31.1 km and 88.0 / 88.1 km.
TEST(Proximity, ArdabilIsThirtyToFortyKilometresFromAzerbaijan) {
    ProximityOptions o;
    o.to = {"borders"};
    const auto r = index().report(kArdabil, o);
    EXPECT_EQ(r.country, "IR");
    ASSERT_FALSE(r.borders.empty());
    EXPECT_EQ(r.borders.front().country, "AZ");  // the nearest neighbour
    EXPECT_GE(border_km(r, "AZ"), 30.0);
    EXPECT_LE(border_km(r, "AZ"), 40.0);
    // Only land neighbours of Iran appear (no coastline: the Caspian is not a border).
    for (const auto& b : r.borders) EXPECT_NE(b.country, "IR");
}

TEST(Proximity, TabrizIsAboutEightyFiveKilometresFromArmeniaAndNakhchivan) {
    ProximityOptions o;
    o.to = {"borders"};
    const auto r = index().report(kTabriz, o);
    EXPECT_EQ(r.country, "IR");
    EXPECT_NEAR(border_km(r, "AM"), 85.0, 5.0);
    EXPECT_NEAR(border_km(r, "AZ"), 85.0, 5.0);  // the Nakhchivan exclave
    // The nearest AZ border point is in Nakhchivan (west of 46.5°E), not on the mainland.
    for (const auto& b : r.borders) {
        if (b.country == "AZ") {
            EXPECT_LT(b.nearest.lon, 46.5);
        }
    }
}

TEST(Proximity, NearestCrossingsStraightAndByRoad) {
    ProximityOptions o;
    o.to = {"crossings"};
    o.crossings = 3;
    const auto r = index().report(kArdabil, o, &router());
    ASSERT_EQ(r.crossings.size(), 3u);
    EXPECT_EQ(r.crossings.front().id, "astara");
    // Astara's Iranian gate is ~55 km from Ardabil as the crow flies, ~65 km by road.
    EXPECT_NEAR(r.crossings.front().straight_km, 55.0, 5.0);
    ASSERT_TRUE(r.crossings.front().road_km.has_value()) << r.crossings.front().no_route;
    EXPECT_GE(*r.crossings.front().road_km, r.crossings.front().straight_km);
    EXPECT_LT(*r.crossings.front().road_km, 2.0 * r.crossings.front().straight_km);
    for (std::size_t i = 1; i < r.crossings.size(); ++i)
        EXPECT_LE(r.crossings[i - 1].straight_km, r.crossings[i].straight_km);
}

TEST(Proximity, PlacesWithinRadiusAndNearestRoad) {
    ProximityOptions o;
    o.to = {"places", "roads"};
    o.within_km = 20;
    const auto r = index().report(kTabriz, o, &router());
    ASSERT_FALSE(r.places.empty());
    EXPECT_EQ(r.places.front().name, "Tabriz");
    for (const auto& p : r.places) EXPECT_LE(p.distance_km, 20.0);
    ASSERT_TRUE(r.road.has_value());
    EXPECT_LT(r.road->distance_m, 2000.0);  // a city centre is on the road network
    EXPECT_TRUE(r.borders.empty());         // not asked for
}

TEST(Proximity, InsideAScenarioHazard) {
    const Scenario s = load_scenario_file(std::string(ARAS_TEST_DATA_DIR) + "/scenarios/ardabil_hazard_astara_closed.json");
    ProximityOptions o;
    o.to = {"places"};
    o.within_km = 1;
    const auto in = index().report(kArdabil, o, nullptr, &s);
    ASSERT_EQ(in.hazards.size(), 1u);
    EXPECT_TRUE(in.hazards[0].inside);
    EXPECT_DOUBLE_EQ(in.hazards[0].distance_km, 0.0);
    // Tabriz is ~176 km from Ardabil: ~151 km from the edge of the 25 km circle.
    const auto out = index().report(kTabriz, o, nullptr, &s);
    EXPECT_FALSE(out.hazards[0].inside);
    EXPECT_NEAR(out.hazards[0].distance_km, 151.0, 3.0);
}

TEST(Proximity, RejectsBadInput) {
    ProximityOptions o;
    EXPECT_THROW(index().report({200, 38}, o), std::invalid_argument);
    o.within_km = -1;
    EXPECT_THROW(index().report(kTabriz, o), std::invalid_argument);
}
