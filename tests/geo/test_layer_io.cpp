// GDAL layer I/O on small fixtures: reading, reprojection, repair, and round trips through every format.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "aras/geo/geojson.hpp"
#include "aras/geo/layer_io.hpp"

using namespace aras::geo;
namespace fs = std::filesystem;

namespace {
const std::string kLayers = std::string(ARAS_TEST_DATA_DIR) + "/layers";

fs::path scratch(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / ("aras_test_layer_io_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir / name;
}

bool have_ogrinfo() { return std::system("ogrinfo --version >/dev/null 2>&1") == 0; }

const Feature& by_name(const Layer& l, const std::string& name) {
    // KML readers call the <name> element "Name".
    for (const auto& f : l.features)
        if (f.properties.value("name", std::string()) == name || f.properties.value("Name", std::string()) == name)
            return f;
    throw std::runtime_error("no feature " + name);
}
}  // namespace

TEST(LayerIo, FormatsParseAndName) {
    EXPECT_EQ(parse_vector_format("GeoJSON"), VectorFormat::GeoJSON);
    EXPECT_EQ(parse_vector_format("shp"), VectorFormat::Shapefile);
    EXPECT_EQ(parse_vector_format("FGB"), VectorFormat::FlatGeobuf);
    EXPECT_THROW(parse_vector_format("dxf"), std::invalid_argument);
    EXPECT_EQ(file_extension(VectorFormat::GeoPackage), ".gpkg");
    EXPECT_EQ(media_type(VectorFormat::GeoJSON), "application/geo+json");
    EXPECT_EQ(shapefile_source("/d"), "/d/shapefiles");
}

TEST(LayerIo, ListsADirectoryOfShapefiles) {
    auto layers = list_layers(kLayers + "/shapefiles");
    ASSERT_EQ(layers.size(), 2u);
    std::sort(layers.begin(), layers.end(), [](auto& a, auto& b) { return a.name < b.name; });
    EXPECT_EQ(layers[0].name, "places");
    EXPECT_EQ(layers[0].geometry_type, "Point");
    EXPECT_EQ(layers[0].feature_count, 3u);
    EXPECT_NEAR(layers[0].extent.min_lon, 46.2919, 1e-9);
    EXPECT_NEAR(layers[0].extent.max_lat, 40.4093, 1e-9);
    EXPECT_EQ(layers[1].name, "roads");
    EXPECT_EQ(layers[1].geometry_type, "Line String");
}

TEST(LayerIo, ReadsTypedFieldsAndUtf8) {
    LoadReport rep;
    Layer l = read_layer(kLayers + "/places.geojson", "places", &rep);
    EXPECT_EQ(rep.read, 3u);
    EXPECT_FALSE(rep.reprojected);
    ASSERT_EQ(l.features.size(), 3u);
    ASSERT_EQ(l.fields.size(), 4u);
    EXPECT_EQ(l.fields[1].name, "population");
    EXPECT_EQ(l.fields[1].type, FieldType::Integer);
    EXPECT_EQ(l.fields[2].type, FieldType::Real);
    EXPECT_EQ(l.fields[3].type, FieldType::Boolean);
    const Feature& astara = by_name(l, "Astara / آستارا / אסטארה");
    EXPECT_EQ(astara.properties["population"], 51000);
    EXPECT_EQ(astara.properties["border"], true);
    EXPECT_DOUBLE_EQ(astara.properties["elevation"].get<double>(), -20.5);
    EXPECT_EQ(std::get<LonLat>(astara.geometry), (LonLat{48.8728, 38.4297}));
    EXPECT_THROW(read_layer(kLayers + "/places.geojson", "nope"), LayerError);
    EXPECT_THROW(read_layer(kLayers + "/missing.shp", "x"), LayerError);
}

TEST(LayerIo, ReprojectsUtmToLonLat) {
    LoadReport rep;
    Layer l = read_layer(kLayers + "/utm", "places_utm38", &rep);
    EXPECT_TRUE(rep.reprojected);
    EXPECT_EQ(rep.source_crs, "EPSG:32638");
    const auto& p = std::get<LonLat>(by_name(l, "Baku").geometry);
    EXPECT_NEAR(p.lon, 49.8671, 1e-6);
    EXPECT_NEAR(p.lat, 40.4093, 1e-6);
    auto info = list_layers(kLayers + "/utm");
    ASSERT_EQ(info.size(), 1u);
    EXPECT_NEAR(info[0].extent.max_lon, 49.8671, 1e-3);
}

TEST(LayerIo, RepairsABowTieAndDropsMissingGeometry) {
    LoadReport rep;
    Layer l = read_layer(kLayers + "/bowtie.geojson", "", &rep);
    EXPECT_EQ(rep.read, 3u);
    EXPECT_EQ(rep.repaired, 1u);
    EXPECT_EQ(rep.dropped, 1u);
    ASSERT_EQ(l.features.size(), 2u);
    ASSERT_GE(rep.notes.size(), 2u);
    bool mentions_self_intersection = false;
    for (const auto& n : rep.notes) mentions_self_intersection |= n.find("Self-intersection") != std::string::npos;
    EXPECT_TRUE(mentions_self_intersection) << rep.notes[0];
    const auto& fixed = std::get<MultiPolygon>(by_name(l, "bow-tie").geometry);
    EXPECT_EQ(fixed.polygons.size(), 2u);  // two triangles
    EXPECT_TRUE(std::holds_alternative<Polygon>(by_name(l, "square").geometry));
}

class RoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(RoundTrip, KeepsGeometryAndAttributes) {
    const VectorFormat fmt = parse_vector_format(GetParam());
    Layer places = read_layer(kLayers + "/places.geojson", "places");
    places.name = "places";
    const fs::path out = scratch(std::string("places") + std::string(file_extension(fmt)));
    write_layer(places, out.string(), fmt);
    write_layer(places, out.string(), fmt);  // replaces an existing output
    Layer back = read_layer(out.string(), fmt == VectorFormat::Shapefile || fmt == VectorFormat::GeoJSON ? "" : "places");
    ASSERT_EQ(back.features.size(), 3u);
    for (const auto& f : places.features) {
        const std::string name = f.properties["name"];
        const Feature& g = by_name(back, name);  // UTF-8 names survive in every format
        const auto& a = std::get<LonLat>(f.geometry);
        const auto& b = std::get<LonLat>(g.geometry);
        EXPECT_NEAR(a.lon, b.lon, 1e-7);
        EXPECT_NEAR(a.lat, b.lat, 1e-7);
        if (fmt == VectorFormat::KML) {
            // KML (read by LIBKML) keeps integers and reals, calls <name> "Name" and booleans become 0/1.
            EXPECT_EQ(g.properties["Name"], name);
            EXPECT_EQ(g.properties["population"], f.properties["population"]);
            EXPECT_DOUBLE_EQ(g.properties["elevation"].get<double>(), f.properties["elevation"].get<double>());
            EXPECT_EQ(g.properties["border"], f.properties["border"] == true ? 1 : 0);
            continue;
        }
        EXPECT_EQ(g.properties["population"], f.properties["population"]) << GetParam();
        EXPECT_DOUBLE_EQ(g.properties["elevation"].get<double>(), f.properties["elevation"].get<double>());
        if (fmt == VectorFormat::Shapefile) {
            EXPECT_EQ(g.properties["border"].get<int>() != 0 || g.properties["border"] == true, f.properties["border"] == true);
        } else {
            EXPECT_EQ(g.properties["border"], f.properties["border"]) << GetParam();
        }
    }
    if (fmt == VectorFormat::Shapefile) {
        EXPECT_TRUE(fs::exists(fs::path(out).replace_extension(".prj")));
        std::ifstream cpg(fs::path(out).replace_extension(".cpg"));
        std::string enc;
        std::getline(cpg, enc);
        EXPECT_EQ(enc, "UTF-8");
    }
    if (fmt == VectorFormat::GeoJSON) {
        std::ifstream in(out);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(text.find("\"crs\""), std::string::npos);
    }
    if (have_ogrinfo()) {
        EXPECT_EQ(std::system(("ogrinfo -ro -so '" + out.string() + "' >/dev/null 2>&1").c_str()), 0);
    }
}

TEST_P(RoundTrip, PolygonsAndLinesSurvive) {
    const VectorFormat fmt = parse_vector_format(GetParam());
    Layer roads = read_layer(kLayers + "/roads.geojson", "");
    roads.name = "roads";
    const fs::path out = scratch(std::string("roads") + std::string(file_extension(fmt)));
    write_layer(roads, out.string(), fmt);
    Layer back = read_layer(out.string(), fmt == VectorFormat::Shapefile || fmt == VectorFormat::GeoJSON ? "" : "roads");
    ASSERT_EQ(back.features.size(), 2u);
    const auto& a = std::get<LineString>(roads.features[0].geometry);
    const auto& b = std::get<LineString>(back.features[0].geometry);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i].lon, b[i].lon, 1e-7);

    Layer areas = read_layer(kLayers + "/bowtie.geojson", "");
    areas.name = "areas";
    const fs::path out2 = scratch(std::string("areas") + std::string(file_extension(fmt)));
    write_layer(areas, out2.string(), fmt);
    Layer back2 = read_layer(out2.string(), fmt == VectorFormat::Shapefile || fmt == VectorFormat::GeoJSON ? "" : "areas");
    ASSERT_EQ(back2.features.size(), 2u);
    const auto bb = bbox_of(by_name(back2, "square").geometry);
    EXPECT_NEAR(bb.min_lon, 45.5, 1e-7);
    EXPECT_NEAR(bb.max_lat, 39.2, 1e-7);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, RoundTrip, ::testing::Values("geojson", "gpkg", "shp", "fgb", "kml"));

