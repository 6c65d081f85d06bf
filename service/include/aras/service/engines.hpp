// The service's immutable shared state: layers, gazetteer, geoparser and router, loaded once at start-up.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aras/geo/feature.hpp"

namespace aras::geo {
class Gazetteer;
class Geoparser;
}  // namespace aras::geo
namespace aras::routing {
class Router;
class ProximityIndex;
}  // namespace aras::routing

namespace aras::service {

struct EngineOptions {
    std::string data_dir;   // a directory with shapefiles/ and gazetteer/, or a "PG:..." connection
    std::string cache_dir;  // road-graph cache; "" = routing's default
    // Layers served as OGC API collections and used by the engines.
    std::vector<std::string> layer_names = {"countries", "borders", "provinces", "roads", "crossings", "places"};
};

// Read-only after load(), shared by every request thread without locks. An engine that failed to
// load is null and its reason is in `unavailable`; dependent endpoints answer 503 "unavailable".
struct Engines {
    std::string data_dir;
    std::map<std::string, geo::Layer> layers;             // by collection id
    std::map<std::string, std::string> layer_notes;       // collection id -> load summary
    std::shared_ptr<const geo::Gazetteer> gazetteer;
    std::shared_ptr<const geo::Geoparser> geoparser;
    std::shared_ptr<const routing::Router> router;
    std::shared_ptr<const routing::ProximityIndex> proximity;  // from the loaded layers
    std::map<std::string, std::string> unavailable;       // engine or layer name -> why

    // Never throws for missing or broken data: it records why in `unavailable` instead.
    static std::shared_ptr<const Engines> load(const EngineOptions& options);

    // The engine's reason for being unavailable, "" when it is loaded.
    std::string why_unavailable(const std::string& name) const;
};

}  // namespace aras::service
