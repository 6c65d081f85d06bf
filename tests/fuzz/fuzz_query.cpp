// libFuzzer target: request-target and parameter parsing throw ApiError on bad input, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/error_table.hpp"
#include "http/query.hpp"

using namespace aras::service::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto t = parse_target(text);
        for (const auto& [k, v] : t.query) {
            try { (void)parse_lonlat(v, k); } catch (const ApiError&) {}
            try { (void)parse_bbox(v, k); } catch (const ApiError&) {}
            try { (void)parse_integer(v, k, 0, 1000); } catch (const ApiError&) {}
        }
    } catch (const ApiError&) {
    }
    return 0;
}
