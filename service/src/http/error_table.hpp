// The one error table of the HTTP API: error code -> HTTP status + message template (Valhalla style).
#pragma once

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace aras::service::http {

struct ErrorEntry {
    std::string_view code;      // stable machine-readable code, e.g. "invalid_coordinates"
    unsigned status;            // HTTP status
    std::string_view message;   // template; "{}" placeholders are filled in order
};

// Every error the API can answer with. Tests and docs/openapi.yaml are kept in step with it.
const std::initializer_list<ErrorEntry>& error_table();

// Looks up `code`; an unknown code is a programming error and maps to "internal".
const ErrorEntry& error_entry(std::string_view code);

// A request failed with one of the table's codes. Handlers throw it; the server turns it into
// {"error":{"code","message"}} with the table's status.
class ApiError : public std::runtime_error {
public:
    // `args` fill the "{}" placeholders of the code's template in order.
    ApiError(std::string_view code, std::initializer_list<std::string> args = {});
    ApiError(std::string_view code, std::initializer_list<std::string> args, nlohmann::json details);

    const std::string& code() const { return code_; }
    unsigned status() const { return status_; }
    const nlohmann::json& details() const { return details_; }
    // {"error":{"code":..., "message":..., ["details":...]}}
    nlohmann::json to_json() const;

private:
    std::string code_;
    unsigned status_;
    nlohmann::json details_;
};

// Fills "{}" placeholders of `tmpl` with `args` in order; extra placeholders stay as they are.
std::string format_message(std::string_view tmpl, std::initializer_list<std::string> args);

}  // namespace aras::service::http
