// OSM extract -> Aras layers, through GDAL's OSM driver (one vector I/O stack for every format) and GEOS.
#include "aras/geo/osm_import.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#define GEOS_USE_ONLY_R_API
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <geos_c.h>
#include <ogr_api.h>

#include "aras/geo/geodesy.hpp"
#include "gdal_setup.hpp"

namespace aras::geo {

namespace {

// The osmconf.ini shipped with Aras: GDAL's /usr/share/gdal/osmconf.ini with the keys Aras needs promoted to
// fields (highway, maxspeed, oneway, junction, ref, name:en, barrier, admin_level, boundary, place, population,
// maritime) and z_order dropped. Every other tag still arrives in other_tags (hstore text), which is where
// name:*, ISO3166-1 and left:/right:country are read from. Embedded so the binary needs no data file.
constexpr const char* kOsmConf = R"ini(# Aras osmconf.ini (derived from GDAL's data/osmconf.ini)
closed_ways_are_polygons=aeroway,amenity,boundary,building,craft,geological,historic,landuse,leisure,military,natural,office,place,shop,sport,tourism,highway=platform,public_transport=platform
report_all_nodes=no
report_all_ways=no
tags_format=hstore

[points]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,name:en,barrier,highway,ref,place,population,capital
unsignificant=created_by,converted_by,source,time,ele,attribution
ignore=created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME

[lines]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,name:en,highway,ref,oneway,maxspeed,junction,barrier,boundary,admin_level,maritime
ignore=created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME

[multipolygons]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,name:en,type,admin_level,boundary,place,barrier
ignore=area,created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME

[multilinestrings]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,type
ignore=area,created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME

[other_relations]
osm_id=yes
osm_version=no
osm_timestamp=no
osm_uid=no
osm_user=no
osm_changeset=no
attributes=name,type
ignore=area,created_by,converted_by,source,time,ele,note,todo,openGeoDB:,fixme,FIXME
)ini";

// The languages the planners read, kept as separate place fields (the rest only in the `names` JSON).
constexpr const char* kPlaceLanguages[] = {"en", "he", "fa", "ru", "az", "tr", "hy", "ka", "ar"};

using Tags = std::map<std::string, std::string, std::less<>>;

// GDAL's OSM driver writes other_tags as PostgreSQL hstore text: "k"=>"v","k2"=>"v2" with \" and \\ escaped.
Tags parse_hstore(std::string_view s) {
    Tags tags;
    std::size_t i = 0;
    auto read_quoted = [&](std::string& out) -> bool {
        while (i < s.size() && s[i] != '"') ++i;
        if (i >= s.size()) return false;
        ++i;
        out.clear();
        while (i < s.size() && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < s.size()) ++i;
            out.push_back(s[i++]);
        }
        if (i >= s.size()) return false;
        ++i;
        return true;
    };
    std::string key, value;
    while (i < s.size()) {
        if (!read_quoted(key)) break;
        const auto arrow = s.find("=>", i);
        if (arrow == std::string_view::npos) break;
        i = arrow + 2;
        if (!read_quoted(value)) break;
        tags.emplace(key, value);
    }
    return tags;
}

// GDAL errors go to a per-import collector instead of stderr; failures become the exception's message.
struct GdalErrors {
    std::vector<std::string> failures;
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* msg) {
        auto* self = static_cast<GdalErrors*>(CPLGetErrorHandlerUserData());
        if (self && (level == CE_Failure || level == CE_Fatal) && self->failures.size() < 5)
            self->failures.emplace_back(msg ? msg : "unknown GDAL error");
    }
};

class ScopedGdalErrors {
public:
    explicit ScopedGdalErrors(GdalErrors& e) { CPLPushErrorHandlerEx(&GdalErrors::handler, &e); }
    ~ScopedGdalErrors() { CPLPopErrorHandler(); }
    ScopedGdalErrors(const ScopedGdalErrors&) = delete;
    ScopedGdalErrors& operator=(const ScopedGdalErrors&) = delete;
};

struct DatasetCloser {
    void operator()(void* ds) const { GDALClose(ds); }
};
struct FeatureDestroyer {
    void operator()(OGRFeatureH f) const { OGR_F_Destroy(f); }
};
using FeaturePtr = std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDestroyer>;

