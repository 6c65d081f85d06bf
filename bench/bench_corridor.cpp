// Corridor planning timings: the 10-origin scenario end to end, and the evacuation planner alone.
#include <cmath>
#include <string>

#include <benchmark/benchmark.h>

#include "aras/routing/corridor.hpp"
#include "aras/routing/evacuation.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"
#include "aras/routing/scenario.hpp"

using namespace aras::routing;

namespace {

const Router& router() {
    static const Router r(RoadGraph::load_or_build(std::string(ARAS_SOURCE_DIR) + "/data"));
    return r;
}

Scenario scenario(const char* name) {
    return load_scenario_file(std::string(ARAS_SOURCE_DIR) + "/tests/data/scenarios/" + name);
}

// Routing (per origin: one search per candidate crossing + one for alternatives), exposure,
// buffers and the evacuation plan, for 10 origins in NW Iran and a soft hazard.
void BM_PlanCorridorsTenOrigins(benchmark::State& state) {
    const Scenario s = scenario("ten_origins.json");
    for (auto _ : state) benchmark::DoNotOptimize(plan_corridors(router(), s));
    state.counters["origins"] = static_cast<double>(s.origins.size());
}
BENCHMARK(BM_PlanCorridorsTenOrigins)->Unit(benchmark::kMillisecond);

void BM_PlanCorridorsTenOriginsToGeoJson(benchmark::State& state) {
    const Scenario s = scenario("ten_origins.json");
    for (auto _ : state) {
        const auto plan = plan_corridors(router(), s);
        benchmark::DoNotOptimize(to_feature_collection(plan, s));
    }
}
BENCHMARK(BM_PlanCorridorsTenOriginsToGeoJson)->Unit(benchmark::kMillisecond);

// The evacuation planner on a synthetic table: N origins × 8 crossings.
void BM_PlanEvacuation(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    EvacuationProblem p;
    for (std::size_t o = 0; o < n; ++o) p.demand.push_back(100.0 + double((o * 37) % 900));
    for (std::size_t c = 0; c < 8; ++c) p.capacity_per_h.push_back(25.0 + 25.0 * double(c % 4));
    for (std::size_t o = 0; o < n; ++o)
        for (std::size_t c = 0; c < 8; ++c) p.travel_h.push_back(1.0 + std::fmod(double(o * 7 + c * 13) * 0.37, 12.0));
    for (auto _ : state) benchmark::DoNotOptimize(plan_evacuation(p));
}
BENCHMARK(BM_PlanEvacuation)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
