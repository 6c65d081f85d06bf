// Unit tests of the transport-free HTTP pieces: error table, target/parameter parsing, router,
// static-file safety, metrics, and that docs/openapi.yaml documents every registered route.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "http/error_table.hpp"
#include "http/metrics.hpp"
#include "http/query.hpp"
#include "http/route_params.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"
#include "http/api_service.hpp"

using namespace aras::service::http;

namespace {

TEST(ErrorTable, CodesAreUniqueAndStatusesAreErrors) {
    std::set<std::string_view> codes;
    for (const auto& e : error_table()) {
        EXPECT_TRUE(codes.insert(e.code).second) << e.code;
        EXPECT_GE(e.status, 400u);
        EXPECT_LT(e.status, 600u);
    }
    EXPECT_EQ(error_entry("payload_too_large").status, 413u);
    EXPECT_EQ(error_entry("no_route").status, 404u);
    EXPECT_EQ(error_entry("no-such-code").code, "internal");
}

TEST(ErrorTable, ApiErrorFillsTheTemplate) {
    ApiError e("invalid_parameter", {"limit", "must be positive"});
    EXPECT_EQ(e.status(), 400u);
    EXPECT_EQ(std::string(e.what()), "invalid parameter 'limit': must be positive");
    const auto j = e.to_json();
    EXPECT_EQ(j["error"]["code"], "invalid_parameter");
    EXPECT_EQ(format_message("{} and {}", {"a"}), "a and {}");
}

TEST(Query, TargetIsSplitAndDecoded) {
    const auto t = parse_target("/geocode?q=Tabriz%20city&near=46.3%2C38.1&q2=a+b&flag");
    EXPECT_EQ(t.path, "/geocode");
    EXPECT_EQ(t.query.find("q")->second, "Tabriz city");
    EXPECT_EQ(t.query.find("near")->second, "46.3,38.1");
    EXPECT_EQ(t.query.find("q2")->second, "a b");
    EXPECT_EQ(t.query.count("flag"), 1u);
    const auto utf8 = parse_target("/geocode?q=%D8%A2%D8%B3%D8%AA%D8%A7%D8%B1%D8%A7");
    EXPECT_EQ(utf8.query.find("q")->second, "آستارا");
}

TEST(Query, MalformedTargetsAreApiErrors) {
    EXPECT_THROW(parse_target("geocode"), ApiError);
    EXPECT_THROW(parse_target(""), ApiError);
    EXPECT_THROW(parse_target("/a%zz"), ApiError);
    EXPECT_THROW(parse_target("/a%2"), ApiError);
    EXPECT_THROW(parse_target("/a%00"), ApiError);
    EXPECT_THROW(parse_target("/a?q=%"), ApiError);
}

TEST(Query, CoordinatesMustBeFiniteAndInRange) {
    const auto p = parse_lonlat("48.87,38.45", "at");
    EXPECT_DOUBLE_EQ(p.lon, 48.87);
    EXPECT_DOUBLE_EQ(p.lat, 38.45);
    for (const char* bad : {"nan,1", "1,inf", "181,0", "0,-90.5", "1", "1,2,3", "", ",", "1,x", "1e400,0", " 1,2"}) {
        try {
            parse_lonlat(bad, "at");
            ADD_FAILURE() << bad;
        } catch (const ApiError& e) {
            EXPECT_EQ(e.code(), "invalid_coordinates") << bad;
        }
    }
    EXPECT_THROW(lonlat_from_json(nlohmann::json::parse("[1]"), "x"), ApiError);
    EXPECT_THROW(lonlat_from_json(nlohmann::json::parse("[1, \"2\"]"), "x"), ApiError);
    EXPECT_THROW(lonlat_from_json(nlohmann::json::parse("{\"lon\": 1}"), "x"), ApiError);
    EXPECT_DOUBLE_EQ(lonlat_from_json(nlohmann::json::parse("{\"lon\": 1, \"lat\": 2}"), "x").lat, 2.0);
}

TEST(Query, BboxAndIntegers) {
    const auto b = parse_bbox("44,38,50,42", "bbox");
    EXPECT_DOUBLE_EQ(b.max_lon, 50);
    EXPECT_THROW(parse_bbox("44,42,50,38", "bbox"), ApiError);
    EXPECT_THROW(parse_bbox("44,38,50", "bbox"), ApiError);
    EXPECT_THROW(parse_bbox("44,38,500,42", "bbox"), ApiError);
    EXPECT_EQ(parse_integer("25", "limit", 1, 100), 25);
    EXPECT_THROW(parse_integer("0", "limit", 1, 100), ApiError);
    EXPECT_THROW(parse_integer("2.5", "limit", 1, 100), ApiError);
    EXPECT_THROW(parse_integer("99999999999999999999999", "limit", 1, 100), ApiError);
}

TEST(Query, JsonBodies) {
    Request req;
    req.body = "{\"a\": 1}";
    EXPECT_EQ(parse_json_body(req)["a"], 1);
    for (const char* bad : {"", "{", "[1]", "nul", "{\"a\": NaN}"}) {
        req.body = bad;
        EXPECT_THROW(parse_json_body(req), ApiError) << bad;
    }
}

TEST(Query, GetParametersBecomeABody) {
    Request req;
    req.method = "GET";
    req.query = parse_target("/route?from=1,2&to=3,4&via=5,6&via=7,8&avoid=47,39,10&alternatives=2").query;
    const auto body = request_body(req, {"via"});
    EXPECT_EQ(body["from"], "1,2");
    EXPECT_EQ(body["via"].size(), 2u);
    EXPECT_EQ(body["avoid_circles"][0]["radius_km"], 10.0);
    EXPECT_EQ(body["alternatives"], 2.0);
    req.query = parse_target("/route?from=1,2&from=3,4").query;
    EXPECT_THROW(request_body(req, {}), ApiError);
    req.query = parse_target("/route?avoid=47,39").query;
    EXPECT_THROW(request_body(req, {}), ApiError);
}

Response ok(const Request&, const Context&) { return Response::json({{"ok", true}}); }
Response other(const Request&, const Context&) { return Response::json({{"other", true}}); }

TEST(Router, MatchesPatternsAndReportsAllowedMethods) {
    Router r;
    r.add("GET", "/collections", ok);
    r.add("GET", "/collections/{id}/items", ok);
    r.add("POST", "/route", ok);
    const auto m = r.match("GET", "/collections/roads/items");
    EXPECT_EQ(m.pattern, "/collections/{id}/items");
    EXPECT_EQ(m.params.at("id"), "roads");
    EXPECT_EQ(r.match("GET", "/collections/").pattern, "/collections");
    EXPECT_EQ(r.match("HEAD", "/collections").pattern, "/collections");
    try {
        r.match("GET", "/route");
        ADD_FAILURE();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), "method_not_allowed");
        EXPECT_EQ(e.status(), 405u);
    }
    EXPECT_EQ(r.allowed_methods("/route"), "POST, OPTIONS");
    EXPECT_EQ(r.allowed_methods("/nope"), "");
    try {
        r.match("GET", "/collections/roads/items/extra/deep");
        ADD_FAILURE();
    } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), "not_found");
    }
    // A later registration takes over a stub.
    r.add("POST", "/route", other);
    EXPECT_EQ(r.match("POST", "/route").handler, &other);
}

