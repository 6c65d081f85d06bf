// Routing on small ASCII-art networks: noding, borders and crossings, closures, zones, alternatives,
// isochrones, matrices, the cache file, and ALT == Dijkstra.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/geometry_ops.hpp"
#include "aras/geo/layer_io.hpp"
#include "aras/routing/router.hpp"
#include "fixture.hpp"

using namespace aras;
using namespace aras::routing;
using aras::routing::test::AsciiMap;
using aras::routing::test::Gate;
using aras::routing::test::Way;
using nlohmann::json;

namespace {

std::vector<Route> routes_of(const RouteResult& r) {
    if (auto* no = std::get_if<NoRoute>(&r)) throw std::runtime_error("no route: " + no->reason);
    return std::get<std::vector<Route>>(r);
}

RouteRequest request(geo::LonLat a, geo::LonLat b) {
    RouteRequest r;
    r.waypoints = {a, b};
    return r;
}

// IR on the west, AZ on the east; m is a border point both networks touch but must not join through.
const char* kBorderArt =
    "a.......bmc.......d\n"
    "...................\n"
    "...................\n"
    "...................\n"
    "e.......f.g.......h\n";

struct BorderWorld {
    AsciiMap map{kBorderArt};
    std::shared_ptr<const RoadGraph> graph;
    explicit BorderWorld(const std::string& south_status = "open") {
        auto ir = [](std::string nodes) { return Way{nodes, {{"country", "IR"}}}; };
        auto az = [](std::string nodes) { return Way{nodes, {{"country", "AZ"}}}; };
        const auto roads = map.roads({ir("ab"), ir("ae"), ir("ef"), ir("bm"), az("mc"), az("cd"), az("dh"), az("gh")});
        const auto crossings = map.crossings(
            {Gate{"bc", {{"id", "north"}, {"name", "North Gate"}, {"name_a", "Shomal"}, {"country_a", "IR"},
                         {"country_b", "AZ"}, {"status", "open"}}},
             Gate{"fg", {{"id", "south"}, {"name", "South Gate"}, {"country_a", "IR"}, {"country_b", "AZ"},
                         {"status", south_status}}}});
        graph = RoadGraph::build(roads, crossings);
    }
};

}  // namespace

TEST(RoadGraphBuild, NodesAtSharedVerticesAndEnds) {
    AsciiMap map(
        "a...b...c\n"
        "....|....\n"
        "....d....\n");
    // a-b-c is one line; b is shared with b-d, so it is a node; the interior of a line is shape.
    auto g = RoadGraph::build(map.roads({{"abc", {}}, {"bd", {}}}), {});
    EXPECT_EQ(g->node_count(), 4u);
    EXPECT_EQ(g->edge_count(), 6u);  // three two-way pieces
    AsciiMap map2("a...x...c\n");
    auto g2 = RoadGraph::build(map2.roads({{"axc", {}}}), {});
    EXPECT_EQ(g2->node_count(), 2u);  // x is only a shape point
    EXPECT_EQ(g2->edge_count(), 2u);
    EXPECT_EQ(g2->edge_geometry(0).size(), 3u);
    EXPECT_NEAR(g2->edge(0).length_m, 8000.0, 40.0);
}

TEST(RoadGraphBuild, SnapToleranceJoinsNearbyVertices) {
    AsciiMap map("a...b...c\n");
    auto roads = map.roads({{"ab", {}}, {"bc", {}}});
    // Move the second line's start 2 m off b: within the default 5 m it is still the same node.
    std::get<geo::LineString>(roads.features[1].geometry)[0].lon += 2.0 / 87000.0;
    auto joined = RoadGraph::build(roads, {});
    EXPECT_EQ(joined->node_count(), 3u);
    BuildOptions strict;
    strict.snap_tolerance_m = 0.5;
    auto split = RoadGraph::build(roads, {}, strict);
    EXPECT_EQ(split->node_count(), 4u);
    Router router(split);
    auto r = router.route(request(map['a'], map['c']));
    EXPECT_TRUE(std::holds_alternative<NoRoute>(r));
}

