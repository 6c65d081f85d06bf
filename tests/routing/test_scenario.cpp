// Scenario parsing and validation: typed values, defaults, and errors that point at the bad member.
#include <string>

#include <gtest/gtest.h>

#include "aras/geo/types.hpp"
#include "aras/routing/scenario.hpp"

using namespace aras::routing;
using nlohmann::json;

namespace {

// The pointer of the ScenarioError `text` raises ("<none>" when it parses).
std::string error_pointer(const std::string& text, std::string* message = nullptr) {
    try {
        parse_scenario_text(text);
    } catch (const ScenarioError& e) {
        if (message) *message = e.what();
        return e.pointer();
    }
    return "<none>";
}

const std::string kScenarios = std::string(ARAS_TEST_DATA_DIR) + "/scenarios/";

}  // namespace

TEST(Scenario, ParsesTheFullForm) {
    const auto s = parse_scenario(json::parse(R"({
      "name": "t",
      "origins": [{"name": "Camp", "point": [48.3, 38.2], "people": 120, "vehicles": 30},
                  {"place": "Tehran", "country": "ir", "people": 5}],
      "destinations": ["Astara", {"crossing": "Jolfa"}, {"place": "Baku"}, {"point": {"lon": 49.8, "lat": 40.4}}],
      "closed_crossings": ["Bileh Savar"], "reopened_crossings": ["Agarak"], "closed_roads": [12, 13],
      "hazards": [{"point": [48.29, 38.25], "radius_km": 20},
                  {"name": "soft", "geometry": {"type": "Polygon",
                     "coordinates": [[[47,38],[47.5,38],[47.5,38.5],[47,38.5],[47,38]]]},
                   "hard": false, "penalty_factor": 4}],
      "crossing_capacity": {"default": 50, "Astara": 25},
      "corridor_width_km": 6, "exposure_km": 15, "alternatives": 1
    })"));
    ASSERT_EQ(s.origins.size(), 2u);
    EXPECT_EQ(s.origins[0].name, "Camp");
    EXPECT_TRUE(s.origins[0].located);
    EXPECT_EQ(s.origins[0].people, 120);
    EXPECT_EQ(s.origins[0].vehicles, 30);
    EXPECT_EQ(s.origins[1].name, "Tehran");
    EXPECT_EQ(s.origins[1].place_country.value_or(""), "IR");
    EXPECT_FALSE(s.origins[1].located);
    EXPECT_FALSE(s.located());
    ASSERT_EQ(s.destinations.size(), 4u);
    EXPECT_EQ(s.destinations[0].kind, Destination::Kind::Crossing);
    EXPECT_EQ(s.destinations[0].ref, "Astara");
    EXPECT_EQ(s.destinations[2].kind, Destination::Kind::Place);
    EXPECT_EQ(s.destinations[3].kind, Destination::Kind::Point);
    EXPECT_DOUBLE_EQ(s.destinations[3].location.lat, 40.4);
    EXPECT_EQ(s.closed_crossings.count("Bileh Savar"), 1u);
    EXPECT_EQ(s.closed_roads.size(), 2u);
    ASSERT_EQ(s.hazards.size(), 2u);
    EXPECT_TRUE(s.hazards[0].hard);
    EXPECT_DOUBLE_EQ(s.hazards[0].radius_km, 20);
    EXPECT_FALSE(s.hazards[1].hard);
    EXPECT_DOUBLE_EQ(s.hazards[1].penalty_factor, 4);
    EXPECT_DOUBLE_EQ(s.capacity_per_h("IR-AZ-1", "ASTARA"), 25);  // by name, case-insensitive
    EXPECT_DOUBLE_EQ(s.capacity_per_h("x", "Jolfa"), 50);
    EXPECT_DOUBLE_EQ(s.corridor_width_km, 6);
    EXPECT_DOUBLE_EQ(s.exposure_km, 15);
    EXPECT_EQ(s.alternatives, 1);
}

TEST(Scenario, DefaultsAreDocumentedValues) {
    const auto s = parse_scenario_text(R"({"origins": [{"point": [51.39, 35.69], "people": 1}]})");
    EXPECT_EQ(s.origins[0].name, "origin 1");
    EXPECT_TRUE(s.destinations.empty());
    EXPECT_DOUBLE_EQ(s.default_capacity_per_h, kDefaultCrossingCapacityPerHour);
    EXPECT_DOUBLE_EQ(s.corridor_width_km, kDefaultCorridorWidthKm);
    EXPECT_DOUBLE_EQ(s.exposure_km, kDefaultExposureKm);
    EXPECT_EQ(s.alternatives, kDefaultAlternatives);
    EXPECT_TRUE(s.located());
}

TEST(Scenario, CostingCarriesClosuresAndGeodesicHazards) {
    const auto s = parse_scenario_text(R"({"origins": [{"point": [51.39, 35.69], "people": 1}],
        "closed_crossings": ["Astara"], "closed_roads": [7],
        "hazards": [{"point": [48.2933, 38.2498], "radius_km": 25}]})");
    const Costing c = s.costing();
    EXPECT_EQ(c.closed_crossings.count("Astara"), 1u);
    EXPECT_EQ(c.closed_roads.count(7), 1u);
    ASSERT_EQ(c.hazards.size(), 1u);
    const auto* poly = std::get_if<aras::geo::Polygon>(&c.hazards[0].area);
    ASSERT_NE(poly, nullptr);
    EXPECT_EQ(poly->rings[0].size(), 65u);  // 64 vertices, closed
}