// The shipped osmconf.ini lives in /vsimem for the duration of one import (unique name: imports may overlap).
class VsiMemFile {
public:
    explicit VsiMemFile(const std::string& text) {
        static std::atomic<unsigned> counter{0};
        path_ = "/vsimem/aras_osmconf_" + std::to_string(counter++) + ".ini";
        VSILFILE* f = VSIFOpenL(path_.c_str(), "wb");
        if (!f) throw OsmImportError("cannot create " + path_);
        VSIFWriteL(text.data(), 1, text.size(), f);
        VSIFCloseL(f);
    }
    ~VsiMemFile() { VSIUnlink(path_.c_str()); }
    VsiMemFile(const VsiMemFile&) = delete;
    VsiMemFile& operator=(const VsiMemFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// ---- OGR geometry -> Aras values -----------------------------------------------------------------------

std::vector<LonLat> points_of(OGRGeometryH g) {
    const int n = OGR_G_GetPointCount(g);
    std::vector<LonLat> out;
    out.reserve(static_cast<std::size_t>(std::max(n, 0)));
    for (int i = 0; i < n; ++i) out.push_back({OGR_G_GetX(g, i), OGR_G_GetY(g, i)});
    return out;
}

Polygon polygon_of(OGRGeometryH g) {
    Polygon p;
    const int rings = OGR_G_GetGeometryCount(g);
    for (int r = 0; r < rings; ++r) {
        auto ring = points_of(OGR_G_GetGeometryRef(g, r));
        if (ring.size() >= 3 && !(ring.front() == ring.back())) ring.push_back(ring.front());
        if (ring.size() >= 4) p.rings.push_back(std::move(ring));
    }
    return p;
}

MultiPolygon multipolygon_of(OGRGeometryH g) {
    MultiPolygon mp;
    switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
        case wkbPolygon: {
            auto p = polygon_of(g);
            if (!p.rings.empty()) mp.polygons.push_back(std::move(p));
            break;
        }
        case wkbMultiPolygon:
            for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) {
                auto p = polygon_of(OGR_G_GetGeometryRef(g, i));
                if (!p.rings.empty()) mp.polygons.push_back(std::move(p));
            }
            break;
        default:
            break;
    }
    return mp;
}

// ---- GEOS: polygonising boundary ways and point-in-country tests ----------------------------------------

class Geos {
public:
    Geos() : ctx_(GEOS_init_r()) {}
    ~Geos() { GEOS_finish_r(ctx_); }
    Geos(const Geos&) = delete;
    Geos& operator=(const Geos&) = delete;
    GEOSContextHandle_t ctx() const { return ctx_; }

private:
    GEOSContextHandle_t ctx_;
};

struct GeomDeleter {
    GEOSContextHandle_t ctx;
    void operator()(GEOSGeometry* g) const {
        if (g) GEOSGeom_destroy_r(ctx, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

GEOSCoordSequence* coords_to_geos(GEOSContextHandle_t ctx, const std::vector<LonLat>& pts) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, static_cast<unsigned>(pts.size()), 2);
    for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(ctx, seq, i, pts[i].lon, pts[i].lat);
    return seq;
}

GEOSGeometry* polygon_to_geos(GEOSContextHandle_t ctx, const Polygon& p) {
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(ctx, coords_to_geos(ctx, p.rings.at(0)));
    std::vector<GEOSGeometry*> holes;
    for (std::size_t i = 1; i < p.rings.size(); ++i)
        holes.push_back(GEOSGeom_createLinearRing_r(ctx, coords_to_geos(ctx, p.rings[i])));
    return GEOSGeom_createPolygon_r(ctx, shell, holes.data(), static_cast<unsigned>(holes.size()));
}

GEOSGeometry* multipolygon_to_geos(GEOSContextHandle_t ctx, const MultiPolygon& mp) {
    std::vector<GEOSGeometry*> parts;
    for (const auto& p : mp.polygons) parts.push_back(polygon_to_geos(ctx, p));
    return GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, parts.data(), static_cast<unsigned>(parts.size()));
}

std::vector<LonLat> coords_from_geos(GEOSContextHandle_t ctx, const GEOSGeometry* g) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, g);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx, seq, &n);
    std::vector<LonLat> out(n);
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx, seq, i, &out[i].lon, &out[i].lat);
    return out;
}

