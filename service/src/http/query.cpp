#include "http/query.hpp"

#include <charconv>
#include <cmath>

#include "http/error_table.hpp"

namespace aras::service::http {

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string quoted(std::string_view s) {
    // Echo at most 80 bytes of client input in messages.
    std::string out(s.substr(0, 80));
    if (s.size() > 80) out += "...";
    return "'" + out + "'";
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            const int hi = hex_value(s[i + 1]);
            const int lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0') return std::nullopt;
        out += c;
    }
    return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        auto pos = s.find(sep, start);
        out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return out;
}

Target parse_target(std::string_view target) {
    Target t;
    if (target.empty() || target.front() != '/') throw ApiError("invalid_path", {"request target must start with '/'"});
    const auto q = target.find('?');
    auto path = percent_decode(target.substr(0, q), false);
    if (!path) throw ApiError("invalid_path", {"malformed percent-escape in path"});
    t.path = std::move(*path);
    if (q == std::string_view::npos) return t;
    std::string_view qs = target.substr(q + 1);
    for (const auto& pair : split(qs, '&')) {
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto key = percent_decode(std::string_view(pair).substr(0, eq), true);
        auto value = percent_decode(eq == std::string::npos ? std::string_view() : std::string_view(pair).substr(eq + 1), true);
        if (!key || !value) throw ApiError("bad_request", {"malformed percent-escape in query string"});
        t.query.emplace(std::move(*key), std::move(*value));
    }
    return t;
}

double parse_number(std::string_view text, std::string_view name) {
    double d = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (begin != end && *begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, d);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(d))
        throw ApiError("invalid_parameter", {std::string(name), "expected a finite number, got " + quoted(text)});
    return d;
}

long parse_integer(std::string_view text, std::string_view name, long min, long max) {
    long v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
        throw ApiError("invalid_parameter", {std::string(name), "expected an integer, got " + quoted(text)});
    if (v < min || v > max)
        throw ApiError("invalid_parameter",
                       {std::string(name), "must be between " + std::to_string(min) + " and " + std::to_string(max)});
    return v;
}

geo::LonLat parse_lonlat(std::string_view text, std::string_view name) {
    const auto parts = split(text, ',');
    if (parts.size() != 2) throw ApiError("invalid_coordinates", {std::string(name), "expected 'lon,lat', got " + quoted(text)});
    geo::LonLat p;
    try {
        p.lon = parse_number(parts[0], name);
        p.lat = parse_number(parts[1], name);
    } catch (const ApiError&) {
        throw ApiError("invalid_coordinates", {std::string(name), "not two finite numbers: " + quoted(text)});
    }
    if (!geo::is_valid(p)) throw ApiError("invalid_coordinates", {std::string(name), "out of range: " + quoted(text)});
    return p;
}

geo::BBox parse_bbox(std::string_view text, std::string_view name) {
    const auto parts = split(text, ',');
    if (parts.size() != 4)
        throw ApiError("invalid_parameter", {std::string(name), "expected 'minlon,minlat,maxlon,maxlat'"});
    double v[4];
    for (int i = 0; i < 4; ++i) v[i] = parse_number(parts[static_cast<std::size_t>(i)], name);
    geo::BBox b;
    b.min_lon = v[0];
    b.min_lat = v[1];
    b.max_lon = v[2];
    b.max_lat = v[3];
    if (!geo::is_valid(geo::LonLat{v[0], v[1]}) || !geo::is_valid(geo::LonLat{v[2], v[3]}))
        throw ApiError("invalid_coordinates", {std::string(name), "bbox corner out of range"});
    if (b.min_lat > b.max_lat) throw ApiError("invalid_parameter", {std::string(name), "minlat is above maxlat"});
    if (b.min_lon > b.max_lon)
        throw ApiError("invalid_parameter", {std::string(name), "bboxes crossing the antimeridian are not supported"});
    return b;
}

nlohmann::json parse_json_body(const Request& req) {
    if (req.body.empty()) throw ApiError("invalid_json", {"the body is empty"});
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(req.body);
    } catch (const nlohmann::json::parse_error& e) {
        throw ApiError("invalid_json", {"syntax error at byte " + std::to_string(e.byte)});
    } catch (const nlohmann::json::out_of_range&) {  // 406: a number such as 1e400 overflows a double
        throw ApiError("invalid_json", {"a number is out of range"});
    }
    if (!j.is_object()) throw ApiError("invalid_json", {"expected a JSON object"});
    return j;
}

geo::LonLat lonlat_from_json(const nlohmann::json& j, std::string_view name) {
    geo::LonLat p;
    auto number = [&](const nlohmann::json& v) {
        if (!v.is_number()) throw ApiError("invalid_coordinates", {std::string(name), "coordinates must be numbers"});
        return v.get<double>();
    };
    if (j.is_array() && j.size() == 2) {
        p = {number(j[0]), number(j[1])};
    } else if (j.is_object() && j.contains("lon") && j.contains("lat")) {
        p = {number(j["lon"]), number(j["lat"])};
    } else if (j.is_string()) {
        return parse_lonlat(j.get<std::string>(), name);
    } else {
        throw ApiError("invalid_coordinates", {std::string(name), "expected [lon, lat] or {\"lon\":..,\"lat\":..}"});
    }
    if (!geo::is_valid(p)) throw ApiError("invalid_coordinates", {std::string(name), "out of range or not finite"});
    return p;
}

}  // namespace aras::service::http