TEST(LayerIo, WritesBytesForDownloads) {
    Layer places = read_layer(kLayers + "/places.geojson", "places");
    const std::string gj = write_layer_bytes(places, VectorFormat::GeoJSON);
    EXPECT_EQ(parse_geojson(gj).features.size(), 3u);
    const std::string zip = write_layer_bytes(places, VectorFormat::Shapefile);
    ASSERT_GT(zip.size(), 4u);
    EXPECT_EQ(zip.substr(0, 2), "PK");
    const std::string gpkg = write_layer_bytes(places, VectorFormat::GeoPackage);
    EXPECT_EQ(gpkg.substr(0, 15), "SQLite format 3");
    EXPECT_GT(write_layer_bytes(places, VectorFormat::FlatGeobuf).size(), 100u);
    EXPECT_NE(write_layer_bytes(places, VectorFormat::KML).find("<kml"), std::string::npos);
}

TEST(LayerIo, InfersFieldsAndRejectsMixedShapefile) {
    Layer l;
    l.name = "mixed";
    l.features.push_back(Feature{LonLat{45, 39}, {{"n", 1}, {"label", "a"}}, nullptr});
    l.features.push_back(Feature{LineString{{45, 39}, {46, 40}}, {{"n", 2.5}}, nullptr});
    const fs::path gpkg = scratch("mixed.gpkg");
    write_layer(l, gpkg.string(), VectorFormat::GeoPackage);
    Layer back = read_layer(gpkg.string(), "mixed");
    ASSERT_EQ(back.fields.size(), 2u);
    EXPECT_EQ(back.fields[0].name, "label");
    EXPECT_EQ(back.fields[1].type, FieldType::Real);
    EXPECT_EQ(back.features[1].properties["n"], 2.5);
    EXPECT_THROW(write_layer(l, scratch("mixed.shp").string(), VectorFormat::Shapefile), LayerError);
    EXPECT_THROW(write_layer(l, fs::temp_directory_path().string(), VectorFormat::GeoJSON), LayerError);
}