Polygon polygon_from_geos(GEOSContextHandle_t ctx, const GEOSGeometry* g) {
    Polygon p;
    p.rings.push_back(coords_from_geos(ctx, GEOSGetExteriorRing_r(ctx, g)));
    for (int i = 0; i < GEOSGetNumInteriorRings_r(ctx, g); ++i)
        p.rings.push_back(coords_from_geos(ctx, GEOSGetInteriorRingN_r(ctx, g, i)));
    return p;
}

// Every polygon of a (possibly nested) collection.
void collect_polygons(GEOSContextHandle_t ctx, const GEOSGeometry* g, MultiPolygon& out) {
    const int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        if (!GEOSisEmpty_r(ctx, g)) out.polygons.push_back(polygon_from_geos(ctx, g));
        return;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION)
        for (int i = 0; i < GEOSGetNumGeometries_r(ctx, g); ++i) collect_polygons(ctx, GEOSGetGeometryN_r(ctx, g, i), out);
}

MultiPolygon make_valid_polygons(GEOSContextHandle_t ctx, const MultiPolygon& mp) {
    if (mp.polygons.empty()) return mp;
    GeomPtr g(multipolygon_to_geos(ctx, mp), GeomDeleter{ctx});
    if (g && GEOSisValid_r(ctx, g.get()) == 1) return mp;
    GeomPtr fixed(g ? GEOSMakeValid_r(ctx, g.get()) : nullptr, GeomDeleter{ctx});
    MultiPolygon out;
    if (fixed) collect_polygons(ctx, fixed.get(), out);
    return out;
}

// Faces enclosed by the given lines (noded first: boundary ways meet only at their ends, but be safe).
std::vector<Polygon> polygonize(GEOSContextHandle_t ctx, const std::vector<LineString>& lines) {
    std::vector<GEOSGeometry*> parts;
    for (const auto& l : lines)
        if (l.size() >= 2) parts.push_back(GEOSGeom_createLineString_r(ctx, coords_to_geos(ctx, l)));
    if (parts.empty()) return {};
    GeomPtr all(GEOSGeom_createCollection_r(ctx, GEOS_MULTILINESTRING, parts.data(), static_cast<unsigned>(parts.size())),
                GeomDeleter{ctx});
    GeomPtr noded(GEOSUnaryUnion_r(ctx, all.get()), GeomDeleter{ctx});
    if (!noded) return {};
    const GEOSGeometry* in = noded.get();
    GeomPtr faces(GEOSPolygonize_r(ctx, &in, 1), GeomDeleter{ctx});
    MultiPolygon out;
    if (faces) collect_polygons(ctx, faces.get(), out);
    return std::move(out.polygons);
}

// Point-in-country lookups against prepared country geometries.
class CountryIndex {
public:
    CountryIndex(GEOSContextHandle_t ctx, const Layer& countries) : ctx_(ctx) {
        for (const auto& f : countries.features) {
            const auto* mp = std::get_if<MultiPolygon>(&f.geometry);
            if (!mp || mp->polygons.empty()) continue;
            Entry e{GeomPtr(multipolygon_to_geos(ctx, *mp), GeomDeleter{ctx}), nullptr, bbox_of(f.geometry),
                    f.properties.value("iso2", std::string())};
            e.prepared = GEOSPrepare_r(ctx, e.geom.get());
            entries_.push_back(std::move(e));
        }
    }
    ~CountryIndex() {
        for (auto& e : entries_)
            if (e.prepared) GEOSPreparedGeom_destroy_r(ctx_, e.prepared);
    }
    CountryIndex(const CountryIndex&) = delete;
    CountryIndex& operator=(const CountryIndex&) = delete;

    std::string country_at(const LonLat& p) const {
        for (const auto& e : entries_) {
            if (!e.box.contains(p)) continue;
            GeomPtr pt(GEOSGeom_createPointFromXY_r(ctx_, p.lon, p.lat), GeomDeleter{ctx_});
            if (GEOSPreparedIntersects_r(ctx_, e.prepared, pt.get()) == 1) return e.iso2;
        }
        return {};
    }

private:
    struct Entry {
        GeomPtr geom;
        const GEOSPreparedGeometry* prepared;
        BBox box;
        std::string iso2;
    };
    GEOSContextHandle_t ctx_;
    std::vector<Entry> entries_;
};

// ---- tags -> fields ---------------------------------------------------------------------------------------

bool is_yes(std::string_view v) { return v == "yes" || v == "1" || v == "true"; }

