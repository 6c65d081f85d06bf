// Building the Aras layers (roads, crossings, places, countries, borders) of a region from an OSM extract.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "aras/geo/feature.hpp"

namespace aras::geo {

// The extract is missing, unreadable or not OSM; the message names the file and the cause.
class OsmImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Where the import is; passed to the progress callback every few thousand features and once at the end.
struct OsmImportProgress {
    double fraction = 0.0;          // 0..1 of the file read, as estimated by GDAL's OSM driver
    std::size_t features_read = 0;  // OSM features (points, lines, areas) seen so far
    std::size_t roads = 0;
    std::size_t crossings = 0;
    std::size_t places = 0;
    bool done = false;
};

struct OsmImportOptions {
    // An osmconf.ini to use instead of the one shipped inside Aras (keys it must keep: see osm_import.cpp).
    std::string osmconf_path;
    std::function<void(const OsmImportProgress&)> progress;
};

// The five layers, in the schema of the embedded dataset (data/README.md); every layer is in EPSG:4326.
struct OsmLayers {
    Layer roads;      // source, class, highway, ref, name, name_loc, oneway, country, speed_kmh, length_m, road_id, osm_id
    Layer crossings;  // barrier=border_control nodes as Point candidates: id, name, status="candidate", ...
    Layer places;     // place=city|town|village nodes: name, kind, population, country, name_xx..., names (JSON)
    Layer countries;  // admin_level=2 areas: iso2, iso3, name
    Layer borders;    // admin_level=2 ways (not maritime): left, right, name_left, name_right, kind, length_km, name, osm_id
};

// Reads a .osm.pbf or .osm file through GDAL's OSM driver. Throws OsmImportError.
OsmLayers import_osm(const std::string& path, const OsmImportOptions& options = {});

// OSM road class normalisation and speeds, exposed for tests and docs.
// "motorway_link" -> "motorway", "residential" -> "unknown", "footway" -> "" (not a road for Aras).
std::string road_class_of(std::string_view highway);
// Default speed for an OSM highway value (km/h); 0 when it is not a road for Aras.
double default_speed_kmh(std::string_view highway);
// "50" -> 50, "30 mph" -> 48.28, "50;70" -> 50, "RU:urban"/"none"/"" -> 0 (unknown).
double parse_maxspeed_kmh(std::string_view maxspeed);

}  // namespace aras::geo
