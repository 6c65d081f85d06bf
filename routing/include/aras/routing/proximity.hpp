// Proximity of a point to land borders, crossings (straight and by road), places, roads and hazards.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aras/geo/feature.hpp"
#include "aras/geo/types.hpp"
#include "aras/routing/route.hpp"

namespace aras::routing {

class Router;
struct Scenario;

struct ProximityOptions {
    // What to report: any of "borders", "crossings", "places", "roads". Empty means all.
    std::set<std::string> to;
    double within_km = 50.0;    // places within this distance
    std::size_t crossings = 5;  // nearest crossings (straight line) also routed by road
    std::size_t max_places = 50;
};

struct BorderDistance {
    std::string country;       // the neighbour (ISO2)
    std::string country_name;
    double distance_km = 0.0;  // geodesic, to the nearest point of the shared land border
    geo::LonLat nearest;
};

struct CrossingDistance {
    std::string id, name, status;
    double straight_km = 0.0;             // geodesic, to the nearer gate
    std::optional<double> road_km, road_h;  // by road (Router, default costing) to that gate
    std::string no_route;
    geo::LonLat gate;
};

struct NearbyPlace {
    std::string name, country;
    std::int64_t population = 0;
    double distance_km = 0.0;
    geo::LonLat location;
};

struct HazardProximity {
    std::string name;
    bool inside = false;
    bool hard = true;
    double distance_km = 0.0;  // 0 inside
};

struct ProximityReport {
    geo::LonLat point;
    std::string country;  // ISO2 of the containing country polygon, "" outside all
    std::string country_name;
    std::vector<BorderDistance> borders;      // nearest first
    std::vector<CrossingDistance> crossings;  // nearest (straight) first
    std::vector<NearbyPlace> places;          // nearest first
    std::optional<Snapped> road;              // nearest road
    std::vector<HazardProximity> hazards;     // of the scenario, if one was given
};

// The layers proximity needs (countries, borders, crossings, places), loaded once.
class ProximityIndex {
public:
    ProximityIndex(geo::Layer countries, geo::Layer borders, geo::Layer crossings, geo::Layer places);
    // Reads the four layers of DATA_DIR/shapefiles.
    static ProximityIndex load(const std::string& data_dir);

    // `router` is needed for road distances and "roads" (null: skipped). `scenario` must be located.
    ProximityReport report(const geo::LonLat& point, const ProximityOptions& options, const Router* router = nullptr,
                           const Scenario* scenario = nullptr) const;

private:
    geo::Layer countries_, borders_, crossings_, places_;
};

nlohmann::json to_json(const ProximityReport& report);

}  // namespace aras::routing
