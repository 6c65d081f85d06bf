// The HTTP API server: options, limits and the blocking run loop (Boost.Beast stays inside the .cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

#include "aras/service/engines.hpp"

namespace aras::service {

// Per-request limits; each is a flag of `aras serve` and documented in docs/openapi.yaml.
struct Limits {
    std::size_t max_body_bytes = 1 << 20;        // 413 payload_too_large above this
    std::size_t max_waypoints = 25;              // /route locations (413 too_many_points)
    std::size_t max_matrix_cells = 2500;         // /matrix origins x destinations
    std::size_t max_polygon_vertices = 10000;    // all avoid-polygon vertices of one request
    std::size_t max_items_limit = 10000;         // /collections/{id}/items?limit=
    std::size_t max_geocode_limit = 100;
    std::size_t max_geoparse_chars = 200000;
    std::size_t max_scenario_origins = 200;      // /corridors, /compare (413 too_many_points)
    std::chrono::milliseconds request_deadline{10000};  // 503 deadline_exceeded past it
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;        // 0 = ephemeral
    int threads = 0;                   // 0 = hardware concurrency
    std::string web_dir;               // static files served at "/"; "" = none
    std::chrono::milliseconds read_timeout{30000};   // to receive a request (header + body) or idle keep-alive
    std::chrono::milliseconds write_timeout{30000};
    std::chrono::milliseconds shutdown_grace{10000};  // in-flight requests get this long after SIGTERM
    bool access_log = true;            // one JSON line per request on stderr
    std::string scenario_store;        // open_scenario_store() location ("PG:...", a directory); "" = memory
    Limits limits;
};

// Binds, writes "listening on http://HOST:PORT\n" to `announce` (flushed), and serves until SIGINT
// or SIGTERM; then stops accepting, lets in-flight requests finish (up to shutdown_grace) and
// returns 0. Throws std::runtime_error when it cannot bind.
int run_server(const ServerOptions& options, const Engines& engines, std::ostream& announce);

}  // namespace aras::service
