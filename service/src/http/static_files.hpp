// Serves the web client from a directory: traversal-safe paths, MIME types by extension.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/api.hpp"

namespace aras::service::http {

class StaticFiles {
public:
    // `root` may not exist (then nothing is served); it is resolved once here.
    explicit StaticFiles(const std::string& root);

    // The file for the decoded request `path` ("/" -> index.html), nullopt when there is none.
    // ApiError "invalid_path" for "..", backslashes or control characters.
    std::optional<Response> serve(std::string_view path) const;

    static std::string_view mime_type(std::string_view extension);

private:
    std::string root_;  // canonical, "" when missing
};

}  // namespace aras::service::http
