// End to end: `aras import` of real OSM extracts (Andorra, Monaco) into a data directory, read back and routed on.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geodesy.hpp"
#include "aras/geo/layer_io.hpp"
#include "aras/geo/osm_import.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"

namespace fs = std::filesystem;
using namespace aras;

namespace {

const std::string kOsm = std::string(ARAS_TEST_DATA_DIR) + "/osm/";

fs::path fresh_dir(const std::string& tag) {
    std::random_device rd;
    fs::path p = fs::temp_directory_path() / ("aras-import-" + tag + "-" + std::to_string(rd()));
    fs::remove_all(p);
    return p;
}

// Runs build/aras with `args`; stderr goes to `err` (read back by the caller). Returns the exit code.
int run_aras(const std::string& args, std::string* err = nullptr) {
    const fs::path log = fresh_dir("stderr");
    const std::string cmd = std::string("'") + ARAS_BINARY + "' " + args + " 2>'" + log.string() + "' >/dev/null";
    const int status = std::system(cmd.c_str());
    if (err) {
        std::ifstream in(log);
        err->assign(std::istreambuf_iterator<char>(in), {});
    }
    fs::remove(log);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Distance from `p` to the nearest feature of a line layer.
double nearest_road_m(const geo::Layer& roads, const geo::LonLat& p) {
    double best = 1e18;
    for (const auto& f : roads.features)
        if (const auto* line = std::get_if<geo::LineString>(&f.geometry))
            best = std::min(best, geo::project_onto_line(p, *line).distance_m);
    return best;
}

// One import per extract for the whole suite (each takes about a second).
class ImportedRegion : public ::testing::Test {
protected:
    struct Region {
        fs::path dir;
        geo::Layer roads, places, borders, countries, crossings;
    };
    static Region* andorra;
    static Region* monaco;

    static Region* import(const std::string& name) {
        auto* r = new Region;
        r->dir = fresh_dir(name);
        std::string err;
        const int rc = run_aras("import '" + kOsm + name + ".osm.pbf' --out '" + r->dir.string() + "'", &err);
        EXPECT_EQ(rc, 0) << err;
        const std::string src = geo::shapefile_source(r->dir.string());
        r->roads = geo::read_layer(src, "roads");
        r->places = geo::read_layer(src, "places");
        r->borders = geo::read_layer(src, "borders");
        r->countries = geo::read_layer(src, "countries");
        r->crossings = geo::read_layer(src, "crossings");
        return r;
    }
    static void SetUpTestSuite() {
        andorra = import("andorra");
        monaco = import("monaco");
    }
    static void TearDownTestSuite() {
        for (Region* r : {andorra, monaco}) {
            fs::remove_all(r->dir);
            delete r;
        }
    }
};
ImportedRegion::Region* ImportedRegion::andorra = nullptr;
ImportedRegion::Region* ImportedRegion::monaco = nullptr;

// A string property; "" when null (a shapefile gives empty strings back as null).
std::string text(const geo::Feature& f, const std::string& key) {
    auto it = f.properties.find(key);
    return (it == f.properties.end() || !it->is_string()) ? std::string() : it->get<std::string>();
}

// The `names` property: a JSON text in shapefiles; GeoJSON readers may hand back the object itself.
nlohmann::json names_of(const geo::Feature& f) {
    const auto& v = f.properties.at("names");
    return v.is_string() ? nlohmann::json::parse(v.get<std::string>()) : v;
}

std::set<std::string> classes_of(const geo::Layer& roads) {
    std::set<std::string> out;
    for (const auto& f : roads.features) out.insert(f.properties.at("class").get<std::string>());
    return out;
}

const geo::Feature* place_named(const geo::Layer& places, const std::string& name) {
    for (const auto& f : places.features)
        if (text(f, "name") == name) return &f;
    return nullptr;
}

}  // namespace

TEST_F(ImportedRegion, WritesEveryLayerAndNoTempDir) {
    for (const char* layer : {"roads", "crossings", "places", "countries", "borders"})
        EXPECT_TRUE(fs::exists(andorra->dir / "shapefiles" / (std::string(layer) + ".shp"))) << layer;
    EXPECT_TRUE(fs::exists(andorra->dir / "shapefiles" / "roads.cpg"));
    EXPECT_TRUE(fs::exists(andorra->dir / "places.geojson"));
    EXPECT_TRUE(fs::exists(andorra->dir / "import.json"));
    EXPECT_FALSE(fs::exists(andorra->dir.string() + ".tmp"));
}

TEST_F(ImportedRegion, AndorraRoadsHaveTheDatasetSchema) {
    // 1614 highway=* ways in this extract; footways, tracks, paths and steps are not roads for Aras.
    EXPECT_EQ(andorra->roads.features.size(), 1179u);
    const auto classes = classes_of(andorra->roads);
    for (const char* c : {"primary", "secondary", "tertiary", "unknown"}) EXPECT_TRUE(classes.count(c)) << c;
    for (const auto& c : classes)
        EXPECT_TRUE(c == "motorway" || c == "trunk" || c == "primary" || c == "secondary" || c == "tertiary" ||
                    c == "unknown")
            << c;
    std::set<long long> ids;
    for (const auto& f : andorra->roads.features) {
        EXPECT_EQ(f.properties.at("source"), "osm");
        EXPECT_GT(f.properties.at("speed_kmh").get<double>(), 0.0);
        EXPECT_GT(f.properties.at("length_m").get<double>(), 0.0);
        const int oneway = f.properties.at("oneway").get<int>();
        EXPECT_TRUE(oneway == 0 || oneway == 1);
        ids.insert(f.properties.at("road_id").get<long long>());
    }
    EXPECT_EQ(ids.size(), andorra->roads.features.size()) << "road_id must be unique";
    // The CG-2 main road through the valley keeps its ref.
    bool cg2 = false;
    for (const auto& f : andorra->roads.features) cg2 = cg2 || text(f, "ref") == "CG-2";
    EXPECT_TRUE(cg2);
}

TEST_F(ImportedRegion, AndorraLaVellaHasARoadAndANamedPlace) {
    EXPECT_LT(nearest_road_m(andorra->roads, {1.5218, 42.5063}), 200.0);
    const geo::Feature* alv = place_named(andorra->places, "Andorra la Vella");
    ASSERT_NE(alv, nullptr);
    EXPECT_EQ(alv->properties.at("kind"), "town");
    EXPECT_EQ(alv->properties.at("name_ru"), "Андорра-ла-Велья");
    EXPECT_EQ(alv->properties.at("name_he"), "אנדורה לה ולה");
    EXPECT_EQ(alv->properties.at("name_fa"), "آندورا لاولا");
    // The shapefile keeps as many name:* entries as fit in 254 bytes, planners' languages first...
    const auto names = names_of(*alv);
    EXPECT_EQ(names.at("ru"), "Андорра-ла-Велья");
    // ...and places.geojson keeps all of them.
    const geo::Layer full = geo::read_layer((andorra->dir / "places.geojson").string(), "places");
    bool found = false;
    for (const auto& f : full.features) {
        if (text(f, "name") != "Andorra la Vella") continue;
        found = true;
        const auto all = names_of(f);
        EXPECT_GT(all.size(), 50u);
        EXPECT_EQ(all.at("ja"), "アンドラ・ラ・ベリャ");
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(andorra->places.features.size(), 39u);
}

TEST_F(ImportedRegion, AndorraBordersAreTheCountryBoundaryWays) {
    EXPECT_EQ(andorra->borders.features.size(), 18u);
    std::set<std::string> sides;
    for (const auto& f : andorra->borders.features) {
        sides.insert(text(f, "left"));
        sides.insert(text(f, "right"));
    }
    EXPECT_TRUE(sides.count("AD")) << "Andorra's place=country node maps the name to its ISO code";
    // This extract holds neither the Andorra relation nor a closed ring of admin_level=2 ways: no country polygon,
    // and nothing guessed.
    EXPECT_TRUE(andorra->countries.features.empty());
    EXPECT_TRUE(andorra->crossings.features.empty()) << "no barrier=border_control node in this extract";
}

TEST_F(ImportedRegion, MonacoHasMotorwaysARoadAtMonteCarloAndTheCity) {
    EXPECT_EQ(monaco->roads.features.size(), 1760u);
    EXPECT_TRUE(classes_of(monaco->roads).count("motorway"));
    EXPECT_LT(nearest_road_m(monaco->roads, {7.4246, 43.7384}), 100.0);
    const geo::Feature* mc = place_named(monaco->places, "Monaco");
    ASSERT_NE(mc, nullptr);
    EXPECT_EQ(mc->properties.at("kind"), "city");
    EXPECT_GE(monaco->places.features.size(), 6u);
    // The Monaco–France land boundary ways, without the maritime ones.
    EXPECT_GE(monaco->borders.features.size(), 3u);
}

TEST_F(ImportedRegion, GeocodesTheRegionInEveryNameLanguage) {
    // The import writes the region's gazetteer from the place nodes and their name:* tags.
    const auto gazetteer = geo::Gazetteer::load(andorra->dir.string());
    ASSERT_GE(gazetteer->size(), 5u);
    for (const char* query : {"Andorra la Vella", "Андорра-ла-Велья", "andora la vela", "אנדורה לה ולה"}) {
        geo::GeocodeQuery q;
        q.text = query;
        const auto matches = gazetteer->geocode(q);
        ASSERT_FALSE(matches.empty()) << query;
        EXPECT_EQ(matches.front().place->name, "Andorra la Vella") << query;
        EXPECT_NEAR(matches.front().place->location.lon, 1.5212, 0.01) << query;
    }
    const auto where = gazetteer->reverse(geo::LonLat{1.5225, 42.5080});
    ASSERT_TRUE(where.nearest.has_value());
    EXPECT_EQ(where.nearest->place->name, "Andorra la Vella");
    EXPECT_LT(where.distance_m, 500.0);
}

TEST_F(ImportedRegion, TheRoutingEngineRoutesOnTheImport) {
    const fs::path cache = fresh_dir("cache");
    // Andorra la Vella -> Sant Julià de Lòria (its place node) along the CG-1; Monte Carlo -> Fontvieille.
    for (auto [region, from, to, crow_m] :
         {std::tuple{andorra, geo::LonLat{1.5218, 42.5063}, geo::LonLat{1.4921, 42.4667}, 5000.0},
          std::tuple{monaco, geo::LonLat{7.4246, 43.7384}, geo::LonLat{7.4197, 43.7311}, 900.0}}) {
        auto graph = routing::RoadGraph::load_or_build(region->dir.string(), cache.string());
        routing::Router router(graph);
        routing::RouteRequest req;
        req.waypoints = {from, to};
        const auto result = router.route(req);
        ASSERT_TRUE(std::holds_alternative<std::vector<routing::Route>>(result))
            << std::get<routing::NoRoute>(result).reason;
        const auto& best = std::get<std::vector<routing::Route>>(result).at(0);
        EXPECT_GT(best.distance_m, crow_m * 0.9);
        EXPECT_LT(best.distance_m, crow_m * 3.0);
        EXPECT_GT(best.duration_s, 0.0);
    }
    fs::remove_all(cache);
}

TEST(OsmImportErrors, MissingCorruptAndTruncatedFilesFailCleanly) {
    const fs::path tmp = fresh_dir("bad");
    fs::create_directories(tmp);
    {
        std::ofstream(tmp / "garbage.osm.pbf") << std::string(4096, '\x7f') << "not osm";
        std::ifstream in(kOsm + "monaco.osm.pbf", std::ios::binary);
        std::string bytes(300000, '\0');
        in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        std::ofstream(tmp / "truncated.osm.pbf", std::ios::binary) << bytes;
    }
    for (const std::string& input : {(tmp / "missing.osm.pbf").string(), (tmp / "garbage.osm.pbf").string(),
                                    (tmp / "truncated.osm.pbf").string()}) {
        const fs::path out = tmp / "out";
        std::string err;
        EXPECT_EQ(run_aras("import '" + input + "' --out '" + out.string() + "'", &err), 1) << input;
        EXPECT_NE(err.find(fs::path(input).filename().string()), std::string::npos) << err;
        EXPECT_FALSE(fs::exists(out)) << "no partial output for " << input;
        EXPECT_FALSE(fs::exists(out.string() + ".tmp")) << input;
    }
    std::string err;
    EXPECT_EQ(run_aras("import", &err), 2);
    EXPECT_EQ(run_aras("import '" + kOsm + "andorra.osm.pbf'", &err), 2) << "--out is required";
    // An existing output is never overwritten without --force.
    fs::create_directories(tmp / "exists");
    EXPECT_EQ(run_aras("import '" + kOsm + "andorra.osm.pbf' --out '" + (tmp / "exists").string() + "'", &err), 1);
    EXPECT_NE(err.find("--force"), std::string::npos);
    fs::remove_all(tmp);
}

TEST(OsmImportTables, MaxspeedAndClasses) {
    EXPECT_DOUBLE_EQ(geo::parse_maxspeed_kmh("50"), 50.0);
    EXPECT_NEAR(geo::parse_maxspeed_kmh("30 mph"), 48.28, 0.01);
    EXPECT_DOUBLE_EQ(geo::parse_maxspeed_kmh("50;70"), 50.0);
    EXPECT_DOUBLE_EQ(geo::parse_maxspeed_kmh("RU:urban"), 0.0);
    EXPECT_DOUBLE_EQ(geo::parse_maxspeed_kmh("none"), 0.0);
    EXPECT_DOUBLE_EQ(geo::parse_maxspeed_kmh(""), 0.0);
    EXPECT_EQ(geo::road_class_of("motorway_link"), "motorway");
    EXPECT_EQ(geo::road_class_of("trunk"), "trunk");
    EXPECT_EQ(geo::road_class_of("residential"), "unknown");
    EXPECT_EQ(geo::road_class_of("footway"), "");
    EXPECT_EQ(geo::road_class_of("track"), "");
    EXPECT_GT(geo::default_speed_kmh("motorway"), geo::default_speed_kmh("residential"));
    EXPECT_EQ(geo::default_speed_kmh("path"), 0.0);
}

TEST(OsmImportLibrary, ThrowsTypedErrors) {
    EXPECT_THROW(geo::import_osm("/nonexistent/x.osm.pbf"), geo::OsmImportError);
}
