#include <gtest/gtest.h>

#include "aras/geo/feature.hpp"

using namespace aras::geo;

TEST(BBox, ExtendsOverEveryPartOfAGeometry) {
    Geometry g = Polygon{{{{44.0, 38.0}, {46.0, 38.0}, {46.0, 40.0}, {44.0, 38.0}}}};
    BBox b = bbox_of(g);
    EXPECT_DOUBLE_EQ(b.min_lon, 44.0);
    EXPECT_DOUBLE_EQ(b.max_lat, 40.0);
    EXPECT_TRUE(b.contains({45.0, 39.0}));
    EXPECT_FALSE(b.contains({47.0, 39.0}));
}

TEST(LonLat, RejectsOutOfRangeAndNonFinite) {
    EXPECT_TRUE(is_valid(LonLat{48.87, 38.43}));
    EXPECT_FALSE(is_valid(LonLat{181.0, 0.0}));
    EXPECT_FALSE(is_valid(LonLat{0.0, std::nan("")}));
}
