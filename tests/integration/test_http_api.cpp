// The HTTP API over real loopback HTTP: every endpoint, the error table's cases, keep-alive,
// timeouts and graceful shutdown, against `aras serve` started as a child process.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http_client.hpp"

using aras::test::Connection;
using aras::test::HttpResponse;
using aras::test::ServerProcess;
using nlohmann::json;

namespace {

std::string web_dir() {
    static const std::string dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("aras_web_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(d / "js");
        std::ofstream(d / "index.html") << "<!doctype html><title>Aras</title>";
        std::ofstream(d / "js" / "app.js") << "console.log('aras');";
        std::ofstream(d / "style.css") << "body{}";
        return d.string();
    }();
    return dir;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string empty_data_dir() {
    static const std::string dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("aras_empty_data_" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d.string();
    }();
    return dir;
}

// One server per test suite. HttpCore runs on an empty data directory (starts in a blink, every
// engine unavailable): transport, limits and validation. HttpApi runs on the embedded dataset.
class HttpFixture : public ::testing::Test {
protected:
    static void start(bool with_data) {
        std::vector<std::string> args = {"--web", web_dir(), "--max-body-bytes", "65536", "--max-waypoints", "5",
                                         "--max-matrix-cells", "16", "--max-polygon-vertices", "200"};
        if (!with_data) args.insert(args.end(), {"--data", empty_data_dir()});
        server_ = new ServerProcess(args);
        health_ = json::parse(server_->request("GET", "/health").body);
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    static HttpResponse get(const std::string& target) { return server_->request("GET", target); }
    static HttpResponse post(const std::string& target, const std::string& body,
                             const std::string& type = "application/json") {
        return server_->request("POST", target, body, {"Content-Type: " + type});
    }
    static bool engine_loaded(const std::string& name) { return health_["engines"].value(name, false); }
    static bool layer_loaded(const std::string& name) { return health_["layers"].contains(name); }
    static json error_of(const HttpResponse& r) {
        const auto j = json::parse(r.body, nullptr, false);
        EXPECT_TRUE(j.is_object() && j.contains("error")) << r.body;
        return j.is_object() && j.contains("error") ? j["error"] : json::object();
    }

    static ServerProcess* server_;
    static json health_;
};
ServerProcess* HttpFixture::server_ = nullptr;
json HttpFixture::health_;

class HttpCore : public HttpFixture {
protected:
    static void SetUpTestSuite() { start(false); }
};
class HttpApi : public HttpFixture {
protected:
    static void SetUpTestSuite() { start(true); }
};

// An engine that is still a stub reports "not implemented"; only then is its test skipped.
#define SKIP_IF_NOT_IMPLEMENTED(r)                                                                      \
    do {                                                                                                \
        if ((r).status == 501 || (((r).status == 503 || (r).status == 500) &&                          \
                                  (r).body.find("not implemented") != std::string::npos))               \
            GTEST_SKIP() << "engine not implemented yet: " << (r).body;                                 \
    } while (0)

TEST_F(HttpCore, FirstStdoutLineNamesTheBoundAddress) {
    EXPECT_EQ(server_->first_line(), "listening on http://127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(HttpCore, HealthReportsLayersAndEngines) {
    auto r = get("/health");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/json");
    auto j = json::parse(r.body);
    EXPECT_EQ(j["status"], "ok");
    EXPECT_TRUE(j["engines"].contains("routing"));
    EXPECT_EQ(r.header("access-control-allow-origin"), "*");
    EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST_F(HttpCore, RequestIdIsEchoedOrGenerated) {
    auto r = server_->request("GET", "/health", "", {"X-Request-Id: evac-42"});
    EXPECT_EQ(r.header("x-request-id"), "evac-42");
    auto bad = server_->request("GET", "/health", "", {"X-Request-Id: <script>"});
    EXPECT_NE(bad.header("x-request-id"), "<script>");
    EXPECT_FALSE(bad.header("x-request-id").empty());
}

TEST_F(HttpCore, UnknownPathIs404WithErrorJson) {
    auto r = get("/no/such/thing");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(error_of(r)["code"], "not_found");
}

TEST_F(HttpCore, UnsupportedMethodIs405WithAllow) {
    auto r = server_->request("DELETE", "/health");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(error_of(r)["code"], "method_not_allowed");
    EXPECT_NE(r.header("allow").find("GET"), std::string::npos);
    auto put = server_->request("PUT", "/route", "{}");
    EXPECT_EQ(put.status, 405);
    EXPECT_NE(put.header("allow").find("POST"), std::string::npos);
}

TEST_F(HttpCore, CorsPreflight) {
    auto r = server_->request("OPTIONS", "/route", "",
                              {"Origin: http://example.org", "Access-Control-Request-Method: POST"});
    EXPECT_EQ(r.status, 204);
    EXPECT_NE(r.header("access-control-allow-methods").find("POST"), std::string::npos);
    EXPECT_EQ(r.header("access-control-allow-origin"), "*");
    EXPECT_NE(r.header("access-control-allow-headers").find("Content-Type"), std::string::npos);
}

TEST_F(HttpCore, BodyOverTheLimitIs413AndServerKeepsServing) {
    auto r = post("/route", std::string(100000, ' '));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(error_of(r)["code"], "payload_too_large");
    // Chunked bodies are counted too.
    Connection c(server_->port());
    std::string chunk(40000, 'x');
    char size[16];
    std::snprintf(size, sizeof size, "%zx", chunk.size());
    c.send_raw("POST /route HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n" +
               std::string(size) + "\r\n" + chunk + "\r\n" + size + "\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 413);
    EXPECT_EQ(get("/health").status, 200);
}

TEST_F(HttpCore, MalformedJsonIs400) {
    for (const char* target : {"/route", "/matrix", "/isochrone", "/geocode"}) {
        auto r = post(target, "{\"from\": [46.3, 38.1],");
        EXPECT_EQ(r.status, 400) << target;
        EXPECT_EQ(error_of(r)["code"], "invalid_json") << target;
    }
    auto arr = post("/route", "[1,2]");
    EXPECT_EQ(arr.status, 400);
}

TEST_F(HttpCore, BadCoordinatesAre400) {
    for (const char* target : {"/reverse?lon=NaN&lat=38", "/reverse?lon=200&lat=38", "/reverse?lon=46&lat=-91",
                               "/reverse?lon=46e&lat=38", "/route?from=nan,38&to=49.8,40.4",
                               "/route?from=46.3,38.1&to=49.8,inf", "/nearest?point=181,0",
                               "/geocode?q=Astara&near=1,100"}) {
        auto r = get(target);
        EXPECT_EQ(r.status, 400) << target << " " << r.body;
        EXPECT_EQ(error_of(r)["code"], "invalid_coordinates") << target;
    }
    auto body = post("/route", R"({"locations": [[46.3, 38.1], [1e999, 40.4]]})");
    EXPECT_EQ(body.status, 400);
    auto strs = post("/route", R"({"locations": [["a", "b"], [49.8, 40.4]]})");
    EXPECT_EQ(strs.status, 400);
    EXPECT_EQ(error_of(strs)["code"], "invalid_coordinates");
}

TEST_F(HttpCore, MalformedHttpIs400) {
    Connection c(server_->port());
    c.send_raw("GARBAGE\r\n\r\n");
    auto r = c.read_response();
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(get("/health").status, 200);
}

TEST_F(HttpCore, StaticFilesWithMimeTypes) {
    auto index = get("/");
    ASSERT_EQ(index.status, 200);
    EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(index.body.find("<title>Aras</title>"), std::string::npos);
    EXPECT_EQ(get("/js/app.js").header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(get("/style.css").header("content-type"), "text/css; charset=utf-8");
    EXPECT_EQ(get("/missing.png").status, 404);
    auto head = server_->request("HEAD", "/style.css");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), "6");
}

TEST_F(HttpCore, PathTraversalIsRefused) {
    for (const char* target : {"/../../../etc/passwd", "/js/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                               "/js/%2E%2E/%2E%2E/etc/passwd", "/..%2f..%2fetc/passwd", "/%5c..%5cetc"}) {
        auto r = get(target);
        EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " -> " << r.status;
        EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
        EXPECT_FALSE(r.body.empty());
    }
    EXPECT_EQ(get("/%zz").status, 400);
    EXPECT_EQ(get("/a%00b").status, 400);
}

TEST_F(HttpCore, KeepAliveServesSeveralRequestsOnOneConnection) {
    Connection c(server_->port());
    for (int i = 0; i < 5; ++i) {
        auto r = c.request("GET", "/health");
        ASSERT_EQ(r.status, 200) << i;
        EXPECT_FALSE(r.closed);
    }
    // An error keeps the connection too.
    EXPECT_EQ(c.request("GET", "/nope").status, 404);
    EXPECT_EQ(c.request("GET", "/health").status, 200);
    auto last = c.request("GET", "/health", "", {"Connection: close"});
    EXPECT_TRUE(last.closed);
}

TEST_F(HttpCore, MetricsCountRequestsByEndpointAndStatus) {
    get("/health");
    get("/definitely-missing");
    auto r = get("/metrics");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.header("content-type").find("text/plain"), std::string::npos);
    EXPECT_NE(r.body.find("aras_http_requests_total{endpoint=\"/health\",status=\"200\"}"), std::string::npos);
    EXPECT_NE(r.body.find("status=\"404\""), std::string::npos);
    EXPECT_NE(r.body.find("aras_http_request_duration_seconds_bucket{endpoint=\"/health\",le=\"+Inf\"}"),
              std::string::npos);
}

TEST_F(HttpApi, ConformanceAndCollections) {
    EXPECT_EQ(get("/conformance").status, 200);
    auto r = get("/collections");
    ASSERT_EQ(r.status, 200);
    auto j = json::parse(r.body);
    if (!layer_loaded("countries")) GTEST_SKIP() << "countries layer not loaded: " << health_.dump();
    bool found = false;
    for (const auto& c : j["collections"]) {
        if (c["id"] != "countries") continue;
        found = true;
        EXPECT_EQ(c["extent"]["spatial"]["bbox"][0].size(), 4u);
    }
    EXPECT_TRUE(found);
    auto one = get("/collections/countries");
    EXPECT_EQ(one.status, 200);
    EXPECT_EQ(json::parse(one.body)["id"], "countries");
    auto missing = get("/collections/atlantis");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(error_of(missing)["code"], "unknown_collection");
}

TEST_F(HttpApi, ItemsPageWithNextLinksAndBbox) {
    if (!layer_loaded("places")) GTEST_SKIP() << "places layer not loaded";
    const std::size_t total = health_["layers"]["places"];
    ASSERT_GT(total, 3u);
    auto r = get("/collections/places/items?limit=2");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "application/geo+json");
    auto j = json::parse(r.body);
    EXPECT_EQ(j["type"], "FeatureCollection");
    EXPECT_EQ(j["numberReturned"], 2);
    EXPECT_EQ(j["numberMatched"], total);
    EXPECT_EQ(j["features"].size(), 2u);
    std::string next;
    for (const auto& l : j["links"])
        if (l["rel"] == "next") next = l["href"];
    ASSERT_NE(next.find("offset=2"), std::string::npos) << next;
    // Follow the next link.
    const auto path = next.substr(next.find("/collections"));
    auto page2 = json::parse(get(path).body);
    EXPECT_EQ(page2["numberReturned"], 2);
    EXPECT_NE(page2["features"][0].dump(), j["features"][0].dump());
    // The last page has no next link.
    auto last = json::parse(get("/collections/places/items?limit=2&offset=" + std::to_string(total - 1)).body);
    EXPECT_EQ(last["numberReturned"], 1);
    for (const auto& l : last["links"]) EXPECT_NE(l["rel"], "next");
    // A bbox around Astara (the Iran-Azerbaijan crossing) keeps only nearby places.
    auto box = json::parse(get("/collections/places/items?bbox=48.5,38.2,49.2,38.7&limit=1000").body);
    EXPECT_LT(box["numberMatched"].get<std::size_t>(), total);
    for (const auto& f : box["features"]) {
        if (f["geometry"]["type"] != "Point") continue;
        const double lon = f["geometry"]["coordinates"][0], lat = f["geometry"]["coordinates"][1];
        EXPECT_TRUE(lon >= 48.5 && lon <= 49.2 && lat >= 38.2 && lat <= 38.7);
    }
}

TEST_F(HttpApi, ItemsRejectBadParameters) {
    for (const char* target : {"/collections/places/items?limit=0", "/collections/places/items?limit=abc",
                               "/collections/places/items?limit=999999999", "/collections/places/items?offset=-1",
                               "/collections/places/items?bbox=1,2,3", "/collections/places/items?bbox=1,2,x,4",
                               "/collections/places/items?bbox=10,50,20,40", "/collections/places/items?color=red",
                               "/collections/places/items?limit=1&limit=2"}) {
        auto r = get(target);
        if (r.status == 503) GTEST_SKIP() << "places unavailable";
        EXPECT_EQ(r.status, 400) << target << " " << r.body;
    }
    auto fmt = get("/collections/places/items?format=docx");
    EXPECT_EQ(fmt.status, 400);
    EXPECT_EQ(error_of(fmt)["code"], "unsupported_format");
}

TEST_F(HttpApi, ItemsDownloadThroughGdal) {
    if (!layer_loaded("crossings")) GTEST_SKIP() << "crossings layer not loaded";
    auto gpkg = get("/collections/crossings/items?limit=5&format=gpkg");
    SKIP_IF_NOT_IMPLEMENTED(gpkg);
    ASSERT_EQ(gpkg.status, 200) << gpkg.body.substr(0, 300);
    EXPECT_EQ(gpkg.body.rfind("SQLite format 3", 0), 0u);
    EXPECT_NE(gpkg.header("content-disposition").find("crossings.gpkg"), std::string::npos);
    auto kml = get("/collections/crossings/items?limit=5&format=kml");
    ASSERT_EQ(kml.status, 200);
    EXPECT_NE(kml.body.find("<kml"), std::string::npos);
    auto shp = get("/collections/crossings/items?limit=5&format=shp");
    ASSERT_EQ(shp.status, 200);
    EXPECT_EQ(shp.header("content-type"), "application/zip");
    EXPECT_EQ(shp.body.rfind("PK", 0), 0u);
    auto fgb = get("/collections/crossings/items?limit=5&format=fgb");
    ASSERT_EQ(fgb.status, 200);
    EXPECT_EQ(fgb.body.rfind("fgb", 0), 0u);
}

TEST_F(HttpApi, GeocodeFindsAstara) {
    auto r = get("/geocode?q=Astara&limit=5");
    SKIP_IF_NOT_IMPLEMENTED(r);
    if (!engine_loaded("gazetteer")) {
        EXPECT_EQ(r.status, 503);
        EXPECT_EQ(error_of(r)["code"], "unavailable");
        GTEST_SKIP() << "gazetteer unavailable: " << health_["unavailable"].dump();
    }
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    ASSERT_GE(j["features"].size(), 1u);
    const auto& c = j["features"][0]["geometry"]["coordinates"];
    EXPECT_NEAR(c[0].get<double>(), 48.87, 0.3);
    EXPECT_NEAR(c[1].get<double>(), 38.44, 0.3);
    // The same through POST, in Persian.
    auto fa = post("/geocode", R"({"q": "آستارا", "limit": 3})");
    EXPECT_EQ(fa.status, 200) << fa.body;
}

TEST_F(HttpCore, GeocodeValidation) {
    EXPECT_EQ(error_of(get("/geocode"))["code"], "missing_parameter");
    EXPECT_EQ(get("/geocode?q=").status, 400);
    EXPECT_EQ(get("/geocode?q=Astara&limit=0").status, 400);
    EXPECT_EQ(get("/geocode?q=Astara&country=Azerbaijan").status, 400);
    EXPECT_EQ(error_of(get("/reverse?lon=48.87"))["code"], "missing_parameter");
    // Without a gazetteer file the server still runs and says why.
    auto r = get("/geocode?q=Astara");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(error_of(r)["code"], "unavailable");
    EXPECT_EQ(error_of(get("/route?from=Astara&to=Baku"))["code"], "unavailable");
}

TEST_F(HttpApi, GeocodeUnknownPlaceIs404) {
    if (!engine_loaded("gazetteer")) GTEST_SKIP() << "gazetteer unavailable";
    auto r = get("/geocode?q=Qwxzzptlkq%20Vbnmrtz");
    SKIP_IF_NOT_IMPLEMENTED(r);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(error_of(r)["code"], "unknown_place");
}

TEST_F(HttpApi, ReverseGeocodesAstara) {
    auto r = get("/reverse?lon=48.87&lat=38.45");
    SKIP_IF_NOT_IMPLEMENTED(r);
    if (!engine_loaded("gazetteer")) GTEST_SKIP() << "gazetteer unavailable";
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    EXPECT_EQ(j["type"], "Feature");
    const std::string country = j["properties"]["country"];
    EXPECT_TRUE(country == "AZ" || country == "IR") << country;
}

// Its own server: a fault in the geoparser engine must not take the other tests' server down.
TEST(HttpServer, GeoparseFindsMentions) {
    ServerProcess server;
    const auto health = json::parse(server.request("GET", "/health").body);
    auto r = server.request("POST", "/geoparse", "Families crossed from Astara to Tabriz on 20 June.",
                            {"Content-Type: text/plain"});
    SKIP_IF_NOT_IMPLEMENTED(r);
    if (!health["engines"].value("geoparser", false)) GTEST_SKIP() << "geoparser unavailable";
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    EXPECT_GE(j["features"].size(), 2u);
    EXPECT_EQ(server.request("POST", "/geoparse", R"({"txt": "x"})", {"Content-Type: application/json"}).status, 400);
    EXPECT_EQ(server.request("POST", "/geoparse", "x", {"Content-Type: image/png"}).status, 415);
}

TEST_F(HttpApi, RouteFromTabrizToNakhchivanCrossesTheBorder) {
    auto r = get("/route?from=46.29,38.08&to=45.41,39.21");
    SKIP_IF_NOT_IMPLEMENTED(r);
    if (!engine_loaded("routing")) GTEST_SKIP() << "routing unavailable: " << health_["unavailable"].dump();
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/geo+json");
    auto j = json::parse(r.body);
    ASSERT_GE(j["features"].size(), 1u);
    const auto& p = j["features"][0]["properties"];
    EXPECT_GT(p["distance_km"].get<double>(), 100.0);
    EXPECT_GE(p["crossings"].size(), 1u) << p.dump();
    EXPECT_NE(p["countries"].dump().find("AZ"), std::string::npos) << p.dump();
    // POST with the same locations agrees.
    auto post_r = post("/route", R"({"locations": [[46.29, 38.08], [45.41, 39.21]]})");
    ASSERT_EQ(post_r.status, 200);
    EXPECT_NEAR(json::parse(post_r.body)["features"][0]["properties"]["distance_km"].get<double>(),
                p["distance_km"].get<double>(), 0.01);
}

TEST_F(HttpApi, RouteDownloadsAsKml) {
    auto r = get("/route?from=46.29,38.08&to=45.41,39.21&format=kml");
    SKIP_IF_NOT_IMPLEMENTED(r);
    if (!engine_loaded("routing")) GTEST_SKIP() << "routing unavailable";
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    EXPECT_NE(r.body.find("<kml"), std::string::npos);
    EXPECT_NE(r.header("content-disposition").find("route.kml"), std::string::npos);
}

TEST_F(HttpCore, RouteLimitsAndValidation) {
    // Limits are checked before any engine work.
    auto many = post("/route", R"({"locations": [[46,38],[46.1,38],[46.2,38],[46.3,38],[46.4,38],[46.5,38]]})");
    EXPECT_EQ(many.status, 413);
    EXPECT_EQ(error_of(many)["code"], "too_many_points");
    EXPECT_EQ(error_of(get("/route?from=46.29,38.08"))["code"], "missing_parameter");
    EXPECT_EQ(post("/route", R"({"locations": [[46.29, 38.08]]})").status, 400);
    EXPECT_EQ(get("/route?from=46.29,38.08&to=45.41,39.21&format=xlsx").status, 400);
    auto r = get("/route?from=46.29,38.08&to=45.41,39.21");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(error_of(r)["code"], "unavailable");
}

TEST_F(HttpApi, RouteRejectsBadCosting) {
    if (!engine_loaded("routing")) GTEST_SKIP() << "routing unavailable";
    auto bad_metric = post("/route", R"({"locations": [[46.29, 38.08], [45.41, 39.21]], "metric": "beauty"})");
    EXPECT_EQ(bad_metric.status, 400);
    // A polygon with too many vertices (limit 200 on this server).
    json ring = json::array();
    for (int i = 0; i < 300; ++i) ring.push_back({47.0 + 0.5 * std::cos(i * 6.283 / 300), 39.0 + 0.5 * std::sin(i * 6.283 / 300)});
    ring.push_back(ring[0]);
    json big = {{"locations", {{46.29, 38.08}, {49.87, 40.41}}},
                {"avoid", {{"type", "Polygon"}, {"coordinates", {ring}}}}};
    auto r = post("/route", big.dump());
    EXPECT_EQ(r.status, 413) << r.body;
    EXPECT_EQ(error_of(r)["code"], "too_many_points");
    // Malformed GeoJSON avoid area.
    auto bad_geo = post("/route", R"({"locations": [[46.29, 38.08], [45.41, 39.21]],
        "avoid": {"type": "Polygon", "coordinates": [[[47, 39], [48, 39], [48, 40]]]}})");
    SKIP_IF_NOT_IMPLEMENTED(bad_geo);
    EXPECT_EQ(bad_geo.status, 400) << bad_geo.body;
    EXPECT_EQ(error_of(bad_geo)["code"], "invalid_geojson");
}

TEST_F(HttpApi, SelfIntersectingAvoidPolygonIsRepairedAndReported) {
    if (!engine_loaded("routing")) GTEST_SKIP() << "routing unavailable";
    // A bow-tie far from the route: repaired with MakeValid, and the response says so.
    auto r = post("/route", R"({"locations": [[46.29, 38.08], [45.41, 39.21]],
        "avoid": {"type": "Polygon", "coordinates": [[[44.0, 41.0], [44.2, 41.2], [44.2, 41.0], [44.0, 41.2], [44.0, 41.0]]]}})");
    SKIP_IF_NOT_IMPLEMENTED(r);
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    ASSERT_TRUE(j.contains("warnings")) << r.body.substr(0, 500);
    EXPECT_NE(j["warnings"][0].get<std::string>().find("MakeValid"), std::string::npos);
}

TEST_F(HttpApi, RouteWithEveryCrossingClosedIsNoRoute) {
    if (!engine_loaded("routing")) GTEST_SKIP() << "routing unavailable";
    // Close every crossing the crossings layer knows of: Iran and Azerbaijan are then disconnected.
    auto crossings = get("/collections/crossings/items?limit=10000");
    ASSERT_EQ(crossings.status, 200);
    json closed = json::array();
    const json layer = json::parse(crossings.body);  // kept alive: the loop below references into it
    for (const auto& f : layer["features"])
        if (f["properties"].contains("id")) closed.push_back(f["properties"]["id"].is_string() ? f["properties"]["id"].get<std::string>() : f["properties"]["id"].dump());
    json body = {{"locations", {{46.29, 38.08}, {49.87, 40.41}}}, {"closed_crossings", closed}};
    auto r = post("/route", body.dump());
    SKIP_IF_NOT_IMPLEMENTED(r);
    EXPECT_EQ(r.status, 404) << r.body.substr(0, 300);
    EXPECT_EQ(error_of(r)["code"], "no_route");
}

TEST_F(HttpCore, IsochroneAndMatrixValidation) {
    auto too_big = post("/matrix", R"({"origins": [[46,38],[46.1,38],[46.2,38],[46.3,38],[46.4,38]],
                                       "destinations": [[49,40],[49.1,40],[49.2,40],[49.3,40]]})");
    EXPECT_EQ(too_big.status, 413);
    EXPECT_EQ(get("/isochrone?from=46.29,38.08&hours=0").status, 400);
    EXPECT_EQ(get("/isochrone?from=46.29,38.08&hours=-1").status, 400);
    EXPECT_EQ(get("/isochrone?from=46.29,38.08&hours=1,2,3,4,5,6,7,8,9").status, 400);
    EXPECT_EQ(get("/nearest?point=46.29").status, 400);
}

TEST_F(HttpApi, IsochroneMatrixNearest) {
    if (!engine_loaded("routing")) GTEST_SKIP() << "routing unavailable";
    auto iso = get("/isochrone?from=46.29,38.08&hours=1,2");
    SKIP_IF_NOT_IMPLEMENTED(iso);
    ASSERT_EQ(iso.status, 200) << iso.body.substr(0, 300);
    EXPECT_EQ(json::parse(iso.body)["features"].size(), 2u);
    auto m = post("/matrix", R"({"origins": [[46.29, 38.08]], "destinations": [[45.41, 39.21], [48.87, 38.44]]})");
    ASSERT_EQ(m.status, 200) << m.body;
    EXPECT_EQ(json::parse(m.body)["durations_h"][0].size(), 2u);
    auto n = get("/nearest?point=46.29,38.08");
    ASSERT_EQ(n.status, 200) << n.body;
    EXPECT_EQ(json::parse(n.body)["geometry"]["type"], "Point");
}

TEST_F(HttpCore, AnalysisEndpointsValidate) {
    for (const char* target : {"/corridors", "/compare", "/proximity"}) {
        auto r = post(target, "{}");
        EXPECT_EQ(r.status, 400) << target << " " << r.body;
        EXPECT_TRUE(json::parse(r.body, nullptr, false).is_object()) << target;
    }
    auto bad = post("/corridors", read_file(std::string(ARAS_TEST_DATA_DIR) + "/scenarios/invalid_people.json"));
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(error_of(bad)["code"], "invalid_scenario");
    EXPECT_EQ(error_of(bad)["details"]["pointer"], "/origins/2/people");
    EXPECT_EQ(get("/proximity?point=46.29,38.08&to=oceans").status, 400);
    EXPECT_EQ(get("/proximity?point=46.29,99").status, 400);
}

TEST_F(HttpApi, CorridorsForTheArdabilBaseline) {
    if (!engine_loaded("routing")) GTEST_SKIP() << "routing unavailable";
    const std::string scenario = read_file(std::string(ARAS_TEST_DATA_DIR) + "/scenarios/ardabil_baseline.json");
    auto r = post("/corridors", scenario);
    SKIP_IF_NOT_IMPLEMENTED(r);
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 400);
    EXPECT_EQ(r.header("content-type"), "application/geo+json");
    auto j = json::parse(r.body);
    EXPECT_GE(j["features"].size(), 3u);
    EXPECT_TRUE(j.contains("summary"));
    auto summary = post("/corridors?summary=true", scenario);
    ASSERT_EQ(summary.status, 200);
    auto gpkg = post("/corridors?format=gpkg", scenario);
    ASSERT_EQ(gpkg.status, 200);
    EXPECT_EQ(gpkg.body.rfind("SQLite format 3", 0), 0u);
    const std::string closed = read_file(std::string(ARAS_TEST_DATA_DIR) + "/scenarios/ardabil_hazard_astara_closed.json");
    auto cmp = post("/compare", "{\"a\": " + scenario + ", \"b\": " + closed + "}");
    ASSERT_EQ(cmp.status, 200) << cmp.body.substr(0, 400);
    EXPECT_TRUE(json::parse(cmp.body).is_object());
}