TEST(StaticFiles, TraversalIsRefusedAndMimeTypesAreRight) {
    const auto dir = std::filesystem::temp_directory_path() / ("aras_static_unit_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "sub");
    std::ofstream(dir / "index.html") << "<p>hi</p>";
    std::ofstream(dir / "sub" / "a.js") << "1";
    StaticFiles files(dir.string());
    const auto index = files.serve("/");
    ASSERT_TRUE(index);
    EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(files.serve("/sub/a.js")->content_type, "text/javascript; charset=utf-8");
    EXPECT_FALSE(files.serve("/missing.css"));
    EXPECT_THROW(files.serve("/../etc/passwd"), ApiError);
    EXPECT_THROW(files.serve("/sub/../../etc/passwd"), ApiError);
    EXPECT_THROW(files.serve("/sub/..\\..\\x"), ApiError);
    EXPECT_THROW(files.serve(std::string("/a\0b", 4)), ApiError);
    // A symlink out of the root is not followed.
    std::filesystem::create_symlink("/etc/hostname", dir / "escape.txt");
    EXPECT_FALSE(files.serve("/escape.txt"));
    EXPECT_EQ(StaticFiles::mime_type(".SVG"), "image/svg+xml");
    EXPECT_EQ(StaticFiles::mime_type(".bin"), "application/octet-stream");
    StaticFiles none("/definitely/not/here");
    EXPECT_FALSE(none.serve("/"));
    std::filesystem::remove_all(dir);
}

TEST(Metrics, PrometheusTextHasCountersAndCumulativeBuckets) {
    Metrics m;
    m.record("/route", 200, 0.002, 100);
    m.record("/route", 200, 0.3, 100);
    m.record("/route", 404, 0.0001, 10);
    const auto text = m.prometheus_text();
    EXPECT_NE(text.find("aras_http_requests_total{endpoint=\"/route\",status=\"200\"} 2"), std::string::npos);
    EXPECT_NE(text.find("aras_http_requests_total{endpoint=\"/route\",status=\"404\"} 1"), std::string::npos);
    EXPECT_NE(text.find("aras_http_request_duration_seconds_bucket{endpoint=\"/route\",le=\"0.0025\"} 2"),
              std::string::npos) << text;
    EXPECT_NE(text.find("aras_http_request_duration_seconds_bucket{endpoint=\"/route\",le=\"+Inf\"} 3"),
              std::string::npos);
    EXPECT_NE(text.find("aras_http_request_duration_seconds_count{endpoint=\"/route\"} 3"), std::string::npos);
}

TEST(RequestId, SafeClientIdsAreKept) {
    EXPECT_EQ(request_id_from("abc-123"), "abc-123");
    EXPECT_NE(request_id_from("a b"), "a b");
    EXPECT_NE(request_id_from(std::string(200, 'a')), std::string(200, 'a'));
    EXPECT_NE(request_id_from(""), request_id_from(""));
}

TEST(OpenApi, EveryRegisteredRouteIsDocumented) {
    std::ifstream in(std::string(ARAS_DATA_DIR) + "/../docs/openapi.yaml");
    ASSERT_TRUE(in) << "docs/openapi.yaml missing";
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string yaml = ss.str();
    for (const auto& pattern : make_api_router().patterns())
        EXPECT_NE(yaml.find("\n  " + pattern + ":\n"), std::string::npos) << pattern << " is not in docs/openapi.yaml";
    for (const auto& e : error_table())
        EXPECT_NE(yaml.find(std::string(e.code)), std::string::npos) << e.code << " is not in docs/openapi.yaml";
}

}  // namespace
