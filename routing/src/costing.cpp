// Costing helpers: hazard circles and the "anything restricted?" test.
#include "aras/routing/costing.hpp"

#include "aras/geo/geodesy.hpp"

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

bool Costing::restricted() const {
    return !closed_crossings.empty() || !reopened_crossings.empty() || !closed_roads.empty() || !hazards.empty() ||
           !crossing_penalty_s.empty() || default_crossing_penalty_s.has_value();
}

}  // namespace aras::routing
