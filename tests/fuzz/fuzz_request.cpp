// libFuzzer target: a whole request (method, target, body) through ApiService::handle with no
// engines loaded — router, validation of every handler, error table; handle() must never throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aras/service/engines.hpp"
#include "http/api_service.hpp"

using namespace aras::service;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Engines engines;
    static const ServerOptions options = [] {
        ServerOptions o;
        o.access_log = false;
        return o;
    }();
    static http::ApiService api(engines, options);
    // Input: "METHOD\nTARGET\nBODY".
    const std::string in(reinterpret_cast<const char*>(data), size);
    const auto a = in.find('\n');
    const auto b = a == std::string::npos ? std::string::npos : in.find('\n', a + 1);
    http::Request req;
    req.method = in.substr(0, a);
    req.target = a == std::string::npos ? "/" : in.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    if (b != std::string::npos) req.body = in.substr(b + 1);
    req.content_type = "application/json";
    const auto res = api.handle(req);
    if (res.status < 100 || res.status > 599) __builtin_trap();
    return 0;
}