TEST(Scenario, ErrorsPointAtTheBadMember) {
    std::string msg;
    // From the test data: the third origin has negative people.
    EXPECT_THROW(load_scenario_file(kScenarios + "invalid_people.json"), ScenarioError);
    try {
        load_scenario_file(kScenarios + "invalid_people.json");
    } catch (const ScenarioError& e) {
        EXPECT_EQ(e.pointer(), "/origins/2/people");
        EXPECT_STREQ(e.what(), "/origins/2/people: must be a positive integer");
    }
    EXPECT_EQ(error_pointer(R"({"origins": [{"point": [51, 35], "people": 1.5}]})"), "/origins/0/people");
    EXPECT_EQ(error_pointer(R"({"origins": [{"point": [51, 35], "people": "10"}]})"), "/origins/0/people");
    EXPECT_EQ(error_pointer(R"({"origins": [{"point": [51, 35]}]})", &msg), "/origins/0");
    EXPECT_NE(msg.find("people"), std::string::npos);
    EXPECT_EQ(error_pointer(R"({"origins": [{"point": [251, 35], "people": 1}]})"), "/origins/0/point");
    EXPECT_EQ(error_pointer(R"({"origins": [{"place": "A", "point": [51, 35], "people": 1}]})"), "/origins/0");
    EXPECT_EQ(error_pointer(R"({"origins": [{"point": [51, 35], "people": 1, "peeple": 2}]})"),
              "/origins/0/peeple");
    EXPECT_EQ(error_pointer(R"({"origins": []})"), "/origins");
    EXPECT_EQ(error_pointer(R"({"destinations": []})"), "");
    EXPECT_EQ(error_pointer(R"([1, 2])"), "");
    EXPECT_EQ(error_pointer(R"({"origins": [)", &msg), "");
    EXPECT_NE(msg.find("not valid JSON"), std::string::npos);
    const std::string o = R"("origins": [{"point": [51, 35], "people": 1}])";
    EXPECT_EQ(error_pointer("{" + o + R"(, "hazards": [{"point": [48, 38]}]})"), "/hazards/0");
    EXPECT_EQ(error_pointer("{" + o + R"(, "hazards": [{"point": [48, 38], "radius_km": 0}]})"),
              "/hazards/0/radius_km");
    EXPECT_EQ(error_pointer("{" + o + R"(, "hazards": [{"point": [48, 38], "radius_km": 5, "penalty_factor": 2}]})"),
              "/hazards/0/penalty_factor");
    EXPECT_EQ(error_pointer("{" + o + R"(, "hazards": [{"point": [48, 38], "radius_km": 5, "hard": false,
                                             "penalty_factor": 0.5}]})"),
              "/hazards/0/penalty_factor");
    EXPECT_EQ(error_pointer("{" + o + R"(, "hazards": [{"geometry": {"type": "Point", "coordinates": [1, 2]}}]})"),
              "/hazards/0/geometry");
    // An unclosed ring: the GeoJSON reader's pointer is kept.
    EXPECT_EQ(error_pointer("{" + o + R"(, "hazards": [{"geometry": {"type": "Polygon",
                                             "coordinates": [[[1,2],[3,4],[5,6],[7,8]]]}}]})")
                  .rfind("/hazards/0/geometry", 0),
              0u);
    EXPECT_EQ(error_pointer("{" + o + R"(, "crossing_capacity": {"Astara": -25}})"), "/crossing_capacity/Astara");
    EXPECT_EQ(error_pointer("{" + o + R"(, "crossing_capacity": {"a/b": "x"}})"), "/crossing_capacity/a~1b");
    EXPECT_EQ(error_pointer("{" + o + R"(, "closed_crossings": ["Astara", 3]})"), "/closed_crossings/1");
    EXPECT_EQ(error_pointer("{" + o + R"(, "closed_roads": ["x"]})"), "/closed_roads/0");
    EXPECT_EQ(error_pointer("{" + o + R"(, "closed_crossings": ["Astara"], "reopened_crossings": ["astara"]})"),
              "/reopened_crossings");
    EXPECT_EQ(error_pointer("{" + o + R"(, "corridor_width_km": -1})"), "/corridor_width_km");
    EXPECT_EQ(error_pointer("{" + o + R"(, "alternatives": 9})"), "/alternatives");
    EXPECT_EQ(error_pointer("{" + o + R"(, "destinations": [{"crossing": "A", "place": "B"}]})"), "/destinations/0");
    EXPECT_EQ(error_pointer("{" + o + R"(, "colsed_crossings": []})"), "/colsed_crossings");
}

TEST(Scenario, ANumberBeyondADoubleIsAScenarioErrorNotACrash) {
    // Found by fuzz_scenario: nlohmann reports 1e400 as out_of_range, not as a parse error.
    std::string message;
    EXPECT_EQ(error_pointer(R"({"origins": [{"point": [1e400, 0], "people": 1}]})", &message), "");
    EXPECT_NE(message.find("out of range"), std::string::npos) << message;
}

TEST(Scenario, TestDataScenariosParse) {
    for (const char* name : {"tehran_astara_only.json", "tehran_split.json", "ardabil_hazard_astara_closed.json",
                             "ardabil_baseline.json", "ten_origins.json"}) {
        SCOPED_TRACE(name);
        const auto s = load_scenario_file(kScenarios + name);
        EXPECT_TRUE(s.located());
        EXPECT_FALSE(s.origins.empty());
    }
    EXPECT_THROW(load_scenario_file(kScenarios + "does_not_exist.json"), ScenarioError);
}
