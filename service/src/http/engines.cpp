#include "aras/service/engines.hpp"

#include <exception>
#include <future>
#include <stdexcept>
#include <vector>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geoparser.hpp"
#include "aras/geo/layer_io.hpp"
#include "aras/routing/proximity.hpp"
#include "aras/routing/road_graph.hpp"
#include "aras/routing/router.hpp"

namespace aras::service {

namespace {
bool is_connection_string(const std::string& s) { return s.rfind("PG:", 0) == 0; }
}  // namespace

std::shared_ptr<const Engines> Engines::load(const EngineOptions& options) {
    auto e = std::make_shared<Engines>();
    e->data_dir = options.data_dir;
    const bool postgis = is_connection_string(options.data_dir);
    // The gazetteer and the road graph come from files; a PostGIS source has neither. They load on
    // their own threads while the layers are read here: start-up is bounded by the slowest one.
    std::future<std::shared_ptr<const geo::Gazetteer>> gazetteer;
    std::future<std::shared_ptr<const routing::Router>> router;
    if (!postgis) {
        gazetteer = std::async(std::launch::async, [dir = options.data_dir] { return geo::Gazetteer::load(dir); });
        router = std::async(std::launch::async, [dir = options.data_dir, cache = options.cache_dir] {
            return std::make_shared<const routing::Router>(routing::RoadGraph::load_or_build(dir, cache));
        });
    }
    const std::string source = postgis ? options.data_dir : geo::shapefile_source(options.data_dir);
    for (const auto& name : options.layer_names) {
        try {
            geo::LoadReport report;
            e->layers.emplace(name, geo::read_layer(source, name, &report));
            e->layer_notes[name] = std::to_string(report.read) + " read, " + std::to_string(report.repaired) +
                                   " repaired, " + std::to_string(report.dropped) + " dropped";
        } catch (const std::exception& ex) {
            e->unavailable["layer:" + name] = ex.what();
        }
    }
    try {
        std::vector<geo::Layer> parts;
        for (const char* name : {"countries", "borders", "crossings", "places"}) {
            auto it = e->layers.find(name);
            if (it == e->layers.end()) throw std::runtime_error(std::string("needs the ") + name + " layer");
            parts.push_back(it->second);
        }
        e->proximity = std::make_shared<const routing::ProximityIndex>(std::move(parts[0]), std::move(parts[1]),
                                                                       std::move(parts[2]), std::move(parts[3]));
    } catch (const std::exception& ex) {
        e->unavailable["proximity"] = ex.what();
    }
    if (postgis) {
        // The graph is built in memory from the roads and crossings read back from PostGIS (no cache
        // file: the database is the shared truth, and a replica's build takes seconds).
        try {
            auto roads = e->layers.find("roads");
            if (roads == e->layers.end()) throw std::runtime_error("needs the roads layer: " + e->why_unavailable("layer:roads"));
            auto crossings = e->layers.find("crossings");
            const geo::Layer none;
            e->router = std::make_shared<const routing::Router>(
                routing::RoadGraph::build(roads->second, crossings == e->layers.end() ? none : crossings->second));
        } catch (const std::exception& ex) {
            e->unavailable["routing"] = ex.what();
        }
        e->unavailable["gazetteer"] = "not available from a PostGIS source (serve a data directory for geocoding)";
        e->unavailable["geoparser"] = "not available from a PostGIS source (serve a data directory for geoparsing)";
        return e;
    }
    try {
        e->gazetteer = gazetteer.get();
        try {
            e->geoparser = std::make_shared<const geo::Geoparser>(e->gazetteer);
        } catch (const std::exception& ex) {
            e->unavailable["geoparser"] = ex.what();
        }
    } catch (const std::exception& ex) {
        e->unavailable["gazetteer"] = ex.what();
        e->unavailable["geoparser"] = std::string("needs the gazetteer: ") + ex.what();
    }
    try {
        e->router = router.get();
    } catch (const std::exception& ex) {
        e->unavailable["routing"] = ex.what();
    }
    return e;
}

std::string Engines::why_unavailable(const std::string& name) const {
    auto it = unavailable.find(name);
    return it == unavailable.end() ? std::string() : it->second;
}

}  // namespace aras::service
