// Subcommand: serve — the HTTP API over the engines loaded once from the data directory.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "aras/service/cli.hpp"
#include "aras/service/engines.hpp"
#include "aras/service/server.hpp"
#include "cli_args.hpp"
#include "cli_commands.hpp"

#ifndef ARAS_DEFAULT_WEB_DIR
#define ARAS_DEFAULT_WEB_DIR ""
#endif

namespace aras::service::cli {

namespace {
std::size_t positive(const Args& args, const std::string& option, long fallback, long max) {
    const long v = args.integer_or(option, fallback);
    if (v < 1 || v > max) throw UsageError("option " + option + " must be between 1 and " + std::to_string(max));
    return static_cast<std::size_t>(v);
}

// Where POST /scenarios keeps documents unless --scenario-store says: the PostGIS database the layers come
// from (shared by every replica), else a directory under $ARAS_STATE_DIR, else one under the temp dir.
std::string default_scenario_store(const std::string& data) {
    if (data.rfind("PG:", 0) == 0) return data;
    const char* state = std::getenv("ARAS_STATE_DIR");
    const std::filesystem::path base =
        state && *state ? std::filesystem::path(state) : std::filesystem::temp_directory_path() / "aras-state";
    return (base / "scenarios").string();
}
}  // namespace

int serve(const CommandArgs& argv) {
    const Args args(argv,
                    {"--data", "--host", "--port", "--threads", "--web", "--cache-dir", "--read-timeout-ms",
                     "--write-timeout-ms", "--shutdown-grace-ms", "--deadline-ms", "--max-body-bytes",
                     "--max-waypoints", "--max-matrix-cells", "--max-polygon-vertices", "--max-items",
                     "--max-geocode-limit", "--max-geoparse-chars", "--max-scenario-origins", "--scenario-store"},
                    {"--no-access-log"});
    if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional().front() + "'");
    ServerOptions o;
    o.host = args.value_or("--host", "127.0.0.1");
    const long port = args.integer_or("--port", 8080);
    if (port < 0 || port > 65535) throw UsageError("option --port must be between 0 and 65535");
    o.port = static_cast<unsigned short>(port);
    o.threads = static_cast<int>(positive(args, "--threads", 0 + static_cast<long>(std::max(1u, std::thread::hardware_concurrency())), 256));
    o.web_dir = args.value_or("--web", ARAS_DEFAULT_WEB_DIR);
    o.read_timeout = std::chrono::milliseconds(positive(args, "--read-timeout-ms", 30000, 3600000));
    o.write_timeout = std::chrono::milliseconds(positive(args, "--write-timeout-ms", 30000, 3600000));
    o.shutdown_grace = std::chrono::milliseconds(positive(args, "--shutdown-grace-ms", 10000, 3600000));
    o.access_log = !args.flag("--no-access-log");
    auto& l = o.limits;
    l.request_deadline = std::chrono::milliseconds(positive(args, "--deadline-ms", 10000, 3600000));
    l.max_body_bytes = positive(args, "--max-body-bytes", static_cast<long>(l.max_body_bytes), 1L << 30);
    l.max_waypoints = positive(args, "--max-waypoints", static_cast<long>(l.max_waypoints), 10000);
    l.max_matrix_cells = positive(args, "--max-matrix-cells", static_cast<long>(l.max_matrix_cells), 1000000);
    l.max_polygon_vertices = positive(args, "--max-polygon-vertices", static_cast<long>(l.max_polygon_vertices), 10000000);
    l.max_items_limit = positive(args, "--max-items", static_cast<long>(l.max_items_limit), 1000000);
    l.max_geocode_limit = positive(args, "--max-geocode-limit", static_cast<long>(l.max_geocode_limit), 10000);
    l.max_geoparse_chars = positive(args, "--max-geoparse-chars", static_cast<long>(l.max_geoparse_chars), 100000000);
    l.max_scenario_origins = positive(args, "--max-scenario-origins", static_cast<long>(l.max_scenario_origins), 100000);

    EngineOptions eo;
    eo.data_dir = args.value_or("--data", default_data_dir());
    eo.cache_dir = args.value_or("--cache-dir", "");
    o.scenario_store = args.value_or("--scenario-store", default_scenario_store(eo.data_dir));
    const auto engines = Engines::load(eo);
    for (const auto& [name, why] : engines->unavailable)
        std::cerr << "aras serve: warning: " << name << " unavailable: " << why << "\n";
    return run_server(o, *engines, std::cout);
}

}  // namespace aras::service::cli