TEST(RoadGraphBuild, BadGeometriesAreSkippedWithANote) {
    AsciiMap map("a...b\n");
    auto roads = map.roads({{"ab", {}}});
    geo::Feature point;
    point.geometry = map['a'];
    roads.features.push_back(point);
    BuildReport report;
    auto g = RoadGraph::build(roads, {}, {}, &report);
    EXPECT_EQ(report.roads_read, 1u);
    EXPECT_EQ(report.roads_skipped, 1u);
    EXPECT_EQ(g->node_count(), 2u);
}

TEST(Router, TimeAndDistanceMetricsPickDifferentRoads) {
    AsciiMap map(
        "a.....b\n"
        "c.....d\n");
    auto g = RoadGraph::build(
        map.roads({{"ab", {{"class", "residential"}}}, {"acdb", {{"class", "motorway"}}}}), {});
    Router router(g);
    auto req = request(map['a'], map['b']);
    const auto fast = routes_of(router.route(req)).front();
    EXPECT_NEAR(fast.distance_m, 8000, 100);  // 1 + 6 + 1 km on the motorway
    EXPECT_NEAR(fast.duration_s, 8000 / (100 / 3.6), 10);
    req.costing.metric = Metric::Distance;
    const auto short_ = routes_of(router.route(req)).front();
    EXPECT_NEAR(short_.distance_m, 6000, 100);
    EXPECT_NEAR(short_.duration_s, 6000 / (30 / 3.6), 10);
}

TEST(Router, OneWayIsRespected) {
    AsciiMap map(
        "a.....b\n"
        "c.....d\n");
    auto g = RoadGraph::build(map.roads({{"ab", {{"oneway", 1}}}, {"acdb", {}}}), {});
    Router router(g);
    auto req = request(map['a'], map['b']);
    req.costing.metric = Metric::Distance;
    EXPECT_NEAR(routes_of(router.route(req)).front().distance_m, 6000, 100);
    req.waypoints = {map['b'], map['a']};
    EXPECT_NEAR(routes_of(router.route(req)).front().distance_m, 8000, 100);
}

TEST(Router, BordersAreCrossedOnlyAtCrossings) {
    BorderWorld w;
    Router router(w.graph);
    auto req = request(w.map['a'], w.map['d']);
    const auto r = routes_of(router.route(req)).front();
    EXPECT_EQ(r.crossings, std::vector<std::string>{"North Gate"});
    EXPECT_EQ(r.countries, (std::vector<std::string>{"IR", "AZ"}));
    EXPECT_NEAR(r.duration_s, 16000 / (70 / 3.6) + 3600 + 2000 / (10 / 3.6), 30);
    // Every country change happens on a crossing edge.
    for (std::size_t i = 1; i < r.edges.size(); ++i) {
        const auto a = w.graph->edge(r.edges[i - 1]), b = w.graph->edge(r.edges[i]);
        if (w.graph->node_country(a.source) != w.graph->node_country(b.target)) {
            EXPECT_TRUE(a.crossing != kInvalidId || b.crossing != kInvalidId);
        }
    }
}

TEST(Router, ClosingACrossingReroutesAndClosingAllExplains) {
    BorderWorld w;
    Router router(w.graph);
    auto req = request(w.map['a'], w.map['d']);
    req.costing.closed_crossings = {"north gate"};  // case-insensitive name
    const auto r = routes_of(router.route(req)).front();
    EXPECT_EQ(r.crossings, std::vector<std::string>{"South Gate"});
    req.costing.closed_crossings = {"NORTH", "south"};  // ids work too
    const auto res = router.route(req);
    ASSERT_TRUE(std::holds_alternative<NoRoute>(res));
    EXPECT_EQ(std::get<NoRoute>(res).reason, "every crossing into AZ is closed");
    req.costing.closed_crossings = {"Shomal"};  // the name on side A
    EXPECT_EQ(routes_of(router.route(req)).front().crossings, std::vector<std::string>{"South Gate"});
    req.costing.closed_crossings = {"Nowhere"};
    EXPECT_THROW(router.route(req), CostingError);
}

