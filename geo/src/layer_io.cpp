// Vector layers in and out through GDAL/OGR: reading any OGR source into EPSG:4326 Aras layers
// (reprojected, validated, repaired) and writing them as GeoJSON, GeoPackage, Shapefile, FlatGeobuf or KML.
#include "aras/geo/layer_io.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "aras/geo/geojson.hpp"
#include "aras/geo/geometry_ops.hpp"
#include "gdal_setup.hpp"

namespace aras::geo {

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxNotes = 1000;

// Silences GDAL's stderr printing for the calling thread (the handler stack is thread-local) and
// keeps the last message for our exceptions.
class QuietErrors {
public:
    QuietErrors() {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        CPLErrorReset();
    }
    ~QuietErrors() { CPLPopErrorHandler(); }
    QuietErrors(const QuietErrors&) = delete;
    QuietErrors& operator=(const QuietErrors&) = delete;
};

std::string last_error(const std::string& fallback) {
    const char* msg = CPLGetLastErrorMsg();
    return (msg && *msg) ? std::string(msg) : fallback;
}

// A source as it may appear in messages: PostgreSQL passwords are masked.
std::string display_name(const std::string& source) {
    std::string out = source;
    const std::string key = "password=";
    for (std::size_t pos = 0; (pos = out.find(key, pos)) != std::string::npos;) {
        pos += key.size();
        std::size_t end = out.find_first_of(" '", pos);
        if (end == std::string::npos) end = out.size();
        out.replace(pos, end - pos, "***");
    }
    return out;
}

GDALDatasetUniquePtr open_vector(const std::string& source) {
    if (source.empty()) throw LayerError("no data source given");
    GDALDatasetUniquePtr ds(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) throw LayerError("cannot open '" + display_name(source) + "': " + last_error("not a readable vector data source"));
    return ds;
}

OGRSpatialReference wgs84() {
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::string crs_name(const OGRSpatialReference& srs) {
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) return std::string(auth) + ":" + code;
    const char* name = srs.GetName();
    return name ? name : "unknown CRS";
}

struct ToWgs84 {
    std::string source_crs;
    std::unique_ptr<OGRCoordinateTransformation> transform;  // null when the source is already lon/lat WGS84
};

ToWgs84 to_wgs84(const OGRSpatialReference* layer_srs, const std::string& what) {
    ToWgs84 out;
    if (!layer_srs) return out;  // no CRS: taken as lon/lat, as GeoJSON and most KML are
    OGRSpatialReference src(*layer_srs);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    out.source_crs = crs_name(src);
    const OGRSpatialReference dst = wgs84();
    const char* const same_opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                                     "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    if (src.IsSame(&dst, same_opts)) return out;
    out.transform.reset(OGRCreateCoordinateTransformation(&src, &dst));
    if (!out.transform)
        throw LayerError(what + ": no transformation from " + out.source_crs + " to EPSG:4326: " +
                         last_error("PROJ could not build one"));
    return out;
}

// ---------------------------------------------------------------------------------------------
// OGR geometry -> Aras geometry

std::vector<LonLat> points_of(const OGRSimpleCurve& c) {
    std::vector<LonLat> pts;
    const int n = c.getNumPoints();
    pts.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) pts.push_back({c.getX(i), c.getY(i)});
    return pts;
}

Polygon polygon_of(const OGRPolygon& p) {
    Polygon out;
    if (p.IsEmpty()) return out;
    out.rings.push_back(points_of(*p.getExteriorRing()));
    for (int i = 0; i < p.getNumInteriorRings(); ++i) out.rings.push_back(points_of(*p.getInteriorRing(i)));
    return out;
}

struct OgrParts {
    std::vector<LonLat> points;
    std::vector<LineString> lines;
    std::vector<Polygon> polygons;
};

