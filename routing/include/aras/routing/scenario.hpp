// An evacuation scenario (docs/scenario.schema.json) parsed and validated into typed values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aras/geo/types.hpp"
#include "aras/routing/costing.hpp"

namespace aras::geo {
class Gazetteer;
}

namespace aras::routing {

// The scenario is malformed; `pointer()` is the JSON pointer of the offending member
// ("/origins/2/people"), "" for the document itself. what() is "<pointer>: <message>".
class ScenarioError : public std::invalid_argument {
public:
    ScenarioError(std::string pointer, const std::string& message)
        : std::invalid_argument(pointer.empty() ? message : pointer + ": " + message),
          pointer_(std::move(pointer)) {}
    const std::string& pointer() const { return pointer_; }

private:
    std::string pointer_;
};

// Defaults, documented in docs/scenario.schema.json and docs/EVACUATION.md.
inline constexpr double kDefaultCrossingCapacityPerHour = 100.0;
inline constexpr double kDefaultCorridorWidthKm = 10.0;
inline constexpr double kDefaultExposureKm = 10.0;
inline constexpr int kDefaultAlternatives = 2;

// Where people start: a gazetteer place or a point.
struct Origin {
    std::string name;                  // given name, else the place name, else "origin N"
    std::string place;                 // "" when given as a point
    std::optional<std::string> place_country;  // ISO2 filter for the gazetteer
    geo::LonLat location;              // valid once located
    bool located = false;
    std::int64_t people = 0;
    std::int64_t vehicles = 0;         // 0 when not given
    std::string pointer;               // "/origins/N", for messages
};

// Where people may go. Crossings are matched by id or name; places are routed to through any crossing.
struct Destination {
    enum class Kind { Crossing, Place, Point };
    Kind kind = Kind::Crossing;
    std::string ref;  // crossing id/name or place name; "" for points
    geo::LonLat location;
    bool located = false;  // always false for crossings (the graph locates them)
    std::string pointer;
};

// A hazard as the planner wrote it: a circle around a point or place, or a GeoJSON (Multi)Polygon.
struct HazardSpec {
    std::string name;
    std::string place;                  // circle centre by name ("" otherwise)
    std::optional<geo::LonLat> centre;  // circle centre (given or located)
    double radius_km = 0.0;
    geo::Geometry area;                 // polygon form (monostate for circles)
    bool hard = true;
    double penalty_factor = 1.0;
    std::string pointer;

    // The routing form; a circle becomes a geodesic circle. Throws ScenarioError if not located.
    Hazard to_hazard() const;
};

struct Scenario {
    std::string name;
    std::string description;
    std::vector<Origin> origins;
    std::vector<Destination> destinations;  // empty: every open crossing out of each origin's country
    std::set<std::string> closed_crossings;
    std::set<std::string> reopened_crossings;
    std::set<std::int64_t> closed_roads;
    std::vector<HazardSpec> hazards;
    // People per hour by crossing id or name (case-insensitive match); others get the default.
    std::map<std::string, double> crossing_capacity_per_h;
    double default_capacity_per_h = kDefaultCrossingCapacityPerHour;
    double corridor_width_km = kDefaultCorridorWidthKm;  // full width; the route is buffered by half
    double exposure_km = kDefaultExposureKm;             // "near a hazard" threshold for exposure
    int alternatives = kDefaultAlternatives;             // extra routes per origin

    // True when every origin, place destination and hazard centre has a position.
    bool located() const;
    // The routing Costing: closures, reopenings and hazards. Throws ScenarioError when not located.
    Costing costing() const;
    // Capacity of a crossing, by its id or name (case-insensitive), else the default.
    double capacity_per_h(const std::string& crossing_id, const std::string& crossing_name) const;
};

// Validates and converts; throws ScenarioError pointing at the first bad member.
Scenario parse_scenario(const nlohmann::json& document);
// JSON text; a syntax error is a ScenarioError at "" with the byte offset.
Scenario parse_scenario_text(std::string_view text);
// Reads a file; unreadable files are ScenarioError too (pointer "").
Scenario load_scenario_file(const std::string& path);

// Resolves place names of origins, destinations and hazards with the gazetteer (best match).
// Throws ScenarioError at ".../place" for names it cannot find.
void locate(Scenario& scenario, const geo::Gazetteer& gazetteer);

}  // namespace aras::routing
