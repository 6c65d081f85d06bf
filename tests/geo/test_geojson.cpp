// The RFC 7946 writer's output and the reader's rejection of malformed input.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "aras/geo/geojson.hpp"

using namespace aras::geo;
using nlohmann::json;

namespace {
double ring_area2(const json& ring) {
    double a = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        a += ring[i][0].get<double>() * ring[i + 1][1].get<double>() - ring[i + 1][0].get<double>() * ring[i][1].get<double>();
    return a;
}

std::string error_where(const std::string& text) {
    try {
        parse_geojson(text);
    } catch (const GeoJsonError& e) {
        return e.where();
    }
    return "<no error>";
}
}  // namespace

TEST(GeoJsonWriter, ExteriorRingsCounterClockwiseHolesClockwise) {
    // Exterior given clockwise and hole counter-clockwise: the writer must flip both.
    Polygon p{{{{44, 38}, {44, 40}, {46, 40}, {46, 38}, {44, 38}},
               {{44.5, 38.5}, {45.5, 38.5}, {45.5, 39.5}, {44.5, 39.5}, {44.5, 38.5}}}};
    json g = geometry_to_json(p);
    EXPECT_EQ(g["type"], "Polygon");
    EXPECT_GT(ring_area2(g["coordinates"][0]), 0);
    EXPECT_LT(ring_area2(g["coordinates"][1]), 0);
    json mp = geometry_to_json(MultiPolygon{{p, p}});
    EXPECT_GT(ring_area2(mp["coordinates"][1][0]), 0);
    EXPECT_LT(ring_area2(mp["coordinates"][1][1]), 0);
}

TEST(GeoJsonWriter, RoundsToPrecisionWithoutTrailingNoise) {
    Feature f{LonLat{44.1000000000013, 38.123456789}, json::object(), nullptr};
    const std::string s = to_geojson(f);
    EXPECT_NE(s.find("[44.1,38.123457]"), std::string::npos) << s;
    EXPECT_NE(to_geojson(f, GeoJsonOptions{2}).find("[44.1,38.12]"), std::string::npos);
    // No negative zero.
    EXPECT_NE(to_geojson(Feature{LonLat{-0.0000001, 0.0}, {}, nullptr}).find("[0,0]"), std::string::npos);
    // Any coordinate prints with at most 6 decimals (nlohmann's own printer would not guarantee it).
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> lon(-180, 180);
    LineString line;
    for (int i = 0; i < 20000; ++i) line.push_back({lon(rng), lon(rng) / 2});
    const std::string text = to_geojson(Feature{line, {}, nullptr});
    std::size_t decimals = 0, worst = 0;
    for (char c : text) {
        if (c == '.') decimals = 0;
        else if (c >= '0' && c <= '9') ++decimals;
        else { worst = std::max(worst, decimals); decimals = 0; }
    }
    EXPECT_LE(worst, 6u);
    const json back = json::parse(text);
    for (std::size_t i = 0; i < line.size(); ++i)
        ASSERT_NEAR(back["geometry"]["coordinates"][i][0].get<double>(), line[i].lon, 5e-7);
}

TEST(GeoJsonWriter, NoCrsUnescapedUtf8IdAndForeignMembers) {
    FeatureCollection fc;
    Feature f{LonLat{48.8728, 38.4297}, {{"name", "Astara / آستارا / אסטארה"}, {"population", 51000}}, "astara"};
    fc.features.push_back(f);
    fc.foreign_members["summary"] = {{"count", 1}};
    fc.foreign_members["crs"] = "EPSG:4326";  // must never reach the output
    const std::string s = to_geojson(fc);
    EXPECT_EQ(s.find("\"crs\""), std::string::npos);
    EXPECT_NE(s.find("Astara / آستارا / אסטארה"), std::string::npos) << s;
    EXPECT_EQ(s.find("\\u"), std::string::npos);
    EXPECT_EQ(s.rfind("{\"type\":\"FeatureCollection\",\"features\":", 0), 0u) << s;
    json j = json::parse(s);
    EXPECT_EQ(j["features"][0]["id"], "astara");
    EXPECT_EQ(j["summary"]["count"], 1);
    EXPECT_EQ(j["features"][0]["properties"]["population"], 51000);
}