void collect_ogr(const OGRGeometry& g, OgrParts& parts) {
    if (g.IsEmpty()) return;
    if (g.hasCurveGeometry(TRUE)) {  // arcs: linearised with GDAL's default step
        std::unique_ptr<OGRGeometry> linear(g.getLinearGeometry());
        if (linear && !linear->hasCurveGeometry(TRUE)) collect_ogr(*linear, parts);
        return;
    }
    switch (wkbFlatten(g.getGeometryType())) {
        case wkbPoint:
            parts.points.push_back({g.toPoint()->getX(), g.toPoint()->getY()});
            return;
        case wkbLineString:
        case wkbLinearRing:
            parts.lines.push_back(points_of(*g.toSimpleCurve()));
            return;
        case wkbPolygon:
            parts.polygons.push_back(polygon_of(*g.toPolygon()));
            return;
        case wkbMultiPoint:
        case wkbMultiLineString:
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const OGRGeometry* part : *g.toGeometryCollection()) collect_ogr(*part, parts);
            return;
        default: {  // triangles, TINs, polyhedral surfaces: as polygons
            std::unique_ptr<OGRGeometry> forced(
                OGRGeometryFactory::forceTo(g.clone(), wkbMultiPolygon));
            if (forced && wkbFlatten(forced->getGeometryType()) == wkbMultiPolygon) collect_ogr(*forced, parts);
        }
    }
}

// The highest-dimension content, single or multi as the source had it. `mixed` is set when a
// collection also held lower-dimension parts that were dropped.
Geometry from_ogr(const OGRGeometry& g, bool& mixed) {
    OgrParts parts;
    collect_ogr(g, parts);
    const auto type = wkbFlatten(g.getGeometryType());
    const bool single = type == wkbPoint || type == wkbLineString || type == wkbPolygon || type == wkbCircularString ||
                        type == wkbCompoundCurve || type == wkbCurvePolygon || type == wkbTriangle;
    const int kinds = !parts.points.empty() + !parts.lines.empty() + !parts.polygons.empty();
    mixed = kinds > 1;
    if (!parts.polygons.empty()) {
        if (single && parts.polygons.size() == 1) return std::move(parts.polygons[0]);
        return MultiPolygon{std::move(parts.polygons)};
    }
    if (!parts.lines.empty()) {
        if (single && parts.lines.size() == 1) return std::move(parts.lines[0]);
        return MultiLineString{std::move(parts.lines)};
    }
    if (!parts.points.empty()) {
        if (single && parts.points.size() == 1) return parts.points[0];
        return MultiPoint{std::move(parts.points)};
    }
    return std::monostate{};
}

bool all_in_range(const Geometry& g) {
    const BBox b = bbox_of(g);
    return b.empty() || (is_valid(LonLat{b.min_lon, b.min_lat}) && is_valid(LonLat{b.max_lon, b.max_lat}));
}

// ---------------------------------------------------------------------------------------------
// Attributes

FieldType field_type(const OGRFieldDefn& d) {
    switch (d.GetType()) {
        case OFTInteger:
            return d.GetSubType() == OFSTBoolean ? FieldType::Boolean : FieldType::Integer;
        case OFTInteger64:
            return FieldType::Integer;
        case OFTReal:
            return FieldType::Real;
        default:
            return FieldType::String;
    }
}

json field_value(OGRFeature& f, int i, const OGRFieldDefn& d) {
    if (!f.IsFieldSetAndNotNull(i)) return nullptr;
    switch (d.GetType()) {
        case OFTInteger:
            if (d.GetSubType() == OFSTBoolean) return f.GetFieldAsInteger(i) != 0;
            return f.GetFieldAsInteger(i);
        case OFTInteger64:
            return static_cast<std::int64_t>(f.GetFieldAsInteger64(i));
        case OFTReal: {
            const double v = f.GetFieldAsDouble(i);
            return std::isfinite(v) ? json(v) : json(nullptr);
        }
        case OFTIntegerList: {
            int n = 0;
            const int* v = f.GetFieldAsIntegerList(i, &n);
            return json(std::vector<int>(v, v + n));
        }
        case OFTInteger64List: {
            int n = 0;
            const GIntBig* v = f.GetFieldAsInteger64List(i, &n);
            std::vector<std::int64_t> out(v, v + n);
            return json(out);
        }
        case OFTRealList: {
            int n = 0;
            const double* v = f.GetFieldAsDoubleList(i, &n);
            return json(std::vector<double>(v, v + n));
        }
        case OFTStringList: {
            json a = json::array();
            for (char** s = f.GetFieldAsStringList(i); s && *s; ++s) a.push_back(std::string(*s));
            return a;
        }
        case OFTDate:
        case OFTDateTime: {
            int y = 0, mo = 0, day = 0, h = 0, mi = 0, tz = 0;
            float sec = 0;
            f.GetFieldAsDateTime(i, &y, &mo, &day, &h, &mi, &sec, &tz);
            char buf[64];
            if (d.GetType() == OFTDate) std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, day);
            else std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, day, h, mi, static_cast<int>(sec));
            return std::string(buf);
        }
        default: {
            std::string s = f.GetFieldAsString(i);
            if (d.GetSubType() == OFSTJSON) {
                json parsed = json::parse(s, nullptr, false);
                if (!parsed.is_discarded()) return parsed;
            }
            return s;
        }
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Reading

