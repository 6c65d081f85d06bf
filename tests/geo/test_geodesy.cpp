// Geodesic measures checked against PROJ's `geod` and closed-form expectations.
#include <gtest/gtest.h>

#include <cmath>

#include "aras/geo/geodesy.hpp"

using namespace aras::geo;

namespace {
const LonLat kBaku{49.8671, 40.4093};
const LonLat kTehran{51.389, 35.6892};
}  // namespace

TEST(Geodesy, BakuToTehranMatchesProjGeod) {
    // echo "40.4093 49.8671 35.6892 51.389" | geod +ellps=WGS84 -I +units=m  ->  540654.263 m, az 165.222
    EXPECT_NEAR(geodesic_distance_m(kBaku, kTehran), 540654.263, 0.01);
    EXPECT_NEAR(geodesic_azimuth_deg(kBaku, kTehran), 165.222, 0.001);
    EXPECT_NEAR(geodesic_length_m(LineString{kBaku, kTehran, kBaku}), 2 * 540654.263, 0.02);
}

TEST(Geodesy, DestinationInvertsDistanceAndAzimuth) {
    const double az = geodesic_azimuth_deg(kBaku, kTehran);
    LonLat p = geodesic_destination(kBaku, az, geodesic_distance_m(kBaku, kTehran));
    EXPECT_NEAR(p.lon, kTehran.lon, 1e-9);
    EXPECT_NEAR(p.lat, kTehran.lat, 1e-9);
}

TEST(Geodesy, CircleIsClosedCounterClockwiseAndHasTheRadius) {
    const LonLat astara{48.8728, 38.4297};
    Polygon c = geodesic_circle(astara, 10000.0, 64);
    ASSERT_EQ(c.rings.size(), 1u);
    ASSERT_EQ(c.rings[0].size(), 65u);
    EXPECT_EQ(c.rings[0].front(), c.rings[0].back());
    for (const auto& v : c.rings[0]) EXPECT_NEAR(geodesic_distance_m(astara, v), 10000.0, 1e-6);
    double a2 = 0;
    const auto& r = c.rings[0];
    for (std::size_t i = 0; i + 1 < r.size(); ++i) a2 += r[i].lon * r[i + 1].lat - r[i + 1].lon * r[i].lat;
    EXPECT_GT(a2, 0.0) << "ring must be counter-clockwise";
    // A 64-gon inscribed in a 10 km circle: pi r^2 * sin(2pi/64) * 64 / (2pi).
    const double expected = 0.5 * 64 * std::sin(2 * M_PI / 64) * 1e8;
    EXPECT_NEAR(geodesic_area_m2(c), expected, expected * 1e-3);
}

TEST(Geodesy, CircleRejectsBadInput) {
    EXPECT_THROW(geodesic_circle(kBaku, -1.0), std::invalid_argument);
    EXPECT_THROW(geodesic_circle(kBaku, std::nan("")), std::invalid_argument);
    EXPECT_THROW(geodesic_circle(LonLat{200, 0}, 10.0), std::invalid_argument);
}

TEST(Geodesy, AreaSubtractsHoles) {
    Polygon square{{{{45, 39}, {45.1, 39}, {45.1, 39.1}, {45, 39.1}, {45, 39}}}};
    const double outer = geodesic_area_m2(square);
    EXPECT_NEAR(outer, 9.61e7, 0.01e7);  // ~8.66 x 11.1 km
    square.rings.push_back({{45.02, 39.02}, {45.02, 39.08}, {45.08, 39.08}, {45.08, 39.02}, {45.02, 39.02}});
    EXPECT_LT(geodesic_area_m2(square), outer * 0.7);
    EXPECT_EQ(geodesic_area_m2(Geometry{kBaku}), 0.0);
}

TEST(Geodesy, ProjectOntoLineFindsTheFoot) {
    // A west-east line along 39 N; a point 0.01 deg north of its middle.
    LineString line{{45.0, 39.0}, {45.1, 39.0}, {45.2, 39.0}};
    LineProjection pr = project_onto_line({45.15, 39.01}, line);
    EXPECT_EQ(pr.segment, 1u);
    EXPECT_NEAR(pr.fraction, 0.5, 1e-3);
    EXPECT_NEAR(pr.point.lon, 45.15, 1e-6);
    EXPECT_NEAR(pr.point.lat, 39.0, 1e-4);
    EXPECT_NEAR(pr.distance_m, 1110.0, 5.0);
    // Beyond the end the foot is the last vertex.
    pr = project_onto_line({45.5, 39.0}, line);
    EXPECT_EQ(pr.segment, 1u);
    EXPECT_DOUBLE_EQ(pr.fraction, 1.0);
    EXPECT_EQ(pr.point, line.back());
    EXPECT_NEAR(pr.distance_m, geodesic_distance_m({45.5, 39.0}, line.back()), 1e-6);
    EXPECT_THROW(project_onto_line({45, 39}, LineString{}), std::invalid_argument);
}
