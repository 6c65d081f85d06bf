#include "http/router.hpp"

#include <algorithm>

#include "http/error_table.hpp"

namespace aras::service::http {

namespace {
std::vector<std::string_view> path_segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 1;  // paths start with '/'
    while (start <= path.size()) {
        auto pos = path.find('/', start);
        if (pos == std::string_view::npos) pos = path.size();
        out.push_back(path.substr(start, pos - start));
        start = pos + 1;
    }
    // "/collections/" matches "/collections"
    if (out.size() > 1 && out.back().empty()) out.pop_back();
    return out;
}
}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
    for (auto& r : routes_) {
        if (r.method == method && r.pattern == pattern) {
            r.handler = handler;
            return;
        }
    }
    Route r{std::move(method), std::move(pattern), {}, handler};
    for (auto s : path_segments(r.pattern)) r.segments.emplace_back(s);
    routes_.push_back(std::move(r));
}

bool Router::match_segments(const Route& r, const std::vector<std::string_view>& path,
                            std::map<std::string, std::string>* params) {
    if (r.segments.size() != path.size()) return false;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const auto& s = r.segments[i];
        if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
            if (path[i].empty()) return false;
            if (params) (*params)[s.substr(1, s.size() - 2)] = std::string(path[i]);
        } else if (s != path[i]) {
            return false;
        }
    }
    return true;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
    const auto segs = path_segments(path);
    bool path_known = false;
    for (const auto& r : routes_) {
        if (!match_segments(r, segs, nullptr)) continue;
        path_known = true;
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            Match m;
            m.handler = r.handler;
            m.pattern = r.pattern;
            match_segments(r, segs, &m.params);
            return m;
        }
    }
    if (!path_known) throw ApiError("not_found", {std::string(path.substr(0, 200))});
    throw ApiError("method_not_allowed", {std::string(method.substr(0, 20)), std::string(path.substr(0, 200)),
                                          allowed_methods(path)});
}

std::string Router::allowed_methods(std::string_view path) const {
    const auto segs = path_segments(path);
    std::vector<std::string> methods;
    for (const auto& r : routes_) {
        if (!match_segments(r, segs, nullptr)) continue;
        if (std::find(methods.begin(), methods.end(), r.method) == methods.end()) methods.push_back(r.method);
        if (r.method == "GET" && std::find(methods.begin(), methods.end(), "HEAD") == methods.end())
            methods.push_back("HEAD");
    }
    if (methods.empty()) return "";
    methods.push_back("OPTIONS");
    std::string out;
    for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
    return out;
}

std::vector<std::string> Router::patterns() const {
    std::vector<std::string> out;
    for (const auto& r : routes_)
        if (std::find(out.begin(), out.end(), r.pattern) == out.end()) out.push_back(r.pattern);
    return out;
}

Router make_api_router() {
    Router r;
    register_core_routes(r);
    register_feature_routes(r);
    register_geo_routes(r);
    register_route_routes(r);
    register_analysis_routes(r);
    register_scenario_routes(r);
    return r;
}

}  // namespace aras::service::http
