// Reading and writing vector layers through GDAL/OGR (the only module that touches OGR types).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aras/geo/feature.hpp"

namespace aras::geo {

// Any failure to open, read or write a data source; the message names the source and the cause.
class LayerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LayerInfo {
    std::string name;
    std::string geometry_type;  // OGR's name, e.g. "Line String"
    std::size_t feature_count = 0;
    BBox extent;                // in EPSG:4326
};

// What read_layer had to do to turn the source into valid EPSG:4326 features.
struct LoadReport {
    std::string layer;
    std::string source_crs;        // authority:code or WKT name of the source CRS ("" when none)
    bool reprojected = false;      // true when the source was not EPSG:4326
    std::size_t read = 0;          // features read
    std::size_t repaired = 0;      // invalid geometries repaired with GEOS MakeValid
    std::size_t dropped = 0;       // features without usable geometry
    std::vector<std::string> notes;  // one line per repair/drop, "fid 12: Self-intersection at ..."
};

// `source` is anything OGR opens: a file (.shp/.gpkg/.geojson/.fgb/.kml), a directory of
// shapefiles, or a "PG:..." connection string.
std::vector<LayerInfo> list_layers(const std::string& source);

// Loads one layer into memory, reprojected to EPSG:4326 (lon/lat order) and repaired.
Layer read_layer(const std::string& source, const std::string& layer_name, LoadReport* report = nullptr);

enum class VectorFormat { GeoJSON, GeoPackage, Shapefile, FlatGeobuf, KML };

// "geojson" | "gpkg" | "shp" | "fgb" | "kml" (case-insensitive); throws std::invalid_argument.
VectorFormat parse_vector_format(std::string_view name);
std::string_view file_extension(VectorFormat f);  // ".geojson", ".gpkg", ...
std::string_view media_type(VectorFormat f);      // "application/geo+json", ...

// Writes through GDAL, replacing `path` if it exists. A Shapefile gets .prj and a UTF-8 .cpg.
void write_layer(const Layer& layer, const std::string& path, VectorFormat format);

// Writes through GDAL into memory (/vsimem) and returns the file's bytes; a Shapefile comes back
// as a .zip of its parts. For HTTP downloads.
std::string write_layer_bytes(const Layer& layer, VectorFormat format);

// Writes a layer into any OGR data source opened for update, e.g. "PG:host=... dbname=..." (PostGIS: table
// `layer_name`, EPSG:4326 geometry column `geom`, GiST index), replacing a layer of that name, in one transaction.
// Implemented in layer_io_postgis.cpp.
void write_layer_to(const Layer& layer, const std::string& datasource, const std::string& layer_name);

// The embedded dataset's layers live in DATA_DIR/shapefiles.
std::string shapefile_source(const std::string& data_dir);

}  // namespace aras::geo
