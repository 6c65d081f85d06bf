// Capacity-aware evacuation planning on abstract travel-time tables (closed-form optima).
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "aras/routing/evacuation.hpp"

using namespace aras::routing;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// The binary search stops at 1e-4 relative; whole-people rounding adds at most 1/capacity per
// crossing. 0.1 h (6 min) covers both for the capacities used here (>= 25/h).
constexpr double kTolH = 0.1;
}  // namespace

TEST(Evacuation, SingleCrossingIsTravelPlusQueue) {
    // 1,200 people, one crossing at 600/day = 25/h, 8 h away: the last is across at 8 + 48 = 56 h.
    EvacuationProblem p{{1200}, {25}, {8.0}};
    const auto plan = plan_evacuation(p);
    EXPECT_NEAR(plan.clearance_h, 56.0, kTolH);
    EXPECT_DOUBLE_EQ(plan.assigned(0, 0), 1200);
    ASSERT_EQ(plan.waves.size(), 1u);
    EXPECT_NEAR(plan.waves[0].depart_from_h, 0.0, 1e-9);
    EXPECT_NEAR(plan.waves[0].depart_until_h, 48.0, kTolH);
    EXPECT_NEAR(plan.waves[0].cross_from_h, 8.0, 1e-9);
    // Load over time: 25 people in every hour from hour 8 to 55.
    const auto& per_hour = plan.crossings[0].people_per_hour;
    ASSERT_GE(per_hour.size(), 56u);
    EXPECT_NEAR(per_hour[7], 0.0, 1e-9);
    EXPECT_NEAR(per_hour[8], 25.0, 1e-6);
    EXPECT_NEAR(per_hour[30], 25.0, 1e-6);
}

TEST(Evacuation, SecondCrossingSplitsAndShortensClearance) {
    // Astara 25/h at 8 h, a second crossing at 100/h but 12 h away. Optimum: both run until T with
    // 25 (T - 8) + 100 (T - 12) = 1200  =>  T = 2600 / 125 = 20.8 h (instead of 56 h).
    EvacuationProblem p{{1200}, {25, 100}, {8.0, 12.0}};
    const auto plan = plan_evacuation(p);
    EXPECT_NEAR(plan.clearance_h, 20.8, kTolH);
    // 25 × 12.8 = 320 through Astara, 100 × 8.8 = 880 through the other; ±3 people of rounding.
    EXPECT_NEAR(plan.assigned(0, 0), 320, 3.0);
    EXPECT_NEAR(plan.assigned(0, 1), 880, 3.0);
    EXPECT_DOUBLE_EQ(plan.assigned(0, 0) + plan.assigned(0, 1), 1200);
}

TEST(Evacuation, NearestCrossingBaselineIsSlower) {
    EvacuationProblem p{{1200}, {25, 100}, {8.0, 12.0}};
    EXPECT_NEAR(nearest_crossing_clearance_h(p), 56.0, kTolH);
    EXPECT_LT(plan_evacuation(p).clearance_h, 21.0);
}

TEST(Evacuation, TwoOriginsShareACrossing) {
    // Both origins only reach crossing 0 (50/h), at 2 h and 4 h; 100 + 100 people.
    // Crossing busy from 2 h: 200 / 50 = 4 h => 6 h; origin 1 waits for origin 0's block.
    EvacuationProblem p{{100, 100}, {50, 10}, {2.0, kInf, 4.0, kInf}};
    const auto plan = plan_evacuation(p);
    EXPECT_NEAR(plan.clearance_h, 6.0, kTolH);
    EXPECT_DOUBLE_EQ(plan.assigned(0, 1), 0);
    EXPECT_DOUBLE_EQ(plan.assigned(1, 1), 0);
    for (const auto& w : plan.waves) EXPECT_GE(w.depart_from_h, -1e-9);
}

TEST(Evacuation, PeopleAreWholeAndConserved) {
    EvacuationProblem p{{333, 777, 5}, {40, 60, 25}, {3.5, 6.0, 9.0, 5.0, 2.5, 7.0, 1.0, kInf, 1.5}};
    const auto plan = plan_evacuation(p);
    for (std::size_t o = 0; o < 3; ++o) {
        double sum = 0;
        for (std::size_t c = 0; c < 3; ++c) {
            EXPECT_EQ(plan.assigned(o, c), std::round(plan.assigned(o, c)));
            sum += plan.assigned(o, c);
        }
        EXPECT_DOUBLE_EQ(sum, p.demand[o]);
    }
    EXPECT_DOUBLE_EQ(plan.assigned(2, 1), 0);  // unreachable
    // Never worse than everyone taking their nearest crossing.
    EXPECT_LE(plan.clearance_h, nearest_crossing_clearance_h(p) + kTolH);
    // No crossing processes faster than its capacity in any hour.
    for (std::size_t c = 0; c < 3; ++c)
        for (double n : plan.crossings[c].people_per_hour) EXPECT_LE(n, p.capacity_per_h[c] + 1e-6);
}

TEST(Evacuation, RejectsMalformedProblems) {
    EXPECT_THROW(plan_evacuation({{10}, {5}, {1.0, 2.0}}), EvacuationError);
    EXPECT_THROW(plan_evacuation({{-1}, {5}, {1.0}}), EvacuationError);
    EXPECT_THROW(plan_evacuation({{10}, {0}, {1.0}}), EvacuationError);
    EXPECT_THROW(plan_evacuation({{10}, {5}, {kInf}}), EvacuationError);
    EXPECT_NO_THROW(plan_evacuation({{0}, {5}, {kInf}}));
}
