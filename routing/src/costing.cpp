// Costing helpers: hazard circles and the "anything restricted?" test.
#include "aras/routing/costing.hpp"

#include <cctype>

#include "aras/geo/geodesy.hpp"
#include "aras/routing/road_graph.hpp"

namespace aras::routing {

Hazard Hazard::circle(geo::LonLat centre, double radius_km, bool hard, double factor) {
    if (!geo::is_valid(centre)) throw CostingError("hazard centre is not a valid lon/lat position");
    if (!(radius_km > 0) || radius_km > 5000) throw CostingError("hazard radius must be in (0, 5000] km");
    if (!hard && !(factor >= 1.0)) throw CostingError("soft hazard penalty factor must be >= 1");
    Hazard h;
    h.area = geo::geodesic_circle(centre, radius_km * 1000.0, 64);
    h.hard = hard;
    h.penalty_factor = factor;
    return h;
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

}  // namespace

bool crossing_matches(const Crossing& c, std::string_view key) {
    return iequals(c.id, key) || iequals(c.name, key) || (!c.name_a.empty() && iequals(c.name_a, key)) ||
           (!c.name_b.empty() && iequals(c.name_b, key));
}

bool Costing::restricted() const {
    return !closed_crossings.empty() || !reopened_crossings.empty() || !closed_roads.empty() || !hazards.empty() ||
           !crossing_penalty_s.empty() || default_crossing_penalty_s.has_value();
}

}  // namespace aras::routing
