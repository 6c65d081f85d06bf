// GEOS-backed operations checked against geodesic expectations.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/geometry_ops.hpp"

using namespace aras::geo;

namespace {
const Polygon kSquare{{{{45.0, 39.0}, {45.2, 39.0}, {45.2, 39.2}, {45.0, 39.2}, {45.0, 39.0}}}};
const Polygon kBowTie{{{{45.0, 39.0}, {45.2, 39.2}, {45.2, 39.0}, {45.0, 39.2}, {45.0, 39.0}}}};
}  // namespace

TEST(GeometryOps, ValidityAndRepair) {
    std::string reason;
    EXPECT_TRUE(is_valid(kSquare, &reason));
    EXPECT_TRUE(reason.empty());
    EXPECT_FALSE(is_valid(kBowTie, &reason));
    EXPECT_NE(reason.find("Self-intersection"), std::string::npos) << reason;
    Geometry fixed = make_valid(kBowTie);
    ASSERT_TRUE(std::holds_alternative<MultiPolygon>(fixed));
    EXPECT_EQ(std::get<MultiPolygon>(fixed).polygons.size(), 2u);
    EXPECT_TRUE(is_valid(fixed));
    EXPECT_NEAR(geodesic_area_m2(fixed), geodesic_area_m2(kSquare) / 2, geodesic_area_m2(kSquare) * 0.01);
    EXPECT_EQ(make_valid(kSquare), Geometry(kSquare));
    // A ring of three positions cannot even be built: invalid, and nothing left to repair.
    Polygon tiny{{{{45, 39}, {45.1, 39}, {45, 39}}}};
    EXPECT_FALSE(is_valid(tiny, &reason));
    EXPECT_TRUE(std::holds_alternative<std::monostate>(make_valid(tiny)));
}

TEST(GeometryOps, PointBufferHasTheCircleArea) {
    const LonLat astara{48.8728, 38.4297};
    MultiPolygon b = buffer_m(astara, 10000.0, 32);
    ASSERT_EQ(b.polygons.size(), 1u);
    EXPECT_TRUE(is_valid(b));
    const double expected = M_PI * 10000.0 * 10000.0;
    EXPECT_NEAR(geodesic_area_m2(b), expected, expected * 0.01);
    for (const auto& v : b.polygons[0].rings[0]) EXPECT_NEAR(geodesic_distance_m(astara, v), 10000.0, 10.0);
    // Default segments still within 1 %.
    EXPECT_NEAR(geodesic_area_m2(buffer_m(astara, 10000.0)), expected, expected * 0.01);
    EXPECT_THROW(buffer_m(astara, std::nan("")), std::invalid_argument);
    EXPECT_TRUE(buffer_m(Geometry{}, 10.0).polygons.empty());
    // RFC 7946 winding: the exterior ring counter-clockwise (positive shoelace area).
    double twice_area = 0;
    const auto& ring = b.polygons[0].rings[0];
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) twice_area += ring[i].lon * ring[i + 1].lat - ring[i + 1].lon * ring[i].lat;
    EXPECT_GT(twice_area, 0.0);
}

TEST(GeometryOps, LineAndPolygonBuffers) {
    LineString road{{48.87, 38.43}, {48.85, 38.75}};
    MultiPolygon b = buffer_m(road, 1000.0);
    EXPECT_TRUE(is_valid(b));
    const double len = geodesic_length_m(road);
    const double expected = 2 * 1000.0 * len + M_PI * 1000.0 * 1000.0;
    EXPECT_NEAR(geodesic_area_m2(b), expected, expected * 0.01);
    MultiPolygon grown = buffer_m(kBowTie, 500.0);
    EXPECT_TRUE(is_valid(grown));
    EXPECT_GT(geodesic_area_m2(grown), geodesic_area_m2(make_valid(kBowTie)));
}

