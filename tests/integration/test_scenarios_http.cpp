// /scenarios over real loopback HTTP: create, list, get, delete, validation errors with JSON pointers, and
// documents that outlive the process in a directory store.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "support/run_command.hpp"

using aras::test::HttpResponse;
using aras::test::ServerProcess;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// An empty data directory: no layer is needed to store scenarios, and the server starts in a blink.
class ScenariosHttp : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("aras_scenarios_http_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_ / "data");
    }
    void TearDown() override { fs::remove_all(root_); }

    std::vector<std::string> args() const {
        return {"--data", (root_ / "data").string(), "--scenario-store", (root_ / "scenarios").string(),
                "--no-access-log"};
    }
    static HttpResponse post(ServerProcess& s, const std::string& body, const std::string& type = "application/json") {
        return s.request("POST", "/scenarios", body, {"Content-Type: " + type});
    }
    static json error_of(const HttpResponse& r) {
        const auto j = json::parse(r.body, nullptr, false);
        EXPECT_TRUE(j.is_object() && j.contains("error")) << r.body;
        return j.is_object() && j.contains("error") ? j["error"] : json::object();
    }

    fs::path root_;
};

TEST_F(ScenariosHttp, CreateListGetDelete) {
    ServerProcess server(args());
    const std::string doc = read_file(std::string(ARAS_TEST_DATA_DIR) + "/scenarios/tehran_astara_only.json");
    ASSERT_FALSE(doc.empty());

    const auto created = post(server, doc);
    ASSERT_EQ(created.status, 201) << created.body;
    const auto c = json::parse(created.body);
    const std::string id = c.at("id");
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(c.at("name"), "Tehran to Astara only");
    EXPECT_EQ(created.header("location"), "/scenarios/" + id);
    EXPECT_EQ(created.header("x-aras-instance"), std::to_string(server.pid()));

    const auto listed = server.request("GET", "/scenarios");
    ASSERT_EQ(listed.status, 200) << listed.body;
    const auto l = json::parse(listed.body).at("scenarios");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].at("id"), id);
    EXPECT_EQ(l[0].at("name"), "Tehran to Astara only");
    EXPECT_EQ(l[0].at("created"), c.at("created"));
    EXPECT_EQ(l[0].at("created").get<std::string>().size(), 24u);  // 2025-06-20T10:00:00.000Z

    const auto got = server.request("GET", "/scenarios/" + id);
    ASSERT_EQ(got.status, 200) << got.body;
    const auto g = json::parse(got.body);
    EXPECT_EQ(g.at("scenario"), json::parse(doc));  // stored as written
    EXPECT_EQ(g.at("id"), id);

    const auto del = server.request("DELETE", "/scenarios/" + id);
    EXPECT_EQ(del.status, 204);
    EXPECT_TRUE(del.body.empty());
    EXPECT_EQ(server.request("GET", "/scenarios/" + id).status, 404);
    EXPECT_EQ(server.request("DELETE", "/scenarios/" + id).status, 404);
    EXPECT_EQ(json::parse(server.request("GET", "/scenarios").body).at("scenarios").size(), 0u);
}

TEST_F(ScenariosHttp, UnknownAndMalformedIds) {
    ServerProcess server(args());
    for (const std::string& id : {std::string("nope"), std::string("s0123456789abcdef"), std::string("has.dot"), std::string(200, 'x')}) {
        const auto r = server.request("GET", "/scenarios/" + id);
        EXPECT_EQ(r.status, 404) << id;
        EXPECT_EQ(error_of(r).value("code", ""), "not_found");
        EXPECT_EQ(server.request("DELETE", "/scenarios/" + id).status, 404) << id;
    }
    const auto put = server.request("PUT", "/scenarios/x", "{}", {"Content-Type: application/json"});
    EXPECT_EQ(put.status, 405);
    EXPECT_EQ(error_of(put).value("code", ""), "method_not_allowed");
}

TEST_F(ScenariosHttp, InvalidDocumentsAnswer400WithPointer) {
    ServerProcess server(args());
    const std::string bad = read_file(std::string(ARAS_TEST_DATA_DIR) + "/scenarios/invalid_people.json");
    auto r = post(server, bad);
    ASSERT_EQ(r.status, 400) << r.body;
    auto e = error_of(r);
    EXPECT_EQ(e.value("code", ""), "invalid_scenario");
    EXPECT_EQ(e["details"].value("pointer", "?"), "/origins/2/people") << r.body;

    r = post(server, R"({"origins": [{"point": [46.3, 38.1], "people": 5}], "corridor_width_km": "wide"})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_of(r)["details"].value("pointer", "?"), "/corridor_width_km") << r.body;

    r = post(server, R"({"name": "no origins"})");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_of(r).value("code", ""), "invalid_scenario");

    for (const std::string body : {"", "{", "[1,2]", "\"text\"", "{\"origins\": [}"}) {
        r = post(server, body);
        EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
        EXPECT_EQ(error_of(r).value("code", ""), "invalid_scenario") << body;
    }

    r = post(server, "origins: []", "text/plain");
    EXPECT_EQ(r.status, 415) << r.body;

    // Nothing invalid was stored.
    EXPECT_EQ(json::parse(server.request("GET", "/scenarios").body).at("scenarios").size(), 0u);
}

TEST_F(ScenariosHttp, DirectoryStoreOutlivesTheProcess) {
    std::string id;
    {
        ServerProcess first(args());
        const auto r = post(first, R"({"name": "Jolfa hazard", "origins": [{"place": "Tabriz", "people": 300}]})");
        ASSERT_EQ(r.status, 201) << r.body;
        id = json::parse(r.body).at("id");
    }
    ServerProcess second(args());
    const auto got = second.request("GET", "/scenarios/" + id);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(json::parse(got.body).at("name"), "Jolfa hazard");
}

TEST_F(ScenariosHttp, UnreachableStoreIsAClearStartupError) {
    // A PostgreSQL store nobody listens on: `aras serve` exits 1 with the reason instead of serving 503s.
    const std::string cmd = std::string("'") + ARAS_BINARY + "' serve --port 0 --data '" + (root_ / "data").string() +
                            "' --scenario-store 'PG:host=127.0.0.1 port=1 dbname=x connect_timeout=2' 2>&1";
    const auto [status, out] = aras::test::run_command(cmd);
    EXPECT_EQ(status, 1) << out;  // -1 when it could not run or was killed
    EXPECT_NE(out.find("scenario database"), std::string::npos) << out;
}

}  // namespace
