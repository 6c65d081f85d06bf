// The service's own endpoints: /health, /metrics and the OGC API conformance declaration.
#include "aras/geo/gazetteer.hpp"
#include "aras/service/engines.hpp"
#include "http/error_table.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace aras::service::http {

namespace {

Response health(const Request&, const Context& ctx) {
    const auto& e = ctx.engines;
    nlohmann::json layers = nlohmann::json::object();
    for (const auto& [name, layer] : e.layers) layers[name] = layer.features.size();
    nlohmann::json unavailable = nlohmann::json::object();
    for (const auto& [name, why] : e.unavailable) unavailable[name] = why;
    nlohmann::json j = {
        {"status", "ok"},
        {"version", ARAS_VERSION},
        {"layers", layers},
        {"engines",
         {{"gazetteer", e.gazetteer != nullptr},
          {"geoparser", e.geoparser != nullptr},
          {"routing", e.router != nullptr}}},
        {"unavailable", unavailable},
    };
    if (e.gazetteer) j["gazetteer_places"] = e.gazetteer->size();
    return Response::json(j);
}

Response metrics(const Request&, const Context& ctx) {
    return Response::text(ctx.metrics ? ctx.metrics->prometheus_text() : std::string(),
                          "text/plain; version=0.0.4; charset=utf-8");
}

Response conformance(const Request&, const Context&) {
    return Response::json({{"conformsTo",
                            {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                             "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                             "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"}}});
}

}  // namespace

void register_core_routes(Router& router) {
    router.add("GET", "/health", health);
    router.add("GET", "/metrics", metrics);
    router.add("GET", "/conformance", conformance);
}

}  // namespace aras::service::http