TEST(GeometryOps, PredicatesUnionAndDistances) {
    EXPECT_TRUE(contains(kSquare, {45.1, 39.1}));
    EXPECT_TRUE(contains(kSquare, {45.0, 39.1}));  // on the boundary
    EXPECT_FALSE(contains(kSquare, {45.3, 39.1}));
    Polygon holed = kSquare;
    holed.rings.push_back({{45.05, 39.05}, {45.15, 39.05}, {45.15, 39.15}, {45.05, 39.15}, {45.05, 39.05}});
    EXPECT_FALSE(contains(holed, {45.1, 39.1}));
    EXPECT_TRUE(contains(MultiPolygon{{holed}}, {45.01, 39.01}));

    EXPECT_TRUE(intersects(kSquare, LineString{{44.9, 39.1}, {45.1, 39.1}}));
    EXPECT_FALSE(intersects(kSquare, LineString{{44.9, 39.1}, {44.95, 39.1}}));
    EXPECT_TRUE(intersects(kBowTie, LonLat{45.1, 39.1}));  // invalid input is repaired, not thrown

    Polygon east{{{{45.1, 39.0}, {45.4, 39.0}, {45.4, 39.2}, {45.1, 39.2}, {45.1, 39.0}}}};
    MultiPolygon u = union_all({kSquare, east, LonLat{50, 50}});
    ASSERT_EQ(u.polygons.size(), 1u);
    EXPECT_NEAR(geodesic_area_m2(u), 2 * geodesic_area_m2(kSquare), geodesic_area_m2(kSquare) * 0.01);

    // A line crossing the square west to east along 39.1 N: inside for 0.2 degrees of longitude.
    LineString across{{44.9, 39.1}, {45.5, 39.1}};
    EXPECT_NEAR(length_inside_m(across, kSquare), geodesic_distance_m({45.0, 39.1}, {45.2, 39.1}), 5.0);
    EXPECT_EQ(length_inside_m(across, LonLat{45, 39}), 0.0);

    EXPECT_EQ(distance_m({45.1, 39.1}, kSquare), 0.0);
    EXPECT_NEAR(distance_m({45.3, 39.1}, kSquare), geodesic_distance_m({45.3, 39.1}, {45.2, 39.1}), 1.0);
    EXPECT_NEAR(distance_m({45.3, 39.1}, LonLat{45.2, 39.1}), geodesic_distance_m({45.3, 39.1}, {45.2, 39.1}), 1e-6);
    EXPECT_TRUE(std::isinf(distance_m({45, 39}, Geometry{})));
}

TEST(GeometryOps, SafeFromSeveralThreads) {
    std::vector<std::thread> threads;
    std::vector<double> areas(4);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([t, &areas] {
            for (int i = 0; i < 20; ++i) areas[t] = geodesic_area_m2(buffer_m(LonLat{45.0 + t, 39.0}, 5000.0));
        });
    for (auto& th : threads) th.join();
    for (double a : areas) EXPECT_NEAR(a, M_PI * 25e6, M_PI * 25e6 * 0.01);
}

TEST(GeometryOps, RasterBufferIsWithinACellOfTheExactBuffer) {
    // A road with a bend and a crossing street: the raster buffer's area is within the error of its
    // cells (distance / 6) times the outline, and it is valid and counter-clockwise.
    MultiLineString roads{{LineString{{48.87, 38.43}, {48.85, 38.75}, {48.60, 38.80}}, LineString{{48.70, 38.70}, {48.95, 38.60}}}};
    const double d = 2000.0;
    const MultiPolygon exact = buffer_m(roads, d, 16);
    const MultiPolygon approx = raster_buffer_m(roads, d);
    ASSERT_FALSE(approx.polygons.empty());
    EXPECT_TRUE(is_valid(approx));
    const double a_exact = geodesic_area_m2(exact), a_approx = geodesic_area_m2(approx);
    const double perimeter_m = 2 * (geodesic_length_m(roads.lines[0]) + geodesic_length_m(roads.lines[1]));
    EXPECT_NEAR(a_approx, a_exact, perimeter_m * d / 6.0) << a_exact << " vs " << a_approx;
    double twice_area = 0;
    const auto& ring = approx.polygons[0].rings[0];
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) twice_area += ring[i].lon * ring[i + 1].lat - ring[i + 1].lon * ring[i].lat;
    EXPECT_GT(twice_area, 0.0);
    // Points on the roads are inside; a point 5 km off is not.
    EXPECT_TRUE(contains(approx, LonLat{48.86, 38.59}));
    EXPECT_FALSE(contains(approx, LonLat{49.05, 38.45}));
    EXPECT_THROW(raster_buffer_m(roads, -1.0), std::invalid_argument);
    EXPECT_TRUE(raster_buffer_m(Geometry{}, 10.0).polygons.empty());
}
