// The embedded dataset (data/) for routing tests: one router per test binary, the GeoNames positions of the
// places the tests route between, and route results unwrapped with a test failure when there is no route.
#pragma once

#include <memory>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "aras/geo/types.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"

namespace aras::routing::test {

inline const geo::LonLat kTehran{51.42151, 35.69439};
inline const geo::LonLat kTabriz{46.2919, 38.08};
inline const geo::LonLat kArdabil{48.2936, 38.2498};
inline const geo::LonLat kBaku{49.89201, 40.37767};
inline const geo::LonLat kAstaraAz{48.87498, 38.45598};
inline const geo::LonLat kAstaraGateIr{48.8720, 38.4379};  // data/crossings.csv, Iranian side of the bridge
inline const geo::LonLat kAgarak{46.19, 38.87};             // the Armenian border town at Nurduz
inline const geo::LonLat kYerevan{44.51361, 40.18111};
inline const geo::LonLat kJulfa{45.62961, 38.95397};        // Culfa, Nakhchivan
inline const geo::LonLat kNakhchivan{45.41222, 39.20889};

// Built (or loaded from the graph cache) once, on first use.
inline const Router& router() {
    static const Router r(RoadGraph::load_or_build(ARAS_DATA_DIR));
    return r;
}

// The routes of a result; a NoRoute fails the current test (with its reason) and gives none.
inline std::vector<Route> routes_of(const RouteResult& r) {
    if (const auto* none = std::get_if<NoRoute>(&r)) {
        ADD_FAILURE() << "no route: " << none->reason;
        return {};
    }
    return std::get<std::vector<Route>>(r);
}

}  // namespace aras::routing::test