TEST(Router, ClosedStatusCrossingIsClosedUnlessReopened) {
    BorderWorld w("closed");
    Router router(w.graph);
    auto req = request(w.map['e'], w.map['h']);
    EXPECT_EQ(routes_of(router.route(req)).front().crossings, std::vector<std::string>{"North Gate"});
    req.costing.reopened_crossings = {"south"};
    EXPECT_EQ(routes_of(router.route(req)).front().crossings, std::vector<std::string>{"South Gate"});
}

TEST(Router, CrossingPenaltyIsConfigurable) {
    BorderWorld w;
    Router router(w.graph);
    auto req = request(w.map['a'], w.map['d']);
    const double base = routes_of(router.route(req)).front().duration_s;
    req.costing.crossing_penalty_s = {{"North Gate", 7200.0}};
    const auto r = routes_of(router.route(req)).front();
    // North now costs one more hour; the south detour (+8 km ~ 7 min) wins.
    EXPECT_EQ(r.crossings, std::vector<std::string>{"South Gate"});
    EXPECT_GT(r.duration_s, base);
    req.costing.crossing_penalty_s.clear();
    req.costing.default_crossing_penalty_s = 0.0;
    EXPECT_NEAR(routes_of(router.route(req)).front().duration_s, base - 3600, 1);
}

TEST(Router, HardZoneIsAvoidedAndOriginInsideIsReported) {
    BorderWorld w;
    Router router(w.graph);
    auto req = request(w.map['a'], w.map['d']);
    req.costing.hazards = {Hazard::circle(w.map['c'], 1.5)};
    const auto r = routes_of(router.route(req)).front();
    EXPECT_EQ(r.crossings, std::vector<std::string>{"South Gate"});
    const auto zone = req.costing.hazards[0].area;
    for (const auto& p : r.geometry) EXPECT_FALSE(geo::contains(zone, p));
    req.waypoints = {w.map['c'], w.map['d']};
    const auto res = router.route(req);
    ASSERT_TRUE(std::holds_alternative<NoRoute>(res));
    EXPECT_EQ(std::get<NoRoute>(res).reason, "origin is inside a hard avoid zone");
}

TEST(Router, RoadEntirelyInsideAZoneIsExcluded) {
    AsciiMap map(
        "a.....b\n"
        "..xy...\n"
        "c.....d\n");
    // x-y lies wholly inside the zone: its edges are blocked even though no ring crosses them.
    auto g = RoadGraph::build(map.roads({{"ab", {}}, {"acdb", {}}, {"axyb", {}}}), {});
    Router router(g);
    auto req = request(map['a'], map['b']);
    req.costing.hazards = {Hazard::circle(map['x'], 3.0)};
    // a itself is inside the 3 km circle: choose a zone that holds x-y but not a.
    req.costing.hazards = {Hazard::circle({(map['x'].lon + map['y'].lon) / 2, map['x'].lat}, 0.8)};
    const auto r = routes_of(router.route(req)).front();
    for (auto e : r.edges) EXPECT_NE(g->road(g->edge(e).road).road_id, 3);
}