long long to_int(std::string_view s, long long fallback = 0) {
    long long n = fallback;
    std::string digits;
    for (char c : s)
        if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
        else if (c == ' ' || c == ',' || c == '.' || c == '\'') {
            if (c == '.') break;  // "12000.5"
        } else break;
    if (digits.empty()) return fallback;
    std::from_chars(digits.data(), digits.data() + digits.size(), n);
    return n;
}

// Reads one OGR feature's fields by name (field indexes cached per layer).
class FeatureReader {
public:
    FeatureReader(OGRFeatureH f, const std::unordered_map<std::string, int>& index) : f_(f), index_(index) {}
    std::string get(const std::string& name) const {
        auto it = index_.find(name);
        if (it == index_.end() || it->second < 0 || !OGR_F_IsFieldSetAndNotNull(f_, it->second)) return {};
        return OGR_F_GetFieldAsString(f_, it->second);
    }
    Tags other_tags() const { return parse_hstore(get("other_tags")); }

private:
    OGRFeatureH f_;
    const std::unordered_map<std::string, int>& index_;
};

struct CountryHint {
    LonLat at;
    std::string iso2, iso3, name, local_name;
};

std::string tag_or(const Tags& t, std::string_view key, std::string fallback = {}) {
    auto it = t.find(key);
    return it == t.end() ? fallback : it->second;
}

struct RoadRow {
    long long osm_id;
    Feature feature;
};

std::vector<Field> road_fields() {
    return {{"source", FieldType::String},  {"class", FieldType::String},    {"highway", FieldType::String},
            {"ref", FieldType::String},     {"name", FieldType::String},     {"name_loc", FieldType::String},
            {"oneway", FieldType::Integer}, {"country", FieldType::String},  {"speed_kmh", FieldType::Integer},
            {"length_m", FieldType::Real},  {"road_id", FieldType::Integer}, {"osm_id", FieldType::Integer}};
}

}  // namespace

std::string road_class_of(std::string_view h) {
    for (std::string_view c : {"motorway", "trunk", "primary", "secondary", "tertiary"})
        if (h == c || (h.size() == c.size() + 5 && h.substr(0, c.size()) == c && h.substr(c.size()) == "_link"))
            return std::string(c);
    for (std::string_view c : {"unclassified", "residential", "living_street", "service", "road"})
        if (h == c) return "unknown";
    return {};
}

double default_speed_kmh(std::string_view h) {
    static const std::map<std::string_view, double> table = {
        {"motorway", 110},      {"motorway_link", 60}, {"trunk", 90},          {"trunk_link", 50},
        {"primary", 70},        {"primary_link", 40},  {"secondary", 60},      {"secondary_link", 40},
        {"tertiary", 50},       {"tertiary_link", 30}, {"unclassified", 40},   {"road", 40},
        {"residential", 30},    {"living_street", 10}, {"service", 20}};
    auto it = table.find(h);
    return it == table.end() ? 0.0 : it->second;
}

double parse_maxspeed_kmh(std::string_view s) {
    // The first value of a ';'-list; "none", "walk", "signals", "RU:urban" have no number and are unknown.
    if (auto semi = s.find(';'); semi != std::string_view::npos) s = s.substr(0, semi);
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s.front()))) return 0.0;
    double v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || !(v > 0) || v > 300) return 0.0;
    std::string_view unit(ptr, static_cast<std::size_t>(s.data() + s.size() - ptr));
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return v;
    if (unit == "mph") return v * 1.609344;
    if (unit == "knots") return v * 1.852;
    return 0.0;
}

