// /scenarios: planners' scenario documents kept in the scenario store that every replica shares.
#include <string>

#include "aras/routing/scenario.hpp"
#include "aras/service/scenario_store.hpp"
#include "http/error_table.hpp"
#include "http/router.hpp"

namespace aras::service::http {

namespace {

ScenarioStore& store(const Context& ctx) {
    if (!ctx.scenarios) throw ApiError("unavailable", {"the scenario store", "not configured"});
    return *ctx.scenarios;
}

// A document's own name when it has one ("" otherwise), for listings.
std::string name_of(const nlohmann::json& document) {
    auto it = document.find("name");
    return it != document.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Store failures are the store's, not the client's: 503 so a balancer or client may retry.
[[noreturn]] void rethrow_store_error(const ScenarioStoreError& e) {
    if (dynamic_cast<const InvalidScenario*>(&e)) throw ApiError("invalid_scenario", {e.what()}, {{"pointer", ""}});
    throw ApiError("unavailable", {"the scenario store", e.what()});
}

Response create(const Request& req, const Context& ctx) {
    if (!req.content_type.empty() && req.content_type.find("json") == std::string::npos)
        throw ApiError("unsupported_media_type", {req.content_type.substr(0, 100), "application/json"});
    routing::Scenario parsed;
    try {
        parsed = routing::parse_scenario_text(req.body);
    } catch (const routing::ScenarioError& e) {
        throw ApiError("invalid_scenario", {e.what()}, {{"pointer", e.pointer()}});
    }
    if (parsed.origins.size() > ctx.limits.max_scenario_origins)
        throw ApiError("too_many_points", {"scenario origins", std::to_string(parsed.origins.size()),
                                           std::to_string(ctx.limits.max_scenario_origins)});
    // The planner's document is kept as written (defaults stay implicit), not the parsed form.
    const auto document = nlohmann::json::parse(req.body);
    Scenario s;
    try {
        s = store(ctx).create(document);
    } catch (const ScenarioStoreError& e) {
        rethrow_store_error(e);
    }
    Response r = Response::json({{"id", s.id}, {"name", name_of(s.document)}, {"created", s.created_at}}, 201);
    // Relative, so it stays right behind a reverse proxy that rewrites the host.
    r.headers.emplace_back("Location", "/scenarios/" + s.id);
    return r;
}

Response list(const Request&, const Context& ctx) {
    nlohmann::json items = nlohmann::json::array();
    try {
        for (const auto& s : store(ctx).list())
            items.push_back({{"id", s.id}, {"name", name_of(s.document)}, {"created", s.created_at}});
    } catch (const ScenarioStoreError& e) {
        rethrow_store_error(e);
    }
    return Response::json({{"scenarios", items}});
}

Response get(const Request& req, const Context& ctx) {
    const std::string& id = req.path_params.at("id");
    std::optional<Scenario> s;
    try {
        s = store(ctx).get(id);
    } catch (const ScenarioStoreError& e) {
        rethrow_store_error(e);
    }
    if (!s) throw ApiError("not_found", {req.path.substr(0, 200)});
    // {"scenario": ...} is also what POST /corridors accepts, so a stored scenario can be posted back as is.
    return Response::json(
        {{"id", s->id}, {"name", name_of(s->document)}, {"created", s->created_at}, {"scenario", s->document}});
}

Response remove(const Request& req, const Context& ctx) {
    bool removed = false;
    try {
        removed = store(ctx).remove(req.path_params.at("id"));
    } catch (const ScenarioStoreError& e) {
        rethrow_store_error(e);
    }
    if (!removed) throw ApiError("not_found", {req.path.substr(0, 200)});
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
}

}  // namespace

void register_scenario_routes(Router& r) {
    r.add("POST", "/scenarios", create);
    r.add("GET", "/scenarios", list);
    r.add("GET", "/scenarios/{id}", get);
    r.add("DELETE", "/scenarios/{id}", remove);
}

}  // namespace aras::service::http