TEST(Router, SoftZoneAndClosedRoadChangeTheRoute) {
    AsciiMap map(
        "a.....b\n"
        "c.....d\n");
    auto g = RoadGraph::build(map.roads({{"ab", {{"road_id", 10}}}, {"acdb", {{"road_id", 20}}}}), {});
    Router router(g);
    auto req = request(map['a'], map['b']);
    EXPECT_NEAR(routes_of(router.route(req)).front().distance_m, 6000, 100);
    req.costing.hazards = {Hazard::circle({(map['a'].lon + map['b'].lon) / 2, map['a'].lat}, 0.3, false, 3.0)};
    EXPECT_NEAR(routes_of(router.route(req)).front().distance_m, 8000, 100);
    req.costing.hazards.clear();
    req.costing.closed_roads = {10};
    EXPECT_NEAR(routes_of(router.route(req)).front().distance_m, 8000, 100);
    req.costing.closed_roads = {10, 20};
    EXPECT_TRUE(std::holds_alternative<NoRoute>(router.route(req)));
}

TEST(Router, AlternativesAreGenuinelyDifferent) {
    AsciiMap map(
        "a....b....c\n"
        "...........\n"
        "d....e....f\n");
    auto g = RoadGraph::build(map.roads({{"abc", {}}, {"ad", {}}, {"def", {}}, {"fc", {}}, {"be", {}}}), {});
    Router router(g);
    auto req = request(map['a'], map['c']);
    req.alternatives = 2;
    const auto rs = routes_of(router.route(req));
    ASSERT_GE(rs.size(), 2u);
    EXPECT_EQ(rs[0].rank, 0);
    EXPECT_EQ(rs[1].rank, 1);
    EXPECT_NEAR(rs[0].distance_m, 10000, 100);
    EXPECT_LE(rs[1].cost, 1.4 * rs[0].cost);
    EXPECT_GT(rs[1].distance_m, rs[0].distance_m);
}

TEST(Router, ViaPointsAndSameEdgeRoutes) {
    AsciiMap map(
        "a....b....c\n"
        "...........\n"
        "d....e....f\n");
    auto g = RoadGraph::build(map.roads({{"abc", {}}, {"ad", {}}, {"def", {}}, {"fc", {}}}), {});
    Router router(g);
    RouteRequest req;
    req.costing.metric = Metric::Distance;
    req.waypoints = {map['a'], map['e'], map['c']};
    EXPECT_NEAR(routes_of(router.route(req)).front().distance_m, 2000 + 5000 + 5000 + 2000, 150);
    // Both points on the a-b-c line, between a and b: a direct partial-edge route.
    const geo::LonLat p{map['a'].lon + 0.2 * (map['b'].lon - map['a'].lon), map['a'].lat};
    const geo::LonLat q{map['a'].lon + 0.6 * (map['b'].lon - map['a'].lon), map['a'].lat};
    const auto r = routes_of(router.route(request(q, p))).front();
    EXPECT_NEAR(r.distance_m, 2000, 50);
    EXPECT_GE(r.geometry.size(), 2u);
}

TEST(Router, NearestSnapsToTheClosestRoad) {
    AsciiMap map(
        "a....b\n"
        "......\n"
        "c....d\n");
    auto g = RoadGraph::build(map.roads({{"ab", {{"class", "trunk"}, {"ref", "M2"}, {"country", "am"}}}, {"cd", {}}}), {});
    Router router(g);
    const geo::LonLat p{(map['a'].lon + map['b'].lon) / 2, map['a'].lat - 0.3 / 111.32};
    const auto s = router.nearest(p);
    ASSERT_TRUE(s);
    EXPECT_NEAR(s->distance_m, 300, 5);
    EXPECT_EQ(s->road_class, RoadClass::Trunk);
    EXPECT_EQ(s->ref, "M2");
    EXPECT_EQ(s->country, "AM");
    EXPECT_NEAR(s->fraction, 0.5, 0.01);
    EXPECT_THROW(router.nearest({200, 0}), std::invalid_argument);
    // Far away from every road: no route rather than a silly snap.
    auto far = router.route(request({60.0, 30.0}, map['a']));
    ASSERT_TRUE(std::holds_alternative<NoRoute>(far));
}