OsmLayers import_osm(const std::string& path, const OsmImportOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw OsmImportError(path + ": no such file");
    if (std::filesystem::file_size(path, ec) == 0) throw OsmImportError(path + ": empty file");

    ensure_gdal_registered();

    std::optional<VsiMemFile> conf;
    std::string conf_path = options.osmconf_path;
    if (conf_path.empty()) {
        conf.emplace(kOsmConf);
        conf_path = conf->path();
    } else if (!std::filesystem::is_regular_file(conf_path, ec)) {
        throw OsmImportError(conf_path + ": no such osmconf.ini");
    }

    GdalErrors errors;
    ScopedGdalErrors scoped(errors);
    const std::string conf_option = "CONFIG_FILE=" + conf_path;
    const char* drivers[] = {"OSM", nullptr};
    const char* open_options[] = {conf_option.c_str(), "INTERLEAVED_READING=YES", nullptr};
    std::unique_ptr<void, DatasetCloser> ds(
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, open_options, nullptr));
    if (!ds) {
        std::string why = errors.failures.empty() ? "not an OSM .pbf/.osm file" : errors.failures.front();
        throw OsmImportError(path + ": cannot open as OSM data: " + why);
    }
    // Only these three layers feed Aras; the driver then skips building the relation layers.
    GDALDatasetExecuteSQL(ds.get(), "SET interest_layers = points,lines,multipolygons", nullptr, nullptr);

    OsmImportProgress progress;
    std::vector<RoadRow> roads;
    std::vector<Feature> crossings, places, borders, countries;
    std::vector<CountryHint> hints;
    std::map<std::string, std::unordered_map<std::string, int>> field_index;

    auto index_of = [&](OGRLayerH layer) -> const std::unordered_map<std::string, int>& {
        const std::string name = OGR_L_GetName(layer);
        auto it = field_index.find(name);
        if (it != field_index.end()) return it->second;
        auto& idx = field_index[name];
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
            idx[OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i))] = i;
        return idx;
    };

    for (;;) {
        OGRLayerH layer = nullptr;
        double fraction = 0.0;
        FeaturePtr f(GDALDatasetGetNextFeature(ds.get(), &layer, &fraction, nullptr, nullptr));
        if (!f) break;
        if (!errors.failures.empty()) break;
        ++progress.features_read;
        progress.fraction = fraction;
        OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
        if (!g || !layer) continue;
        const std::string_view lname = OGR_L_GetName(layer);
        FeatureReader r(f.get(), index_of(layer));
        const auto type = wkbFlatten(OGR_G_GetGeometryType(g));

        if (lname == "points" && type == wkbPoint) {
            const LonLat at{OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)};
            const std::string place = r.get("place");
            if (r.get("barrier") == "border_control") {
                Feature c;
                c.geometry = at;
                const std::string osm_id = r.get("osm_id");
                c.properties = {{"id", "osm_n" + osm_id},
                                {"name", r.get("name_en").empty() ? r.get("name") : r.get("name_en")},
                                {"name_loc", r.get("name")},
                                {"country", ""},
                                {"status", "candidate"},
                                {"source", "osm"},
                                {"osm_id", osm_id}};
                crossings.push_back(std::move(c));
                ++progress.crossings;
            } else if (place == "city" || place == "town" || place == "village") {
                const Tags t = r.other_tags();
                Feature p;
                p.geometry = at;
                nlohmann::json names = nlohmann::json::object();
                if (!r.get("name_en").empty()) names["en"] = r.get("name_en");
                for (const auto& [k, v] : t)
                    if (k.rfind("name:", 0) == 0 && k.size() > 5) names[k.substr(5)] = v;
                p.properties = {{"name", r.get("name")},
                                {"kind", place},
                                {"population", to_int(r.get("population"))},
                                {"country", ""},
                                {"osm_id", r.get("osm_id")}};
                for (const char* lang : kPlaceLanguages)
                    p.properties[std::string("name_") + lang] = names.value(lang, std::string());
                p.properties["names"] = names.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                places.push_back(std::move(p));
                ++progress.places;
            } else if (place == "country") {
                const Tags t = r.other_tags();
                CountryHint h;
                h.at = at;
                h.iso2 = tag_or(t, "country_code_iso3166_1_alpha_2", tag_or(t, "ISO3166-1:alpha2", tag_or(t, "ISO3166-1")));
                h.iso3 = tag_or(t, "ISO3166-1:alpha3", tag_or(t, "country_code_iso3166_1_alpha_3"));
                h.local_name = r.get("name");
                h.name = r.get("name_en").empty() ? h.local_name : r.get("name_en");
                hints.push_back(std::move(h));
            }
        } else if (lname == "lines" && type == wkbLineString) {
            const std::string highway = r.get("highway");
            if (!highway.empty()) {
                const std::string cls = road_class_of(highway);
                if (cls.empty()) continue;
                LineString line = points_of(g);
                if (line.size() < 2) continue;
                const std::string ow = r.get("oneway");
                int oneway = 0;
                if (ow == "-1" || ow == "reverse") {
                    std::reverse(line.begin(), line.end());
                    oneway = 1;
                } else if (is_yes(ow)) {
                    oneway = 1;
                } else if (ow.empty() && (highway == "motorway" || r.get("junction") == "roundabout")) {
                    oneway = 1;  // OSM convention: implied one-way
                }
                double speed = parse_maxspeed_kmh(r.get("maxspeed"));
                if (speed <= 0) speed = default_speed_kmh(highway);
                const std::string name = r.get("name");
                const std::string name_en = r.get("name_en");
                Feature road;
                road.geometry = std::move(line);
                road.properties = {{"source", "osm"},
                                   {"class", cls},
                                   {"highway", highway},
                                   {"ref", r.get("ref")},
                                   {"name", name_en.empty() ? name : name_en},
                                   {"name_loc", name},
                                   {"oneway", oneway},
                                   {"country", ""},
                                   {"speed_kmh", static_cast<long long>(std::lround(speed))},
                                   {"length_m", std::round(geodesic_length_m(std::get<LineString>(road.geometry)) * 10) / 10},
                                   {"road_id", 0},
                                   {"osm_id", to_int(r.get("osm_id"))}};
                roads.push_back({to_int(r.get("osm_id")), std::move(road)});
                ++progress.roads;
            } else if (r.get("boundary") == "administrative" && r.get("admin_level") == "2" &&
                       !is_yes(r.get("maritime"))) {
                const Tags t = r.other_tags();
                Feature b;
                b.geometry = points_of(g);
                b.properties = {{"left", tag_or(t, "left:country")},
                                {"right", tag_or(t, "right:country")},
                                {"name_left", tag_or(t, "left:country")},
                                {"name_right", tag_or(t, "right:country")},
                                {"kind", "osm admin_level=2"},
                                {"length_km", std::round(geodesic_length_m(std::get<LineString>(b.geometry))) / 1000},
                                {"name", r.get("name_en").empty() ? r.get("name") : r.get("name_en")},
                                {"osm_id", r.get("osm_id")}};
                borders.push_back(std::move(b));
            }
        } else if (lname == "multipolygons" && r.get("boundary") == "administrative" && r.get("admin_level") == "2") {
            const Tags t = r.other_tags();
            Feature c;
            c.geometry = multipolygon_of(g);
            const std::string name = r.get("name");
            c.properties = {{"iso2", tag_or(t, "ISO3166-1:alpha2", tag_or(t, "ISO3166-1"))},
                            {"iso3", tag_or(t, "ISO3166-1:alpha3")},
                            {"name", r.get("name_en").empty() ? name : r.get("name_en")}};
            countries.push_back(std::move(c));
        }
        if (options.progress && progress.features_read % 4096 == 0) options.progress(progress);
    }
    if (!errors.failures.empty()) throw OsmImportError(path + ": unreadable OSM data: " + errors.failures.front());
    if (progress.features_read == 0) throw OsmImportError(path + ": no OSM features (empty or not an OSM file)");

    Geos geos;
    const auto ctx = geos.ctx();
    OsmLayers out;

    // Countries: complete admin_level=2 areas when the extract has them; otherwise the faces closed by the
    // admin_level=2 boundary ways that contain a place=country node. Nothing is guessed from subdivisions: a
    // partial country would give part of one road network another `country` and the router would split it.
    out.countries = {"countries", {{"iso2", FieldType::String}, {"iso3", FieldType::String}, {"name", FieldType::String}}, {}};
    for (auto& c : countries) {
        auto& mp = std::get<MultiPolygon>(c.geometry);
        mp = make_valid_polygons(ctx, mp);
        if (mp.polygons.empty()) continue;
        if (c.properties["iso2"].get<std::string>().empty())
            for (const auto& h : hints)
                if (h.name == c.properties["name"]) c.properties["iso2"] = h.iso2;
        out.countries.features.push_back(std::move(c));
    }
    std::vector<LineString> border_lines;
    for (const auto& b : borders) border_lines.push_back(std::get<LineString>(b.geometry));
    std::map<std::string, Feature> from_faces;
    for (auto& face : polygonize(ctx, border_lines)) {
        GeomPtr fg(polygon_to_geos(ctx, face), GeomDeleter{ctx});
        for (const auto& h : hints) {
            if (h.iso2.empty()) continue;
            const bool known = std::any_of(out.countries.features.begin(), out.countries.features.end(),
                                           [&](const Feature& c) { return c.properties["iso2"] == h.iso2; });
            if (known) continue;
            GeomPtr pt(GEOSGeom_createPointFromXY_r(ctx, h.at.lon, h.at.lat), GeomDeleter{ctx});
            if (GEOSContains_r(ctx, fg.get(), pt.get()) != 1) continue;
            auto [it, fresh] = from_faces.try_emplace(h.iso2);
            if (fresh) {
                it->second.geometry = MultiPolygon{};
                it->second.properties = {{"iso2", h.iso2}, {"iso3", h.iso3}, {"name", h.name}};
            }
            std::get<MultiPolygon>(it->second.geometry).polygons.push_back(face);
        }
    }
    for (auto& [iso, f] : from_faces) {
        auto& mp = std::get<MultiPolygon>(f.geometry);
        mp = make_valid_polygons(ctx, mp);
        if (!mp.polygons.empty()) out.countries.features.push_back(std::move(f));
    }
    std::sort(out.countries.features.begin(), out.countries.features.end(), [](const Feature& a, const Feature& b) {
        return a.properties["iso2"].get<std::string>() < b.properties["iso2"].get<std::string>();
    });

    const CountryIndex where(ctx, out.countries);
    std::map<std::string, std::string> iso_of_name;  // "Andorra" -> "AD", for left:/right:country
    for (const auto& h : hints) {
        if (h.iso2.empty()) continue;
        iso_of_name[h.name] = h.iso2;
        iso_of_name[h.local_name] = h.iso2;
    }

    std::sort(roads.begin(), roads.end(), [](const RoadRow& a, const RoadRow& b) { return a.osm_id < b.osm_id; });
    out.roads = {"roads", road_fields(), {}};
    out.roads.features.reserve(roads.size());
    long long next_id = 1;
    for (auto& row : roads) {
        const auto& line = std::get<LineString>(row.feature.geometry);
        row.feature.properties["country"] = where.country_at(line[line.size() / 2]);
        row.feature.properties["road_id"] = next_id;
        row.feature.id = next_id++;
        out.roads.features.push_back(std::move(row.feature));
    }

    auto by_osm_id = [](const Feature& a, const Feature& b) {
        return to_int(a.properties["osm_id"].get<std::string>()) < to_int(b.properties["osm_id"].get<std::string>());
    };
    std::sort(crossings.begin(), crossings.end(), by_osm_id);
    std::sort(places.begin(), places.end(), by_osm_id);
    std::sort(borders.begin(), borders.end(), by_osm_id);

    out.crossings = {"crossings",
                     {{"id", FieldType::String}, {"name", FieldType::String}, {"name_loc", FieldType::String},
                      {"country", FieldType::String}, {"status", FieldType::String}, {"source", FieldType::String},
                      {"osm_id", FieldType::String}},
                     {}};
    for (auto& c : crossings) {
        c.properties["country"] = where.country_at(std::get<LonLat>(c.geometry));
        out.crossings.features.push_back(std::move(c));
    }

    out.places = {"places",
                  {{"name", FieldType::String}, {"kind", FieldType::String}, {"population", FieldType::Integer},
                   {"country", FieldType::String}, {"osm_id", FieldType::String}},
                  {}};
    for (const char* lang : kPlaceLanguages) out.places.fields.push_back({std::string("name_") + lang, FieldType::String});
    out.places.fields.push_back({"names", FieldType::String});
    for (auto& p : places) {
        p.properties["country"] = where.country_at(std::get<LonLat>(p.geometry));
        out.places.features.push_back(std::move(p));
    }

    out.borders = {"borders",
                   {{"left", FieldType::String}, {"right", FieldType::String}, {"name_left", FieldType::String},
                    {"name_right", FieldType::String}, {"kind", FieldType::String}, {"length_km", FieldType::Real},
                    {"name", FieldType::String}, {"osm_id", FieldType::String}},
                   {}};
    for (auto& b : borders) {
        for (const char* side : {"left", "right"}) {
            auto it = iso_of_name.find(b.properties[side].get<std::string>());
            if (it != iso_of_name.end()) b.properties[side] = it->second;
        }
        out.borders.features.push_back(std::move(b));
    }

    progress.fraction = 1.0;
    progress.done = true;
    if (options.progress) options.progress(progress);
    return out;
}

}  // namespace aras::geo
