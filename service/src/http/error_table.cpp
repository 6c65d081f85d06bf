#include "http/error_table.hpp"

#include <algorithm>

namespace aras::service::http {

namespace {
// Keep codes stable: clients switch on them. Messages may improve.
const std::initializer_list<ErrorEntry> kTable = {
    {"bad_request", 400, "bad request: {}"},
    {"missing_parameter", 400, "missing required parameter '{}'"},
    {"invalid_parameter", 400, "invalid parameter '{}': {}"},
    {"invalid_coordinates", 400, "invalid coordinates in '{}': {} (need finite lon in [-180,180], lat in [-90,90])"},
    {"invalid_json", 400, "request body is not valid JSON: {}"},
    {"invalid_geojson", 400, "invalid GeoJSON: {}"},
    {"invalid_scenario", 400, "invalid scenario: {}"},
    {"invalid_polygon", 400, "invalid avoid polygon: {}"},
    {"unsupported_format", 400, "unsupported format '{}' (use geojson, gpkg, shp, fgb or kml)"},
    {"invalid_path", 400, "invalid path: {}"},
    {"not_found", 404, "no resource at '{}'"},
    {"unknown_collection", 404, "no collection '{}'"},
    {"unknown_place", 404, "no place matches '{}'"},
    {"no_route", 404, "no route: {}"},
    {"method_not_allowed", 405, "method {} is not allowed on {} (allowed: {})"},
    {"request_timeout", 408, "the request was not received in time"},
    {"payload_too_large", 413, "request body exceeds the limit of {} bytes"},
    {"too_many_points", 413, "too many {}: {} (limit {})"},
    {"unsupported_media_type", 415, "unsupported content type '{}' (use {})"},
    {"internal", 500, "internal error: {}"},
    {"not_implemented", 501, "not implemented yet: {}"},
    {"unavailable", 503, "{} is unavailable: {}"},
    {"deadline_exceeded", 503, "the request exceeded its deadline of {} ms"},
};
}  // namespace

const std::initializer_list<ErrorEntry>& error_table() { return kTable; }

const ErrorEntry& error_entry(std::string_view code) {
    auto it = std::find_if(kTable.begin(), kTable.end(), [&](const ErrorEntry& e) { return e.code == code; });
    if (it != kTable.end()) return *it;
    return *std::find_if(kTable.begin(), kTable.end(), [](const ErrorEntry& e) { return e.code == "internal"; });
}

std::string format_message(std::string_view tmpl, std::initializer_list<std::string> args) {
    std::string out;
    auto arg = args.begin();
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '}' && arg != args.end()) {
            out += *arg++;
            ++i;
        } else {
            out += tmpl[i];
        }
    }
    return out;
}

ApiError::ApiError(std::string_view code, std::initializer_list<std::string> args)
    : ApiError(code, args, nullptr) {}

ApiError::ApiError(std::string_view code, std::initializer_list<std::string> args, nlohmann::json details)
    : std::runtime_error(format_message(error_entry(code).message, args)),
      code_(error_entry(code).code),
      status_(error_entry(code).status),
      details_(std::move(details)) {}

nlohmann::json ApiError::to_json() const {
    nlohmann::json e = {{"code", code_}, {"message", what()}};
    if (!details_.is_null()) e["details"] = details_;
    return {{"error", e}};
}

}  // namespace aras::service::http