TEST(Router, IsochroneBandsGrowAndHonourClosures) {
    BorderWorld w;
    Router router(w.graph);
    const auto iso = router.isochrone(w.map['a'], {0.1, 2.0}, {}, 500.0);
    ASSERT_EQ(iso.bands.size(), 2u);
    EXPECT_LT(iso.bands[0].reached_km, iso.bands[1].reached_km);
    EXPECT_TRUE(geo::contains(iso.bands[0].area, w.map['a']));
    EXPECT_FALSE(geo::contains(iso.bands[0].area, w.map['d']));
    EXPECT_TRUE(geo::contains(iso.bands[1].area, w.map['d']));  // 2 h covers the crossing hour
    Costing closed;
    closed.closed_crossings = {"north", "south"};
    const auto iso2 = router.isochrone(w.map['a'], {2.0}, closed, 500.0);
    EXPECT_FALSE(geo::contains(iso2.bands[0].area, w.map['d']));
    const auto fc = to_feature_collection(iso);
    EXPECT_EQ(fc.features.size(), 2u);
    EXPECT_THROW(router.isochrone(w.map['a'], {-1}), std::invalid_argument);
}

TEST(Router, MatrixMatchesRoutes) {
    BorderWorld w;
    Router router(w.graph);
    const std::vector<geo::LonLat> from{w.map['a'], w.map['e']}, to{w.map['d'], w.map['h'], w.map['b']};
    const auto m = router.matrix(from, to);
    ASSERT_EQ(m.rows, 2u);
    ASSERT_EQ(m.cols, 3u);
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            const auto r = routes_of(router.route(request(from[i], to[j]))).front();
            EXPECT_NEAR(m.duration(i, j), r.duration_s, 1.0) << i << "," << j;
            EXPECT_NEAR(m.distance(i, j), r.distance_m, 1.0) << i << "," << j;
        }
    Costing closed;
    closed.closed_crossings = {"north", "south"};
    const auto m2 = router.matrix(from, to, closed);
    EXPECT_TRUE(std::isinf(m2.duration(0, 0)));
    EXPECT_TRUE(std::isfinite(m2.duration(0, 2)));
    EXPECT_TRUE(to_json(m2)["durations_h"][0][0].is_null());
}