std::vector<LayerInfo> list_layers(const std::string& source) {
    ensure_gdal_registered();
    QuietErrors quiet;
    GDALDatasetUniquePtr ds = open_vector(source);
    std::vector<LayerInfo> out;
    for (OGRLayer* layer : ds->GetLayers()) {
        LayerInfo info;
        info.name = layer->GetName();
        info.geometry_type = OGRGeometryTypeToName(layer->GetGeomType());
        const GIntBig n = layer->GetFeatureCount(TRUE);
        info.feature_count = n > 0 ? static_cast<std::size_t>(n) : 0;
        OGREnvelope env;
        if (n > 0 && layer->GetExtent(&env, TRUE) == OGRERR_NONE) {
            ToWgs84 t = to_wgs84(layer->GetSpatialRef(), display_name(source) + "/" + info.name);
            double x0 = env.MinX, y0 = env.MinY, x1 = env.MaxX, y1 = env.MaxY;
            if (!t.transform || t.transform->TransformBounds(env.MinX, env.MinY, env.MaxX, env.MaxY, &x0, &y0, &x1, &y1, 21)) {
                info.extent.extend(LonLat{x0, y0});
                info.extent.extend(LonLat{x1, y1});
            }
        }
        out.push_back(std::move(info));
    }
    return out;
}

