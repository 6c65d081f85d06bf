// The transport-free request/response model every endpoint handler sees (no Beast types here).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aras/service/server.hpp"

namespace aras::service {
class ScenarioStore;
}

namespace aras::service::http {

using Clock = std::chrono::steady_clock;

using Limits = aras::service::Limits;

// One HTTP request, already parsed: path and query split, query percent-decoded.
struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // as received, e.g. "/geocode?q=Astara"
    std::string path;    // percent-decoded path, e.g. "/collections/roads/items"
    std::multimap<std::string, std::string> query;
    std::map<std::string, std::string> path_params;  // from "{id}" segments of the route pattern
    std::string content_type;
    std::string accept;
    std::string body;
    std::string request_id;
    std::string base_url;  // "http://host:port" as the client addressed us, for links
    Clock::time_point deadline;
    std::chrono::milliseconds deadline_budget{0};  // the configured per-request deadline

    // The single value of a query parameter; ApiError "invalid_parameter" when it repeats.
    const std::string* param(std::string_view name) const;
    // Throws ApiError "deadline_exceeded" (503) when the request ran out of time.
    void check_deadline() const;
};

struct Response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers

    static Response json(const nlohmann::json& j, unsigned status = 200);
    static Response geojson(std::string body, unsigned status = 200);
    static Response text(std::string body, std::string content_type = "text/plain; charset=utf-8");
};

// Everything a handler may use: the immutable engines and the configured limits.
class Metrics;
struct Context {
    const Engines& engines;
    const Limits& limits;
    const Metrics* metrics = nullptr;
    ScenarioStore* scenarios = nullptr;  // /scenarios; shared by every replica when it is PostgreSQL
};

using Handler = Response (*)(const Request&, const Context&);

}  // namespace aras::service::http
