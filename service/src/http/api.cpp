#include "http/api.hpp"

#include "http/error_table.hpp"

namespace aras::service::http {

const std::string* Request::param(std::string_view name) const {
    auto range = query.equal_range(std::string(name));
    if (range.first == range.second) return nullptr;
    if (std::next(range.first) != range.second)
        throw ApiError("invalid_parameter", {std::string(name), "given more than once"});
    return &range.first->second;
}

void Request::check_deadline() const {
    if (Clock::now() > deadline) throw ApiError("deadline_exceeded", {std::to_string(deadline_budget.count())});
}

Response Response::json(const nlohmann::json& j, unsigned status) {
    Response r;
    r.status = status;
    r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response Response::geojson(std::string body, unsigned status) {
    Response r;
    r.status = status;
    r.content_type = "application/geo+json";
    r.body = std::move(body);
    return r;
}

Response Response::text(std::string body, std::string content_type) {
    Response r;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
}

}  // namespace aras::service::http
