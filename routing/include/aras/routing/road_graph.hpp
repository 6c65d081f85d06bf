// The border-aware road graph: a compact CSR network built from a road layer and a crossings layer.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aras/geo/feature.hpp"
#include "aras/geo/types.hpp"

namespace aras::routing {

// The graph cannot be built, saved or loaded (bad layer, damaged or foreign cache file, I/O).
class GraphError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using NodeId = std::uint32_t;
using EdgeId = std::uint32_t;
inline constexpr std::uint32_t kInvalidId = std::numeric_limits<std::uint32_t>::max();

// Road classes as the dataset names them (field `class`); `crossing` marks border-crossing edges.
enum class RoadClass : std::uint8_t {
    Motorway, Trunk, Primary, Secondary, Tertiary, Unclassified, Residential, Service, Track,
    Connector, Ferry, Crossing, Other
};
std::string_view to_string(RoadClass c);
// Case-insensitive; OSM "_link" suffixes map to their class; unknown names map to Other.
RoadClass parse_road_class(std::string_view name);
// Default speed when a road has no usable `speed_kmh`.
double default_speed_kmh(RoadClass c);

struct BuildOptions {
    // Vertices of lines of the same country closer than this are one node.
    double snap_tolerance_m = 5.0;
    // How far a crossing gate may be from the nearest road node of its country.
    double gate_snap_m = 1000.0;
    // Waiting time at a crossing when the crossings layer gives none (field penalty_s / delay_min).
    double default_crossing_penalty_s = 3600.0;
    // ALT landmarks (precomputed lower bounds); 0 disables ALT, searches then fall back to Dijkstra.
    int landmarks = 12;
    // Contraction hierarchies (time and distance) for Algorithm::Hierarchy; false skips them.
    bool hierarchy = true;
};

// One border crossing: the only link between the networks of two countries.
struct Crossing {
    std::string id;
    std::string name;
    std::string name_a, name_b;
    std::string country_a, country_b;  // ISO2
    std::string status;                // as in the layer ("open", "closed", "restricted", ...)
    bool open = true;                  // false when status says closed: closed unless a Costing reopens it
    double penalty_s = 3600.0;         // crossing time when the Costing does not override it
    geo::LonLat gate_a, gate_b;
    NodeId node_a = kInvalidId, node_b = kInvalidId;  // kInvalidId when the gate could not be attached
};

// A road record shared by all the edges cut from one road feature.
struct RoadInfo {
    std::int64_t road_id = 0;  // field road_id (or id), else the feature index
    RoadClass road_class = RoadClass::Other;
    std::string_view ref;      // e.g. "M2", "E002"
    std::string_view name;
    std::string_view country;  // ISO2
};

// Read-only view of one directed edge.
struct EdgeInfo {
    NodeId source = kInvalidId;
    NodeId target = kInvalidId;
    double length_m = 0.0;
    double duration_s = 0.0;             // without crossing penalties
    std::uint32_t road = kInvalidId;     // index into roads(), kInvalidId for crossing edges
    std::uint32_t crossing = kInvalidId; // index into crossings(), kInvalidId for road edges
    RoadClass road_class = RoadClass::Other;
};

struct BuildReport {
    std::size_t roads_read = 0, roads_skipped = 0;
    std::size_t crossings_linked = 0;
    std::vector<std::string> notes;  // one line per skipped road / unattached crossing gate
};

class RoadGraph {
public:
    // Builds from in-memory layers (fields used: roads: class, speed_kmh, oneway, country, road_id|id,
    // ref, name; crossings: id, name, name_a, name_b, country_a, country_b, status, penalty_s|delay_min).
    static std::shared_ptr<const RoadGraph> build(const geo::Layer& roads, const geo::Layer& crossings,
                                                  const BuildOptions& options = {}, BuildReport* report = nullptr);
    // Versioned binary file; load() memory-maps it. Throws GraphError on damaged/old files.
    void save(const std::string& path) const;
    static std::shared_ptr<const RoadGraph> load(const std::string& path);
    // Loads the cached graph of DATA_DIR/shapefiles {roads, crossings}, rebuilding it when the source
    // files changed. cache_dir "" means default_cache_dir(); an unwritable cache just builds in memory.
    static std::shared_ptr<const RoadGraph> load_or_build(const std::string& data_dir,
                                                          const std::string& cache_dir = "",
                                                          const BuildOptions& options = {});
    // $ARAS_CACHE_DIR, else $XDG_CACHE_HOME/aras, else /tmp/aras-cache.
    static std::string default_cache_dir();

    ~RoadGraph();
    RoadGraph(const RoadGraph&) = delete;
    RoadGraph& operator=(const RoadGraph&) = delete;

    std::size_t node_count() const;
    std::size_t edge_count() const;
    geo::LonLat node_position(NodeId n) const;
    std::string_view node_country(NodeId n) const;  // ISO2, "" when the road had none
    // Outgoing edges of n are [first_edge(n), first_edge(n + 1)).
    EdgeId first_edge(NodeId n) const;
    EdgeInfo edge(EdgeId e) const;
    // Full shape of the directed edge, from its source to its target.
    geo::LineString edge_geometry(EdgeId e) const;
    const std::vector<Crossing>& crossings() const;
    std::size_t road_count() const;
    RoadInfo road(std::uint32_t index) const;
    geo::BBox extent() const;
    int landmark_count() const;
    bool has_hierarchy() const;
    // True when queries with changed costs (closures, zones, penalties) use the customizable hierarchy: a graph
    // with hierarchies whose separators are small enough (road networks; not grid-like ones, which use ALT).
    // Builds it on the first call (~0.06 s on the embedded graph) unless a query already has.
    bool has_customizable_hierarchy() const;

    class Impl;
    const Impl& impl() const { return *impl_; }

private:
    explicit RoadGraph(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace aras::routing