TEST(RoadGraphFile, SaveLoadRoundTripAndDamage) {
    BorderWorld w;
    const auto dir = std::filesystem::temp_directory_path() / ("aras_rg_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "g.bin").string();
    w.graph->save(path);
    auto loaded = RoadGraph::load(path);
    EXPECT_EQ(loaded->node_count(), w.graph->node_count());
    EXPECT_EQ(loaded->edge_count(), w.graph->edge_count());
    EXPECT_EQ(loaded->crossings().size(), 2u);
    EXPECT_EQ(loaded->landmark_count(), w.graph->landmark_count());
    Router a(w.graph), b(loaded);
    const auto ra = routes_of(a.route(request(w.map['e'], w.map['d']))).front();
    const auto rb = routes_of(b.route(request(w.map['e'], w.map['d']))).front();
    EXPECT_DOUBLE_EQ(ra.duration_s, rb.duration_s);
    EXPECT_EQ(ra.geometry, rb.geometry);
    // Truncated and foreign files are clear errors.
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    EXPECT_THROW(RoadGraph::load(path), GraphError);
    std::ofstream(path) << "not a graph at all, just some text that is long enough to hold a header.........";
    EXPECT_THROW(RoadGraph::load(path), GraphError);
    EXPECT_THROW(RoadGraph::load((dir / "missing.bin").string()), GraphError);
    std::filesystem::remove_all(dir);
}

// A file whose hierarchy points outside the graph (a damaged disk, a hand-edited file) is refused at load:
// a search must never follow such an arc. Layout: 32-byte header, then 16-byte (offset, bytes) section entries;
// sections 17-21 are the time hierarchy (up offsets, up arcs, down offsets, down arcs, unpack).
TEST(RoadGraphFile, DamagedHierarchyIsRefused) {
    BorderWorld w;
    ASSERT_TRUE(w.graph->has_hierarchy());
    const auto dir = std::filesystem::temp_directory_path() / ("aras_rgch_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "g.bin").string();
    auto damage = [&](int section, std::uint64_t at, std::uint32_t value) {
        w.graph->save(path);
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        std::uint64_t entry[2];
        f.seekg(32 + 16 * section);
        f.read(reinterpret_cast<char*>(entry), sizeof entry);
        ASSERT_GT(entry[1], at + sizeof value) << "section " << section << " too small";
        f.seekp(static_cast<std::streamoff>(entry[0] + at));
        f.write(reinterpret_cast<const char*>(&value), sizeof value);
    };
    w.graph->save(path);
    EXPECT_NO_THROW(RoadGraph::load(path));
    damage(18, 0, 0xfffffff0u);  // an up arc's head far beyond the nodes
    EXPECT_THROW(RoadGraph::load(path), GraphError);
    damage(21, 0, 0xfffffff0u);  // an unpack entry naming an edge that does not exist
    EXPECT_THROW(RoadGraph::load(path), GraphError);
    damage(17, 4, 0xfffffff0u);  // offsets out of order
    EXPECT_THROW(RoadGraph::load(path), GraphError);
    std::filesystem::remove_all(dir);
}

TEST(RoadGraphFile, LoadOrBuildCachesAndRebuildsOnChange) {
    const auto root = std::filesystem::temp_directory_path() / ("aras_lob_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root / "data" / "shapefiles");
    BorderWorld w;
    auto roads = w.map.roads({{"ab", {{"country", "IR"}}}, {"ae", {{"country", "IR"}}}});
    roads.fields = {{"road_id", geo::FieldType::Integer}, {"class", geo::FieldType::String},
                    {"country", geo::FieldType::String}};
    const std::string data = (root / "data").string();
    geo::write_layer(roads, (root / "data" / "shapefiles" / "roads.shp").string(), geo::VectorFormat::Shapefile);
    const std::string cache = (root / "cache").string();
    auto g1 = RoadGraph::load_or_build(data, cache);
    EXPECT_EQ(g1->node_count(), 3u);
    std::size_t files = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(cache)) files += e.is_regular_file();
    EXPECT_EQ(files, 1u);
    auto g2 = RoadGraph::load_or_build(data, cache);  // from the cache file
    EXPECT_EQ(g2->node_count(), 3u);
    roads.features.push_back(roads.features[0]);
    std::get<geo::LineString>(roads.features.back().geometry) = w.map.line("bf");
    std::filesystem::remove(root / "data" / "shapefiles" / "roads.shp");
    geo::write_layer(roads, (root / "data" / "shapefiles" / "roads.shp").string(), geo::VectorFormat::Shapefile);
    std::filesystem::last_write_time(root / "data" / "shapefiles" / "roads.shp",
                                     std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
    auto g3 = RoadGraph::load_or_build(data, cache);
    EXPECT_EQ(g3->node_count(), 4u);
    std::filesystem::remove_all(root);
}

namespace {

// A jittered grid with random classes, some one-ways and two countries joined by three crossings.
std::shared_ptr<const RoadGraph> random_grid(int n, unsigned seed, AsciiMap& dummy) {
    (void)dummy;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> jitter(-0.002, 0.002);
    std::uniform_int_distribution<int> cls(0, 6);
    const char* classes[] = {"motorway", "trunk", "primary", "secondary", "tertiary", "residential", "track"};
    std::vector<std::vector<geo::LonLat>> p(n, std::vector<geo::LonLat>(n));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) p[i][j] = {46.0 + j * 0.01 + jitter(rng), 39.0 - i * 0.01 + jitter(rng)};
    geo::Layer roads{"roads", {}, {}}, crossings{"crossings", {}, {}};
    long id = 0;
    const int border = n / 2;
    auto add = [&](geo::LonLat a, geo::LonLat b, const char* country) {
        geo::Feature f;
        f.geometry = geo::LineString{a, {(a.lon + b.lon) / 2 + jitter(rng) / 4, (a.lat + b.lat) / 2}, b};
        f.properties = {{"road_id", ++id}, {"class", classes[cls(rng)]}, {"country", country},
                        {"oneway", rng() % 10 == 0 ? 1 : 0}};
        roads.features.push_back(std::move(f));
    };
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const char* c = j < border ? "IR" : "AZ";
            if (j + 1 < n && (j + 1 < border) == (j < border)) add(p[i][j], p[i][j + 1], c);
            if (i + 1 < n) add(p[i][j], p[i + 1][j], c);
        }
    for (int k = 0; k < 3; ++k) {
        const int i = (k * n) / 3 + 1;
        geo::Feature f;
        f.geometry = geo::LineString{p[i][border - 1], p[i][border]};
        f.properties = {{"id", "x" + std::to_string(k)}, {"name", "Crossing " + std::to_string(k)},
                        {"country_a", "IR"}, {"country_b", "AZ"}, {"status", "open"}};
        crossings.features.push_back(std::move(f));
    }
    return RoadGraph::build(roads, crossings);
}

}  // namespace

TEST(Router, AltEqualsDijkstraOnRandomPairs) {
    AsciiMap dummy("a\n");
    auto g = random_grid(24, 7, dummy);
    ASSERT_GT(g->landmark_count(), 0);
    Router router(g);
    std::mt19937 rng(42);
    const auto box = g->extent();
    std::uniform_real_distribution<double> lon(box.min_lon, box.max_lon), lat(box.min_lat, box.max_lat);
    int compared = 0;
    for (int k = 0; k < 120; ++k) {
        RouteRequest req;
        req.waypoints = {{lon(rng), lat(rng)}, {lon(rng), lat(rng)}};
        if (k % 3 == 1) req.costing.metric = Metric::Distance;
        if (k % 4 == 2) req.costing.hazards = {Hazard::circle({lon(rng), lat(rng)}, 2.0)};
        if (k % 5 == 3) req.costing.closed_crossings = {"x1"};
        if (k % 6 == 4) req.costing.hazards = {Hazard::circle({lon(rng), lat(rng)}, 3.0, false, 2.5)};
        req.algorithm = Algorithm::Dijkstra;
        const auto d = router.route(req);
        const auto dijkstra_settled = Router::last_stats().settled;
        req.algorithm = Algorithm::Alt;
        const auto a = router.route(req);
        const auto alt_settled = Router::last_stats().settled;
        ASSERT_EQ(d.index(), a.index()) << k;
        if (auto* rd = std::get_if<std::vector<Route>>(&d)) {
            const auto& ra = std::get<std::vector<Route>>(a);
            EXPECT_NEAR(rd->front().cost, ra.front().cost, 1e-6 * rd->front().cost + 1e-6) << k;
            EXPECT_LE(alt_settled, dijkstra_settled + 2) << k;
            ++compared;
        }
    }
    EXPECT_GT(compared, 60);
}

TEST(Router, RejectsBadRequests) {
    BorderWorld w;
    Router router(w.graph);
    RouteRequest req;
    req.waypoints = {w.map['a']};
    EXPECT_THROW(router.route(req), std::invalid_argument);
    req.waypoints = {w.map['a'], {std::nan(""), 1}};
    EXPECT_THROW(router.route(req), std::invalid_argument);
    req.waypoints = {w.map['a'], w.map['d']};
    req.alternatives = -1;
    EXPECT_THROW(router.route(req), std::invalid_argument);
    EXPECT_THROW(Hazard::circle(w.map['a'], -3), CostingError);
    EXPECT_THROW(Hazard::circle(w.map['a'], 3, false, 0.5), CostingError);
    EXPECT_THROW(router.matrix({}, {w.map['a']}), std::invalid_argument);
}
