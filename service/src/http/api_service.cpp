#include "http/api_service.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <new>
#include <random>
#include <stdexcept>

#include <unistd.h>

#include "aras/geo/geojson.hpp"
#include "aras/geo/layer_io.hpp"
#include "aras/routing/costing.hpp"
#include "http/error_table.hpp"
#include "http/query.hpp"

namespace aras::service::http {

namespace {

std::string utc_now_iso() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

Response from_error(const ApiError& e) {
    Response r = Response::json(e.to_json(), e.status());
    return r;
}

}  // namespace

std::string request_id_from(std::string_view client_value) {
    bool ok = !client_value.empty() && client_value.size() <= 128;
    for (char c : client_value) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':')) ok = false;
    }
    if (ok) return std::string(client_value);
    static const std::uint32_t prefix = std::random_device{}();
    static std::atomic<std::uint64_t> counter{0};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%08x-%010llu", prefix, static_cast<unsigned long long>(++counter));
    return buf;
}

ApiService::ApiService(const Engines& engines, const ServerOptions& options)
    : engines_(engines),
      limits_(options.limits),
      access_log_(options.access_log),
      router_(make_api_router()),
      static_files_(options.web_dir),
      scenarios_(options.scenario_store.empty() ? make_memory_scenario_store()
                                                : open_scenario_store(options.scenario_store)),
      instance_(std::to_string(::getpid())) {}

Response ApiService::dispatch(Request& req, std::string& endpoint) {
    auto target = parse_target(req.target);
    req.path = std::move(target.path);
    req.query = std::move(target.query);
    if (req.method == "OPTIONS") {
        // CORS preflight (and plain OPTIONS): the allowed methods of the path.
        std::string allow = router_.allowed_methods(req.path);
        if (allow.empty()) {
            if (!static_files_.serve(req.path)) throw ApiError("not_found", {req.path.substr(0, 200)});
            allow = "GET, HEAD, OPTIONS";
        }
        endpoint = "OPTIONS";
        Response r;
        r.status = 204;
        r.content_type.clear();
        r.headers.emplace_back("Allow", allow);
        r.headers.emplace_back("Access-Control-Allow-Methods", allow);
        r.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type, Accept, X-Request-Id");
        r.headers.emplace_back("Access-Control-Max-Age", "86400");
        return r;
    }
    Router::Match match;
    try {
        match = router_.match(req.method, req.path);
    } catch (const ApiError& e) {
        if (e.code() == "not_found" && (req.method == "GET" || req.method == "HEAD")) {
            endpoint = "static";
            if (auto file = static_files_.serve(req.path)) return std::move(*file);
        }
        if (e.code() == "method_not_allowed") {
            endpoint = "unmatched";
            Response r = from_error(e);
            r.headers.emplace_back("Allow", router_.allowed_methods(req.path));
            return r;
        }
        throw;
    }
    endpoint = match.pattern;
    req.path_params = std::move(match.params);
    Context ctx{engines_, limits_, &metrics_, scenarios_.get()};
    return match.handler(req, ctx);
}

Response ApiService::handle(Request& req) {
    const auto start = Clock::now();
    req.deadline = start + limits_.request_deadline;
    req.deadline_budget = limits_.request_deadline;
    req.request_id = request_id_from(req.request_id);
    std::string endpoint = "unmatched";
    Response res;
    try {
        try {
            res = dispatch(req, endpoint);
            if (Clock::now() > req.deadline && res.status < 400)
                throw ApiError("deadline_exceeded", {std::to_string(limits_.request_deadline.count())});
        } catch (const ApiError&) {
            throw;
        } catch (const geo::GeoJsonError& e) {
            throw ApiError("invalid_geojson", {e.what()});
        } catch (const routing::CostingError& e) {
            throw ApiError("bad_request", {e.what()});
        } catch (const std::invalid_argument& e) {
            throw ApiError("bad_request", {e.what()});
        } catch (const nlohmann::json::exception& e) {
            // A member of the wrong JSON type in a request body.
            throw ApiError("bad_request", {e.what()});
        } catch (const std::bad_alloc&) {
            throw ApiError("unavailable", {"the server", "out of memory for this request"});
        } catch (const std::exception& e) {
            // An engine that is still a stub says so; that is 501, not a server bug.
            if (std::string_view(e.what()).find("not implemented") != std::string_view::npos)
                throw ApiError("not_implemented", {e.what()});
            throw ApiError("internal", {e.what()});
        }
    } catch (const ApiError& e) {
        res = from_error(e);
    }
    finish(req, res, endpoint, start);
    return res;
}

Response ApiService::error_response(const std::string& request_id, const std::string& method,
                                    const std::string& target, const ApiError& error) {
    const auto start = Clock::now();
    Request req;
    req.method = method;
    req.target = target;
    req.path = target.substr(0, target.find('?'));
    req.request_id = request_id_from(request_id);
    Response res = from_error(error);
    finish(req, res, "unmatched", start);
    return res;
}

void ApiService::finish(const Request& req, Response& res, const std::string& endpoint, Clock::time_point start) {
    res.headers.emplace_back("X-Request-Id", req.request_id);
    res.headers.emplace_back("Access-Control-Allow-Origin", "*");
    res.headers.emplace_back("X-Aras-Instance", instance_);
    res.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, Content-Disposition");
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    metrics_.record(endpoint, res.status, seconds, res.body.size());
    if (!access_log_) return;
    nlohmann::json line = {{"time", utc_now_iso()},  {"id", req.request_id},   {"method", req.method},
                           {"path", req.path},       {"status", res.status},   {"bytes", res.body.size()},
                           {"duration_ms", seconds * 1000.0}};
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);  // one write per line: lines never interleave
}

}  // namespace aras::service::http