TEST_F(HttpApi, ProximityOfTabriz) {
    auto r = get("/proximity?point=46.29,38.08&to=borders,crossings");
    SKIP_IF_NOT_IMPLEMENTED(r);
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 400);
    auto j = json::parse(r.body);
    EXPECT_EQ(j.value("country", ""), "IR") << r.body.substr(0, 300);
    auto by_name = post("/proximity", R"({"point": "Astara", "to": ["crossings"], "crossings": 2})");
    if (engine_loaded("gazetteer")) {
        EXPECT_EQ(by_name.status, 200) << by_name.body.substr(0, 300);
    }
}

TEST(HttpServer, SlowClientIsCutOffAndOthersAreServed) {
    ServerProcess server({"--read-timeout-ms", "300", "--data", empty_data_dir()});
    Connection slow(server.port());
    slow.send_raw("GET /health HTTP/1.1\r\nHo");
    EXPECT_TRUE(slow.wait_closed(5000));
    Connection idle(server.port());  // an idle keep-alive connection is closed too
    EXPECT_TRUE(idle.wait_closed(5000));
    EXPECT_EQ(server.request("GET", "/health").status, 200);
}

TEST(HttpServer, SigtermLetsTheInFlightRequestFinish) {
    ServerProcess server({"--shutdown-grace-ms", "5000", "--data", empty_data_dir()});
    Connection idle(server.port());
    ASSERT_EQ(idle.request("GET", "/health").status, 200);
    Connection inflight(server.port());
    const std::string body = R"({"q": "Astara", "limit": 1})";
    inflight.send_raw("POST /geocode HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    server.signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // The idle connection is closed and no new connection is served...
    EXPECT_TRUE(idle.wait_closed(2000));
    // ...but the request whose header had arrived completes, with Connection: close.
    inflight.send_raw(body.substr(10));
    auto r = inflight.read_response();
    EXPECT_NE(r.status, 0);
    EXPECT_TRUE(r.status == 200 || r.status == 503) << r.status << " " << r.body;
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(server.wait_exit(10000), 0);
}

TEST(HttpServer, RequestsPastTheDeadlineAre503) {
    ServerProcess server({"--deadline-ms", "1"});
    json health;
    for (int i = 0; i < 20 && !health.contains("layers"); ++i)  // /health itself may miss 1 ms on a busy machine
        health = json::parse(server.request("GET", "/health").body);
    if (!health["layers"].contains("roads")) GTEST_SKIP() << "roads layer not loaded";
    if (health["layers"]["roads"].get<std::size_t>() < 2000) GTEST_SKIP() << "roads layer too small to be slow";
    auto r = server.request("GET", "/collections/roads/items?limit=10000");
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(r.body.find("deadline_exceeded"), std::string::npos);
}

TEST(HttpServer, BadFlagsAreUsageErrors) {
    const std::string cmd = std::string(ARAS_BINARY) + " serve --port 70000 >/dev/null 2>&1";
    const int rc = std::system(cmd.c_str());
    EXPECT_EQ(WEXITSTATUS(rc), 2);
}

}  // namespace
