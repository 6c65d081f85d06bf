// Evacuation corridors of a scenario: routes per origin, buffered corridors, hazard exposure, the
// capacity-aware evacuation plan over the crossings, and the comparison of two scenarios.
#pragma once

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aras/geo/feature.hpp"
#include "aras/routing/costing.hpp"
#include "aras/routing/evacuation.hpp"
#include "aras/routing/route.hpp"
#include "aras/routing/router.hpp"
#include "aras/routing/scenario.hpp"

namespace aras::routing {

// How close a route comes to the scenario's hazards.
struct Exposure {
    double min_distance_km = std::numeric_limits<double>::infinity();  // +inf without hazards
    double length_near_km = 0.0;    // route length within `near_km` of any hazard (incl. inside)
    double length_inside_km = 0.0;  // route length inside a hazard
    double near_km = 0.0;
};

// Measures routes against a fixed set of hazards; the buffered union is computed once.
class ExposureModel {
public:
    ExposureModel(std::vector<Hazard> hazards, double near_km);
    Exposure measure(const geo::LineString& line) const;

private:
    std::vector<Hazard> hazards_;
    double near_km_;
    geo::MultiPolygon inside_, near_;  // union of hazards, and of their near_km buffers
};

inline constexpr std::size_t kNoCrossing = static_cast<std::size_t>(-1);

struct CorridorRoute {
    Route route;
    std::size_t crossing = kNoCrossing;  // first crossing used, index into CorridorPlan::crossings
    bool alternative = false;  // a router alternative to the same crossing as the chosen route
    double travel_h = 0.0;     // to the crossing's far gate, without waiting at crossings
    Exposure exposure;
    double people = 0.0;  // people the evacuation plan sends this way
};

struct OriginCorridors {
    std::size_t origin = 0;             // index in Scenario::origins
    std::string country;                // ISO2 where the origin snaps to the road network
    std::vector<CorridorRoute> routes;  // chosen first, then its alternatives, then other crossings
    geo::MultiPolygon corridor;         // the chosen route buffered by corridor_width_km / 2
    std::string no_route;               // why there is none (routes empty)
    std::vector<std::string> notes;     // candidate crossings left out, and why
};

struct CrossingUse {
    std::string id, name;
    std::string country_a, country_b;
    double capacity_per_h = 0.0;
    CrossingLoad load;  // from the evacuation plan
};

struct CorridorPlan {
    std::string scenario_name;
    std::vector<OriginCorridors> origins;
    std::vector<CrossingUse> crossings;  // every crossing some origin can use
    EvacuationPlan evacuation;           // origins that have no route are left out (people 0)
    double clearance_h = 0.0;            // evacuation.clearance_h
    double nearest_crossing_clearance_h = 0.0;  // everyone via their fastest crossing
    double exposure_km = 0.0;
    double corridor_width_km = 0.0;
};

// Plans a located scenario (see locate()). Throws ScenarioError for destinations the graph does not
// know (pointer of the destination) and CostingError for unknown closed crossings.
CorridorPlan plan_corridors(const Router& router, const Scenario& scenario);

// The GeoJSON answer: route LineStrings, corridor polygons, origins without routes as Points, and
// a top-level "summary" (per-crossing load and clearance time, per-origin waves).
geo::FeatureCollection to_feature_collection(const CorridorPlan& plan, const Scenario& scenario);
nlohmann::json summary_json(const CorridorPlan& plan, const Scenario& scenario);

// What changes from plan `a` to plan `b`, per origin (destination, duration, distance, exposure)
// and overall (clearance time, per-crossing load).
nlohmann::json compare_plans(const CorridorPlan& a, const Scenario& sa, const CorridorPlan& b, const Scenario& sb);

}  // namespace aras::routing
