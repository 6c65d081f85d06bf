// What a search minimises and what it must avoid: passed by value to each query (no rebuild).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aras/geo/types.hpp"

namespace aras::routing {

// The Costing refers to something the graph does not have (unknown crossing) or is malformed.
class CostingError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

enum class Metric { Time, Distance };

// An area to keep out of (hard) or to pass through reluctantly (soft: edge cost × penalty_factor).
struct Hazard {
    geo::Geometry area;  // Polygon or MultiPolygon
    bool hard = true;
    double penalty_factor = 1.0;  // >= 1, used when !hard
    std::string name;

    // A true geodesic circle (geo::geodesic_circle).
    static Hazard circle(geo::LonLat centre, double radius_km, bool hard = true, double factor = 1.0);
};

struct Crossing;

// True when `key` names the crossing: its id, name, name_a or name_b, ASCII case-insensitively.
bool crossing_matches(const Crossing& c, std::string_view key);

struct Costing {
    Metric metric = Metric::Time;
    // Crossings by id, name, name_a or name_b (case-insensitive).
    std::set<std::string> closed_crossings;
    // Crossings whose layer status is closed but which this query may use.
    std::set<std::string> reopened_crossings;
    std::set<std::int64_t> closed_roads;  // by road_id
    std::vector<Hazard> hazards;
    // Crossing waiting time by crossing id or name; otherwise default_crossing_penalty_s, otherwise
    // the graph's value for that crossing.
    std::map<std::string, double> crossing_penalty_s;
    std::optional<double> default_crossing_penalty_s;

    // True when anything beyond the metric is set (closures, hazards, penalties).
    bool restricted() const;
};

}  // namespace aras::routing
