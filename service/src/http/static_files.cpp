#include "http/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/error_table.hpp"

namespace aras::service::http {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(const std::string& root) {
    std::error_code ec;
    auto canonical = fs::canonical(root, ec);
    if (!ec && fs::is_directory(canonical, ec)) root_ = canonical.string();
}

std::string_view StaticFiles::mime_type(std::string_view ext) {
    struct Entry {
        std::string_view ext, type;
    };
    static constexpr Entry kTypes[] = {
        {".html", "text/html; charset=utf-8"},    {".htm", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},      {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".json", "application/json"},
        {".geojson", "application/geo+json"},     {".map", "application/json"},
        {".svg", "image/svg+xml"},                {".png", "image/png"},
        {".jpg", "image/jpeg"},                   {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},                    {".ico", "image/vnd.microsoft.icon"},
        {".webp", "image/webp"},                  {".woff", "font/woff"},
        {".woff2", "font/woff2"},                 {".ttf", "font/ttf"},
        {".txt", "text/plain; charset=utf-8"},    {".wasm", "application/wasm"},
        {".pbf", "application/x-protobuf"},       {".xml", "application/xml"},
        {".yaml", "application/yaml"},            {".yml", "application/yaml"},
    };
    std::string lower(ext);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& e : kTypes)
        if (e.ext == lower) return e.type;
    return "application/octet-stream";
}

std::optional<Response> StaticFiles::serve(std::string_view path) const {
    for (char c : path) {
        if (c == '\\' || static_cast<unsigned char>(c) < 0x20)
            throw ApiError("invalid_path", {"backslashes and control characters are not allowed"});
    }
    // Reject any ".." segment outright rather than normalising it away.
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (path.substr(start, end - start) == "..") throw ApiError("invalid_path", {"'..' segments are not allowed"});
        start = end + 1;
    }
    if (root_.empty()) return std::nullopt;
    std::string rel(path.substr(1));
    fs::path file = fs::path(root_) / rel;
    std::error_code ec;
    if (rel.empty() || rel.back() == '/' || fs::is_directory(file, ec)) file /= "index.html";
    // Symlinks must not lead out of the root either.
    auto canonical = fs::canonical(file, ec);
    if (ec || !fs::is_regular_file(canonical, ec)) return std::nullopt;
    const std::string c = canonical.string();
    if (c.compare(0, root_.size(), root_) != 0 || (c.size() > root_.size() && c[root_.size()] != '/'))
        return std::nullopt;
    std::ifstream in(canonical, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    Response r;
    r.content_type = std::string(mime_type(canonical.extension().string()));
    r.body = ss.str();
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
}

}  // namespace aras::service::http
