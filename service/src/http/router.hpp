// Maps (method, path pattern) to handlers; patterns may hold "{name}" segments.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/api.hpp"

namespace aras::service::http {

class Router {
public:
    // Registers `handler` for `method` on `pattern` (e.g. "/collections/{id}/items"). Registering the
    // same method and pattern again replaces the earlier handler, so a module can take over a stub.
    void add(std::string method, std::string pattern, Handler handler);

    struct Match {
        Handler handler = nullptr;
        std::string pattern;                        // the route, for metrics labels
        std::map<std::string, std::string> params;  // "{name}" values
    };
    // The handler for `method` on `path`; ApiError "not_found" when no pattern matches the path,
    // "method_not_allowed" when patterns match but not for this method. HEAD falls back to GET.
    Match match(std::string_view method, std::string_view path) const;
    // Allowed methods on `path`, comma-separated ("" when none); OPTIONS is always allowed.
    std::string allowed_methods(std::string_view path) const;
    // The registered patterns, in registration order (docs test checks they are documented).
    std::vector<std::string> patterns() const;

private:
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        Handler handler;
    };
    static bool match_segments(const Route& r, const std::vector<std::string_view>& path,
                               std::map<std::string, std::string>* params);
    std::vector<Route> routes_;
};

// Registration of every endpoint module; each handlers_*.cpp defines one of these.
void register_core_routes(Router& router);      // http/core_routes.cpp: /health, /metrics, /conformance
void register_feature_routes(Router& router);   // handlers_features.cpp: OGC API - Features
void register_geo_routes(Router& router);       // handlers_geo.cpp: /geocode, /reverse, /geoparse
void register_route_routes(Router& router);     // handlers_route.cpp: /route, /isochrone, /matrix, /nearest
void register_analysis_routes(Router& router);  // handlers_analysis.cpp: /corridors, /compare, /proximity
void register_scenario_routes(Router& router);  // handlers_scenarios.cpp: /scenarios, /scenarios/{id}
// All of the above, in that order.
Router make_api_router();

}  // namespace aras::service::http
