// docs/openapi.yaml stays true: every documented path and method answers on a real server (never
// "no such resource" or "method not allowed").
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace {

// (path, method) pairs under "paths:" — a tiny extraction: paths at indent 2, methods at indent 4.
std::vector<std::pair<std::string, std::string>> documented_operations(const std::string& file) {
    std::ifstream in(file);
    std::string line, path;
    bool in_paths = false;
    std::vector<std::pair<std::string, std::string>> out;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = line.rfind("paths:", 0) == 0;
        if (!in_paths) continue;
        if (line.rfind("  /", 0) == 0 && line.back() == ':') {
            path = line.substr(2, line.size() - 3);
            if (path.size() > 1 && path.front() == '\'' ) path = path.substr(1, path.size() - 2);
            continue;
        }
        for (const char* m : {"get", "post", "put", "delete", "options", "head"}) {
            if (!path.empty() && line == std::string("    ") + m + ":") {
                std::string upper = m;
                for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                out.emplace_back(path, upper);
            }
        }
    }
    return out;
}

TEST(OpenApi, EveryDocumentedOperationAnswers) {
    const auto ops = documented_operations(std::string(ARAS_DATA_DIR) + "/../docs/openapi.yaml");
    ASSERT_GE(ops.size(), 15u) << "docs/openapi.yaml has too few operations";
    aras::test::ServerProcess server;
    for (auto [path, method] : ops) {
        // A stored scenario's id is the store's; an unknown one is a documented 404 not_found.
        const bool own_not_found = path == "/scenarios/{id}";
        for (auto [from, to] : {std::pair<std::string, std::string>{"{id}", "places"}, {"{featureId}", "0"}}) {
            if (auto pos = path.find(from); pos != std::string::npos) path.replace(pos, from.size(), to);
        }
        const auto r = server.request(method, path, method == "POST" ? "{}" : "", {"Content-Type: application/json"});
        const auto j = nlohmann::json::parse(r.body, nullptr, false);
        const std::string code = j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
        EXPECT_NE(r.status, 0) << method << " " << path;
        if (own_not_found) {
            EXPECT_TRUE(code.empty() || code == "not_found") << method << " " << path << " " << r.body;
        } else {
            EXPECT_NE(code, "not_found") << method << " " << path;
        }
        EXPECT_NE(code, "method_not_allowed") << method << " " << path;
        EXPECT_NE(r.status, 500) << method << " " << path << " " << r.body;
    }
}

}  // namespace