Layer read_layer(const std::string& source, const std::string& layer_name, LoadReport* report) {
    ensure_gdal_registered();
    QuietErrors quiet;
    GDALDatasetUniquePtr ds = open_vector(source);
    OGRLayer* layer = nullptr;
    if (layer_name.empty() && ds->GetLayerCount() == 1) {
        layer = ds->GetLayer(0);
    } else {
        layer = ds->GetLayerByName(layer_name.c_str());
    }
    if (!layer) {
        std::string names;
        for (OGRLayer* l : ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
        throw LayerError("no layer '" + layer_name + "' in '" + display_name(source) + "' (layers: " +
                         (names.empty() ? "none" : names) + ")");
    }

    Layer out;
    out.name = layer->GetName();
    LoadReport rep;
    rep.layer = out.name;
    ToWgs84 t = to_wgs84(layer->GetSpatialRef(), display_name(source) + "/" + out.name);
    rep.source_crs = t.source_crs;
    rep.reprojected = static_cast<bool>(t.transform);

    OGRFeatureDefn* defn = layer->GetLayerDefn();
    const int nfields = defn->GetFieldCount();
    for (int i = 0; i < nfields; ++i) {
        const OGRFieldDefn* d = defn->GetFieldDefn(i);
        out.fields.push_back(Field{d->GetNameRef(), field_type(*d)});
    }

    auto note = [&rep](const std::string& line) {
        if (rep.notes.size() < kMaxNotes) rep.notes.push_back(line);
        else if (rep.notes.size() == kMaxNotes) rep.notes.push_back("... further notes omitted");
    };

    layer->ResetReading();
    for (auto& f : *layer) {
        ++rep.read;
        const GIntBig fid = f->GetFID();
        const std::string who = "fid " + std::to_string(fid);
        const OGRGeometry* src = f->GetGeometryRef();
        if (!src || src->IsEmpty()) {
            ++rep.dropped;
            note(who + ": no geometry");
            continue;
        }
        std::unique_ptr<OGRGeometry> projected;
        if (t.transform) {
            projected.reset(src->clone());
            if (projected->transform(t.transform.get()) != OGRERR_NONE) {
                ++rep.dropped;
                note(who + ": cannot reproject to EPSG:4326");
                continue;
            }
            src = projected.get();
        }
        bool mixed = false;
        Geometry g = from_ogr(*src, mixed);
        if (mixed) note(who + ": geometry collection of mixed dimensions, kept the highest");
        if (std::holds_alternative<std::monostate>(g)) {
            ++rep.dropped;
            note(who + ": no usable geometry");
            continue;
        }
        if (!all_in_range(g)) {
            ++rep.dropped;
            note(who + ": coordinates outside lon/lat range (wrong or missing CRS?)");
            continue;
        }
        std::string reason;
        if (!is_valid(g, &reason)) {
            Geometry fixed = make_valid(g);
            if (std::holds_alternative<std::monostate>(fixed)) {
                ++rep.dropped;
                note(who + ": " + reason + "; nothing left after repair");
                continue;
            }
            ++rep.repaired;
            note(who + ": " + reason + "; repaired with MakeValid");
            g = std::move(fixed);
        }
        rewind_rfc7946(g);

        Feature feature;
        feature.geometry = std::move(g);
        if (fid != OGRNullFID) feature.id = static_cast<std::int64_t>(fid);
        for (int i = 0; i < nfields; ++i) {
            const OGRFieldDefn* d = defn->GetFieldDefn(i);
            feature.properties[d->GetNameRef()] = field_value(*f, i, *d);
        }
        out.features.push_back(std::move(feature));
    }
    if (CPLGetLastErrorType() == CE_Failure && rep.read == 0 && layer->GetFeatureCount(FALSE) > 0)
        throw LayerError("reading '" + display_name(source) + "/" + out.name + "' failed: " + last_error("read error"));
    if (report) *report = std::move(rep);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Formats

VectorFormat parse_vector_format(std::string_view name) {
    std::string n(name);
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!n.empty() && n[0] == '.') n.erase(0, 1);
    if (n == "geojson" || n == "json") return VectorFormat::GeoJSON;
    if (n == "gpkg" || n == "geopackage") return VectorFormat::GeoPackage;
    if (n == "shp" || n == "shapefile") return VectorFormat::Shapefile;
    if (n == "fgb" || n == "flatgeobuf") return VectorFormat::FlatGeobuf;
    if (n == "kml") return VectorFormat::KML;
    throw std::invalid_argument("unknown vector format '" + std::string(name) + "' (expected geojson, gpkg, shp, fgb or kml)");
}

std::string_view file_extension(VectorFormat f) {
    switch (f) {
        case VectorFormat::GeoJSON: return ".geojson";
        case VectorFormat::GeoPackage: return ".gpkg";
        case VectorFormat::Shapefile: return ".shp";
        case VectorFormat::FlatGeobuf: return ".fgb";
        case VectorFormat::KML: return ".kml";
    }
    return "";
}

std::string_view media_type(VectorFormat f) {
    switch (f) {
        case VectorFormat::GeoJSON: return "application/geo+json";
        case VectorFormat::GeoPackage: return "application/geopackage+sqlite3";
        case VectorFormat::Shapefile: return "application/zip";  // write_layer_bytes zips the parts
        case VectorFormat::FlatGeobuf: return "application/flatgeobuf";
        case VectorFormat::KML: return "application/vnd.google-earth.kml+xml";
    }
    return "application/octet-stream";
}

std::string shapefile_source(const std::string& data_dir) { return data_dir + "/shapefiles"; }

// ---------------------------------------------------------------------------------------------
// Writing

namespace {

const char* driver_name(VectorFormat f) {
    switch (f) {
        case VectorFormat::GeoJSON: return "GeoJSON";
        case VectorFormat::GeoPackage: return "GPKG";
        case VectorFormat::Shapefile: return "ESRI Shapefile";
        case VectorFormat::FlatGeobuf: return "FlatGeobuf";
        case VectorFormat::KML: return "LIBKML";  // the old KML writer misplaces a "name" field
    }
    return "";
}

bool path_exists(const std::string& path) {
    VSIStatBufL st;
    return VSIStatL(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
    VSIStatBufL st;
    return VSIStatL(path.c_str(), &st) == 0 && VSI_ISDIR(st.st_mode);
}

// "Replace if it exists": the file and, for a Shapefile or GeoPackage, its companions.
void remove_existing(const std::string& path, VectorFormat format) {
    if (is_directory(path)) throw LayerError("cannot write '" + path + "': it is a directory");
    std::vector<std::string> victims{path};
    if (format == VectorFormat::Shapefile) {
        const std::string lower = [&] {
            std::string s = path;
            std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            return s;
        }();
        if (lower.size() > 4 && lower.compare(lower.size() - 4, 4, ".shp") == 0) {
            const std::string stem = path.substr(0, path.size() - 4);
            for (const char* ext : {".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj"})
                victims.push_back(stem + ext);
        }
    } else if (format == VectorFormat::GeoPackage) {
        victims.push_back(path + "-wal");
        victims.push_back(path + "-shm");
        victims.push_back(path + "-journal");
    }
    for (const auto& v : victims)
        if (path_exists(v) && VSIUnlink(v.c_str()) != 0)
            throw LayerError("cannot replace '" + v + "': " + VSIStrerror(errno));
}

enum class Family { None, Point, Line, Area };

Family family_of(const Geometry& g, bool& multi) {
    multi = std::holds_alternative<MultiPoint>(g) || std::holds_alternative<MultiLineString>(g) ||
            std::holds_alternative<MultiPolygon>(g);
    if (std::holds_alternative<LonLat>(g) || std::holds_alternative<MultiPoint>(g)) return Family::Point;
    if (std::holds_alternative<LineString>(g) || std::holds_alternative<MultiLineString>(g)) return Family::Line;
    if (std::holds_alternative<Polygon>(g) || std::holds_alternative<MultiPolygon>(g)) return Family::Area;
    return Family::None;
}

// The layer's declared geometry type: single when every feature is single, multi when any is.
OGRwkbGeometryType layer_geometry_type(const Layer& layer, VectorFormat format) {
    std::set<Family> families;
    bool any_multi = false;
    for (const auto& f : layer.features) {
        bool multi = false;
        const Family fam = family_of(f.geometry, multi);
        if (fam == Family::None) continue;
        families.insert(fam);
        any_multi = any_multi || multi;
    }
    if (families.empty()) return format == VectorFormat::Shapefile ? wkbPoint : wkbUnknown;
    if (families.size() > 1) {
        if (format == VectorFormat::Shapefile)
            throw LayerError("layer '" + layer.name + "' mixes points, lines and polygons; a Shapefile holds one kind");
        return wkbUnknown;
    }
    switch (*families.begin()) {
        case Family::Point: return any_multi ? wkbMultiPoint : wkbPoint;
        case Family::Line: return any_multi ? wkbMultiLineString : wkbLineString;
        default: return any_multi ? wkbMultiPolygon : wkbPolygon;
    }
}

std::unique_ptr<OGRLineString> ogr_line(const std::vector<LonLat>& pts) {
    auto l = std::make_unique<OGRLineString>();
    l->setNumPoints(static_cast<int>(pts.size()), FALSE);
    for (std::size_t i = 0; i < pts.size(); ++i) l->setPoint(static_cast<int>(i), pts[i].lon, pts[i].lat);
    return l;
}

std::unique_ptr<OGRPolygon> ogr_polygon(const Polygon& p) {
    auto poly = std::make_unique<OGRPolygon>();
    for (const auto& ring : p.rings) {
        auto r = std::make_unique<OGRLinearRing>();
        r->setNumPoints(static_cast<int>(ring.size()), FALSE);
        for (std::size_t i = 0; i < ring.size(); ++i) r->setPoint(static_cast<int>(i), ring[i].lon, ring[i].lat);
        poly->addRingDirectly(r.release());
    }
    return poly;
}

// The OGR geometry, promoted to multi when the layer is declared multi (GeoPackage and
// FlatGeobuf want features to match the layer type).
std::unique_ptr<OGRGeometry> to_ogr(const Geometry& g, bool as_multi) {
    return std::visit(
        [as_multi](const auto& geom) -> std::unique_ptr<OGRGeometry> {
            using T = std::decay_t<decltype(geom)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, LonLat>) {
                auto p = std::make_unique<OGRPoint>(geom.lon, geom.lat);
                if (!as_multi) return p;
                auto m = std::make_unique<OGRMultiPoint>();
                m->addGeometryDirectly(p.release());
                return m;
            } else if constexpr (std::is_same_v<T, LineString>) {
                auto l = ogr_line(geom);
                if (!as_multi) return l;
                auto m = std::make_unique<OGRMultiLineString>();
                m->addGeometryDirectly(l.release());
                return m;
            } else if constexpr (std::is_same_v<T, Polygon>) {
                auto p = ogr_polygon(geom);
                if (!as_multi) return p;
                auto m = std::make_unique<OGRMultiPolygon>();
                m->addGeometryDirectly(p.release());
                return m;
            } else if constexpr (std::is_same_v<T, MultiPoint>) {
                auto m = std::make_unique<OGRMultiPoint>();
                for (const auto& p : geom.points) m->addGeometryDirectly(new OGRPoint(p.lon, p.lat));
                return m;
            } else if constexpr (std::is_same_v<T, MultiLineString>) {
                auto m = std::make_unique<OGRMultiLineString>();
                for (const auto& l : geom.lines) m->addGeometryDirectly(ogr_line(l).release());
                return m;
            } else {
                auto m = std::make_unique<OGRMultiPolygon>();
                for (const auto& p : geom.polygons) m->addGeometryDirectly(ogr_polygon(p).release());
                return m;
            }
        },
        g);
}

// The schema when a layer carries none: property names in first-seen order, typed by their values
// (integers that are sometimes fractional become Real; anything mixed becomes String).
std::vector<Field> infer_fields(const Layer& layer) {
    std::vector<Field> fields;
    std::map<std::string, std::size_t> index;
    std::map<std::string, bool> typed;
    for (const auto& f : layer.features) {
        if (!f.properties.is_object()) continue;
        for (const auto& [key, v] : f.properties.items()) {
            auto [it, fresh] = index.emplace(key, fields.size());
            if (fresh) fields.push_back(Field{key, FieldType::String});
            if (v.is_null()) continue;
            FieldType t = v.is_boolean()          ? FieldType::Boolean
                          : v.is_number_integer() ? FieldType::Integer
                          : v.is_number()         ? FieldType::Real
                                                  : FieldType::String;
            Field& field = fields[it->second];
            if (!typed[key]) {
                field.type = t;
                typed[key] = true;
            } else if (field.type != t) {
                const bool numeric = (field.type == FieldType::Integer || field.type == FieldType::Real) &&
                                     (t == FieldType::Integer || t == FieldType::Real);
                field.type = numeric ? FieldType::Real : FieldType::String;
            }
        }
    }
    return fields;
}

std::string as_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

void set_field(OGRFeature& of, int i, FieldType type, const json& v) {
    if (v.is_null()) {
        of.SetFieldNull(i);
        return;
    }
    switch (type) {
        case FieldType::Integer:
        case FieldType::Boolean:
            if (v.is_boolean()) of.SetField(i, v.get<bool>() ? 1 : 0);
            else if (v.is_number_integer()) of.SetField(i, static_cast<GIntBig>(v.get<std::int64_t>()));
            else if (v.is_number()) of.SetField(i, static_cast<GIntBig>(std::llround(v.get<double>())));
            else if (v.is_string()) of.SetField(i, v.get_ref<const std::string&>().c_str());
            else of.SetFieldNull(i);
            return;
        case FieldType::Real:
            if (v.is_number()) of.SetField(i, v.get<double>());
            else if (v.is_boolean()) of.SetField(i, v.get<bool>() ? 1.0 : 0.0);
            else if (v.is_string()) of.SetField(i, v.get_ref<const std::string&>().c_str());
            else of.SetFieldNull(i);
            return;
        case FieldType::String:
            of.SetField(i, as_text(v).c_str());
            return;
    }
}

}  // namespace

void write_layer(const Layer& layer, const std::string& path, VectorFormat format) {
    ensure_gdal_registered();
    QuietErrors quiet;
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name(format));
    if (!driver && format == VectorFormat::KML) driver = GetGDALDriverManager()->GetDriverByName("KML");
    if (!driver) throw LayerError(std::string("GDAL has no ") + driver_name(format) + " driver");
    const OGRwkbGeometryType gtype = layer_geometry_type(layer, format);
    remove_existing(path, format);

    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw LayerError("cannot create '" + path + "': " + last_error("driver refused"));

    CPLStringList options;
    if (format == VectorFormat::GeoJSON) options.SetNameValue("RFC7946", "YES");
    if (format == VectorFormat::Shapefile) options.SetNameValue("ENCODING", "UTF-8");
    const std::string name = layer.name.empty() ? "layer" : layer.name;
    OGRSpatialReference srs = wgs84();
    OGRLayer* out = ds->CreateLayer(name.c_str(), &srs, gtype, options.List());
    if (!out) throw LayerError("cannot create layer '" + name + "' in '" + path + "': " + last_error("driver refused"));

    const std::vector<Field> fields = layer.fields.empty() ? infer_fields(layer) : layer.fields;
    // Where each field landed: drivers may rename (Shapefile's 10 characters) or treat some specially.
    std::vector<int> field_index;
    for (const auto& field : fields) {
        OGRFieldType t = OFTString;
        if (field.type == FieldType::Integer) {
            // 32-bit when every value fits, so Shapefile/KML readers see a plain integer.
            bool fits = true;
            for (const auto& f : layer.features) {
                auto it = f.properties.find(field.name);
                if (it != f.properties.end() && it->is_number_integer()) {
                    const auto v = it->get<std::int64_t>();
                    fits = fits && v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max();
                }
            }
            t = fits ? OFTInteger : OFTInteger64;
        } else if (field.type == FieldType::Boolean) {
            t = OFTInteger;
        } else if (field.type == FieldType::Real) {
            t = OFTReal;
        }
        OGRFieldDefn d(field.name.c_str(), t);
        if (field.type == FieldType::Boolean) d.SetSubType(OFSTBoolean);
        if (format == VectorFormat::Shapefile && field.type == FieldType::String) {
            // DBF strings default to 80 bytes; size to the longest value (254 is the format's limit).
            std::size_t width = 1;
            for (const auto& f : layer.features) {
                auto it = f.properties.find(field.name);
                if (it != f.properties.end() && !it->is_null()) width = std::max(width, as_text(*it).size());
            }
            d.SetWidth(static_cast<int>(std::min<std::size_t>(width, 254)));
        }
        const int before = out->GetLayerDefn()->GetFieldCount();
        if (out->CreateField(&d, TRUE) != OGRERR_NONE)
            throw LayerError("cannot create field '" + field.name + "' in '" + path + "': " + last_error("driver refused"));
        const int after = out->GetLayerDefn()->GetFieldCount();
        int idx = out->GetLayerDefn()->GetFieldIndex(field.name.c_str());
        if (idx < 0 && after > before) idx = after - 1;
        field_index.push_back(idx);
    }

    const bool as_multi = gtype == wkbMultiPoint || gtype == wkbMultiLineString || gtype == wkbMultiPolygon;
    const bool transaction = ds->StartTransaction(FALSE) == OGRERR_NONE;
    for (const auto& f : layer.features) {
        OGRFeature of(out->GetLayerDefn());
        for (std::size_t i = 0; i < fields.size(); ++i) {
            auto it = f.properties.is_object() ? f.properties.find(fields[i].name) : f.properties.end();
            if (it == f.properties.end() || field_index[i] < 0) continue;
            set_field(of, field_index[i], fields[i].type, *it);
        }
        if (format == VectorFormat::GeoJSON && f.id.is_number_integer()) of.SetFID(f.id.get<GIntBig>());
        if (auto g = to_ogr(f.geometry, as_multi)) of.SetGeometryDirectly(g.release());
        if (out->CreateFeature(&of) != OGRERR_NONE)
            throw LayerError("cannot write a feature to '" + path + "': " + last_error("driver refused"));
    }
    if (transaction && ds->CommitTransaction() != OGRERR_NONE)
        throw LayerError("cannot commit '" + path + "': " + last_error("driver refused"));
    CPLErrorReset();
    ds.reset();  // closing flushes (and zips a .shp.zip)
    if (CPLGetLastErrorType() == CE_Failure) throw LayerError("cannot finish '" + path + "': " + last_error("close failed"));
}

std::string write_layer_bytes(const Layer& layer, VectorFormat format) {
    static std::atomic<unsigned long> counter{0};
    const std::string dir = "/vsimem/aras_export_" + std::to_string(++counter);
    std::string stem = layer.name.empty() ? "layer" : layer.name;
    for (char& c : stem)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) c = '_';
    // GDAL writes a zipped Shapefile itself when the name ends in .shp.zip.
    const std::string path =
        dir + "/" + stem + (format == VectorFormat::Shapefile ? std::string(".shp.zip") : std::string(file_extension(format)));
    struct Cleanup {
        std::string dir;
        ~Cleanup() { VSIRmdirRecursive(dir.c_str()); }
    } cleanup{dir};
    VSIMkdir(dir.c_str(), 0755);
    write_layer(layer, path, format);
    vsi_l_offset size = 0;
    GByte* data = VSIGetMemFileBuffer(path.c_str(), &size, FALSE);
    if (!data) throw LayerError("in-memory export of '" + layer.name + "' produced no file");
    return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace aras::geo
