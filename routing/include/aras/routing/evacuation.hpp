// Capacity-aware evacuation planning: who leaves when, by which crossing, so everyone is across soonest.
#pragma once

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace aras::routing {

// The problem is malformed (sizes disagree, negative demand, no usable crossing for an origin).
class EvacuationError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// The abstract problem: travel times from origins to crossings and the crossings' throughput.
// Roads are taken as uncongested; the crossings are the bottleneck (docs/EVACUATION.md says why).
struct EvacuationProblem {
    std::vector<double> demand;          // people per origin, >= 0
    std::vector<double> capacity_per_h;  // people per hour per crossing, > 0
    // origins × crossings, row-major, hours from leaving the origin until reaching the crossing;
    // +infinity where the crossing cannot be used by that origin.
    std::vector<double> travel_h;

    std::size_t origins() const { return demand.size(); }
    std::size_t crossings() const { return capacity_per_h.size(); }
    double travel(std::size_t o, std::size_t c) const { return travel_h[o * crossings() + c]; }
};

// People leaving one origin for one crossing at a steady rate during [depart_from_h, depart_until_h];
// they reach the crossing as it can take them and are across during [cross_from_h, cross_until_h].
struct Wave {
    std::size_t origin = 0;
    std::size_t crossing = 0;
    double people = 0.0;
    double depart_from_h = 0.0, depart_until_h = 0.0;
    double cross_from_h = 0.0, cross_until_h = 0.0;  // = arrival at the crossing (no queueing)
};

struct CrossingLoad {
    double people = 0.0;
    double first_h = 0.0, last_h = 0.0;  // first and last person across (0, 0 when unused)
    std::vector<double> people_per_hour;  // [k] = people across during hour k, up to the clearance time
};

struct EvacuationPlan {
    double clearance_h = 0.0;  // when the last person is across
    // origins × crossings, row-major: people sent from each origin through each crossing.
    std::vector<double> people;
    std::vector<Wave> waves;  // by origin, then departure time
    std::vector<CrossingLoad> crossings;
    double person_hours = 0.0;  // sum over people of the time they are across (secondary objective)

    double assigned(std::size_t o, std::size_t c) const { return people[o * crossings.size() + c]; }
};

// Minimises the clearance time exactly for this model (a quickest transshipment over a condensed
// time-expanded network: binary search on the horizon with a max-flow feasibility test), then, at
// that horizon, the total person-hours (min-cost flow) so nobody is sent farther than necessary.
// Throws EvacuationError for malformed problems or an origin with people and no usable crossing.
EvacuationPlan plan_evacuation(const EvacuationProblem& problem);

// The clearance time when each origin sends everyone through its nearest crossing (the
// no-planning baseline the docs compare against).
double nearest_crossing_clearance_h(const EvacuationProblem& problem);

}  // namespace aras::routing