TEST(GeoJsonReader, ReadsCollectionsFeaturesAndBareGeometriesAndRewinds) {
    FeatureCollection fc = parse_geojson(R"({"type":"FeatureCollection","summary":{"a":1},"features":[
        {"type":"Feature","id":7,"geometry":{"type":"Polygon","coordinates":[[[44,38],[44,40],[46,40],[44,38]]]},
         "properties":{"name":"x"}},
        {"type":"Feature","geometry":null,"properties":null}]})");
    ASSERT_EQ(fc.features.size(), 2u);
    EXPECT_EQ(fc.features[0].id, 7);
    EXPECT_EQ(fc.features[0].properties["name"], "x");
    EXPECT_EQ(fc.foreign_members["summary"]["a"], 1);
    const auto& ring = std::get<Polygon>(fc.features[0].geometry).rings[0];
    EXPECT_EQ(ring[1], (LonLat{46, 40})) << "clockwise input is rewound to counter-clockwise";
    EXPECT_TRUE(std::holds_alternative<std::monostate>(fc.features[1].geometry));
    EXPECT_TRUE(fc.features[1].properties.is_object());

    fc = parse_geojson(R"({"type":"MultiLineString","coordinates":[[[44,38,100],[45,39]]]})");
    ASSERT_EQ(fc.features.size(), 1u);
    EXPECT_EQ(std::get<MultiLineString>(fc.features[0].geometry).lines[0][0], (LonLat{44, 38}));
    fc = parse_geojson(R"({"type":"Feature","geometry":{"type":"Point","coordinates":[48.87,38.43]},"properties":{}})");
    EXPECT_EQ(std::get<LonLat>(fc.features[0].geometry), (LonLat{48.87, 38.43}));
}

TEST(GeoJsonReader, RejectsMalformedInputWithAPointer) {
    EXPECT_EQ(error_where("{not json"), "");
    EXPECT_THROW(parse_geojson("{not json"), GeoJsonError);
    EXPECT_THROW(parse_geojson("[1,2]"), GeoJsonError);
    EXPECT_EQ(error_where(R"({"type":"Pointy","coordinates":[1,2]})"), "/type");
    EXPECT_EQ(error_where(R"({"type":7})"), "/type");
    EXPECT_EQ(error_where(R"({"coordinates":[1,2]})"), "");
    EXPECT_EQ(error_where(R"({"type":"Point"})"), "");
    EXPECT_EQ(error_where(R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
        "geometry":{"type":"Point","coordinates":[44,"38"]}}]})"),
              "/features/0/geometry/coordinates/1");
    EXPECT_THROW(parse_geojson(R"({"type":"Point","coordinates":[1e999,38]})"), GeoJsonError);
    EXPECT_EQ(error_where(R"({"type":"Point","coordinates":[181,38]})"), "/coordinates/0");
    EXPECT_EQ(error_where(R"({"type":"Point","coordinates":[44,-91]})"), "/coordinates/1");
    EXPECT_EQ(error_where(R"({"type":"Point","coordinates":[44]})"), "/coordinates");
    EXPECT_EQ(error_where(R"({"type":"LineString","coordinates":[[44,38]]})"), "/coordinates");
    EXPECT_EQ(error_where(R"({"type":"Polygon","coordinates":[[[44,38],[45,38],[44,38]]]})"), "/coordinates/0");
    EXPECT_EQ(error_where(R"({"type":"MultiPolygon","coordinates":[[[[44,38],[45,38],[45,39],[44,39.5]]]]})"),
              "/coordinates/0/0");
    EXPECT_EQ(error_where(R"({"type":"Feature","geometry":null,"properties":[1]})"), "/properties");
    EXPECT_EQ(error_where(R"({"type":"Feature","properties":{}})"), "");
    EXPECT_EQ(error_where(R"({"type":"FeatureCollection","features":{}})"), "/features");
    EXPECT_EQ(error_where(R"({"type":"GeometryCollection","geometries":[]})"), "/type");
}

TEST(GeoJsonReader, LimitsNestingDepth) {
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    EXPECT_THROW(parse_geojson(deep), GeoJsonError);
    std::string props = R"({"type":"Feature","geometry":null,"properties":{"a":)" + std::string(200, '[') +
                        std::string(200, ']') + "}}";
    EXPECT_THROW(parse_geojson(props), GeoJsonError);
}

TEST(GeoJsonReader, WriterOutputReadsBack) {
    Polygon p{{{{44, 38}, {46, 38}, {46, 40}, {44, 38}}}};
    FeatureCollection fc;
    fc.features.push_back(Feature{p, {{"n", 1}}, nullptr});
    fc.features.push_back(Feature{LineString{{44.25, 38.5}, {45.125, 39.0625}}, {}, nullptr});
    FeatureCollection back = parse_geojson(to_geojson(fc));
    ASSERT_EQ(back.features.size(), 2u);
    EXPECT_EQ(std::get<Polygon>(back.features[0].geometry), p);
    EXPECT_EQ(back.features[1].geometry, fc.features[1].geometry);
}
