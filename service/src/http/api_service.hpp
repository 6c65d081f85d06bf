// The pure request -> response function of the server: routing, errors, CORS, ids, metrics, log.
#pragma once

#include <memory>
#include <string>

#include "aras/service/engines.hpp"
#include "aras/service/scenario_store.hpp"
#include "aras/service/server.hpp"
#include "http/api.hpp"
#include "http/error_table.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/static_files.hpp"

namespace aras::service::http {

class ApiService {
public:
    ApiService(const Engines& engines, const ServerOptions& options);

    // `req` carries method, target, content_type, accept, body, request_id (may be "", then one is
    // generated) and base_url; handle() fills path, query and deadline. Never throws.
    Response handle(Request& req);

    const Router& router() const { return router_; }
    Metrics& metrics() { return metrics_; }

    // The response to a request that failed before it could be handled (unreadable, too large).
    Response error_response(const std::string& request_id, const std::string& method, const std::string& target,
                            const ApiError& error);

private:
    Response dispatch(Request& req, std::string& endpoint);
    void finish(const Request& req, Response& res, const std::string& endpoint, Clock::time_point start);

    const Engines& engines_;
    Limits limits_;
    bool access_log_;
    Router router_;
    StaticFiles static_files_;
    Metrics metrics_;
    std::unique_ptr<ScenarioStore> scenarios_;
    std::string instance_;  // X-Aras-Instance: this process, so a client behind a balancer sees which replica answered
};

// X-Request-Id: the client's when it is 1-128 safe characters, else a fresh one.
std::string request_id_from(std::string_view client_value);

}  // namespace aras::service::http
