// Analysis endpoints: /corridors, /compare, /proximity. Answer 501 until the corridor and scenario
// engines land; their engineer replaces these handlers in this file (see register_analysis_routes).
#include "http/error_table.hpp"
#include "http/router.hpp"

namespace aras::service::http {

namespace {

Response corridors(const Request&, const Context&) { throw ApiError("not_implemented", {"/corridors"}); }
Response compare(const Request&, const Context&) { throw ApiError("not_implemented", {"/compare"}); }
Response proximity(const Request&, const Context&) { throw ApiError("not_implemented", {"/proximity"}); }

}  // namespace

void register_analysis_routes(Router& r) {
    r.add("POST", "/corridors", corridors);
    r.add("POST", "/compare", compare);
    r.add("GET", "/proximity", proximity);
    r.add("POST", "/proximity", proximity);
}

}  // namespace aras::service::http
