// write_layer_to: an Aras layer into an OGR data source opened for update (PostGIS through "PG:..." above all).
#include <memory>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "aras/geo/layer_io.hpp"
#include "gdal_setup.hpp"

namespace aras::geo {

namespace {

struct DatasetCloser {
    void operator()(void* ds) const { GDALClose(ds); }
};
struct GeometryDestroyer {
    void operator()(OGRGeometryH g) const { OGR_G_DestroyGeometry(g); }
};
using GeometryPtr = std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, GeometryDestroyer>;
struct FeatureDestroyer {
    void operator()(OGRFeatureH f) const { OGR_F_Destroy(f); }
};
using FeaturePtr = std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, FeatureDestroyer>;

// GDAL's last error message, or `fallback` when it has none.
std::string last_error(const std::string& fallback) {
    const char* msg = CPLGetLastErrorMsg();
    return (msg && *msg) ? std::string(msg) : fallback;
}

void add_points(OGRGeometryH g, const std::vector<LonLat>& pts) {
    for (const auto& p : pts) OGR_G_AddPoint_2D(g, p.lon, p.lat);
}

OGRGeometryH polygon_to_ogr(const Polygon& p) {
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    for (const auto& ring : p.rings) {
        OGRGeometryH r = OGR_G_CreateGeometry(wkbLinearRing);
        add_points(r, ring);
        OGR_G_AddGeometryDirectly(poly, r);
    }
    return poly;
}

// nullptr for "no geometry".
OGRGeometryH to_ogr(const Geometry& geometry) {
    return std::visit(
        [](const auto& g) -> OGRGeometryH {
            using T = std::decay_t<decltype(g)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, LonLat>) {
                OGRGeometryH p = OGR_G_CreateGeometry(wkbPoint);
                OGR_G_SetPoint_2D(p, 0, g.lon, g.lat);
                return p;
            } else if constexpr (std::is_same_v<T, LineString>) {
                OGRGeometryH l = OGR_G_CreateGeometry(wkbLineString);
                add_points(l, g);
                return l;
            } else if constexpr (std::is_same_v<T, Polygon>) {
                return polygon_to_ogr(g);
            } else if constexpr (std::is_same_v<T, MultiPoint>) {
                OGRGeometryH m = OGR_G_CreateGeometry(wkbMultiPoint);
                for (const auto& pt : g.points) {
                    OGRGeometryH p = OGR_G_CreateGeometry(wkbPoint);
                    OGR_G_SetPoint_2D(p, 0, pt.lon, pt.lat);
                    OGR_G_AddGeometryDirectly(m, p);
                }
                return m;
            } else if constexpr (std::is_same_v<T, MultiLineString>) {
                OGRGeometryH m = OGR_G_CreateGeometry(wkbMultiLineString);
                for (const auto& line : g.lines) {
                    OGRGeometryH l = OGR_G_CreateGeometry(wkbLineString);
                    add_points(l, line);
                    OGR_G_AddGeometryDirectly(m, l);
                }
                return m;
            } else {
                OGRGeometryH m = OGR_G_CreateGeometry(wkbMultiPolygon);
                for (const auto& p : g.polygons) OGR_G_AddGeometryDirectly(m, polygon_to_ogr(p));
                return m;
            }
        },
        geometry);
}

OGRwkbGeometryType ogr_type_of(const Geometry& g) {
    switch (g.index()) {
        case 1: return wkbPoint;
        case 2: return wkbLineString;
        case 3: return wkbPolygon;
        case 4: return wkbMultiPoint;
        case 5: return wkbMultiLineString;
        case 6: return wkbMultiPolygon;
        default: return wkbNone;
    }
}

// One declared type when every feature agrees (a typed PostGIS column); GEOMETRY otherwise.
OGRwkbGeometryType layer_type_of(const Layer& layer) {
    OGRwkbGeometryType type = wkbNone;
    for (const auto& f : layer.features) {
        const auto t = ogr_type_of(f.geometry);
        if (t == wkbNone) continue;
        if (type == wkbNone) type = t;
        else if (type != t) return wkbUnknown;
    }
    return type == wkbNone ? wkbUnknown : type;
}

OGRFieldType ogr_field_type(FieldType t) {
    switch (t) {
        case FieldType::Integer: return OFTInteger64;
        case FieldType::Real: return OFTReal;
        case FieldType::Boolean: return OFTInteger;
        case FieldType::String: break;
    }
    return OFTString;
}

// Layer::fields, or the fields inferred from the first feature's properties when the layer declares none.
std::vector<Field> fields_of(const Layer& layer) {
    if (!layer.fields.empty()) return layer.fields;
    std::vector<Field> fields;
    if (layer.features.empty() || !layer.features.front().properties.is_object()) return fields;
    for (const auto& [k, v] : layer.features.front().properties.items()) {
        FieldType t = FieldType::String;
        if (v.is_boolean()) t = FieldType::Boolean;
        else if (v.is_number_integer()) t = FieldType::Integer;
        else if (v.is_number()) t = FieldType::Real;
        fields.push_back({k, t});
    }
    return fields;
}

void set_field(OGRFeatureH f, int i, const Field& field, const nlohmann::json& v) {
    if (v.is_null()) {
        OGR_F_SetFieldNull(f, i);
        return;
    }
    switch (field.type) {
        case FieldType::Integer:
            if (v.is_number()) OGR_F_SetFieldInteger64(f, i, v.get<long long>());
            else OGR_F_SetFieldNull(f, i);
            return;
        case FieldType::Real:
            if (v.is_number()) OGR_F_SetFieldDouble(f, i, v.get<double>());
            else OGR_F_SetFieldNull(f, i);
            return;
        case FieldType::Boolean:
            OGR_F_SetFieldInteger(f, i, v.is_boolean() ? (v.get<bool>() ? 1 : 0) : (v.is_number() && v.get<double>() != 0));
            return;
        case FieldType::String:
            break;
    }
    const std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    OGR_F_SetFieldString(f, i, s.c_str());
}

}  // namespace

void write_layer_to(const Layer& layer, const std::string& datasource, const std::string& layer_name) {
    ensure_gdal_registered();
    if (layer_name.empty()) throw LayerError("write_layer_to: empty layer name");

    CPLErrorReset();
    std::unique_ptr<void, DatasetCloser> ds(
        GDALOpenEx(datasource.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    if (!ds) throw LayerError("cannot open " + datasource + " for writing: " + last_error("unknown reason"));

    OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(wgs84, 4326);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    // Layer creation options of the PostgreSQL driver; other drivers ignore what they do not know (with a warning).
    const bool is_pg = datasource.rfind("PG:", 0) == 0;
    char** options = nullptr;
    options = CSLSetNameValue(options, "OVERWRITE", "YES");
    if (is_pg) {
        options = CSLSetNameValue(options, "GEOMETRY_NAME", "geom");
        options = CSLSetNameValue(options, "FID", "fid");
        options = CSLSetNameValue(options, "SPATIAL_INDEX", "GIST");
        options = CSLSetNameValue(options, "LAUNDER", "NO");  // keep Aras' field names as they are
    }
    OGRLayerH out = GDALDatasetCreateLayer(ds.get(), layer_name.c_str(), wgs84, layer_type_of(layer), options);
    CSLDestroy(options);
    OSRDestroySpatialReference(wgs84);
    if (!out) throw LayerError("cannot create layer " + layer_name + " in " + datasource + ": " + last_error("unknown"));

    const auto fields = fields_of(layer);
    std::vector<int> index;
    for (const auto& field : fields) {
        OGRFieldDefnH def = OGR_Fld_Create(field.name.c_str(), ogr_field_type(field.type));
        if (field.type == FieldType::Boolean) OGR_Fld_SetSubType(def, OFSTBoolean);
        const OGRErr err = OGR_L_CreateField(out, def, TRUE);
        OGR_Fld_Destroy(def);
        if (err != OGRERR_NONE)
            throw LayerError("cannot create field " + field.name + " of " + layer_name + ": " + last_error("unknown"));
        index.push_back(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(out), field.name.c_str()));
    }

    // One transaction for the rows: a failure leaves no half-written table contents behind.
    const bool in_transaction = GDALDatasetStartTransaction(ds.get(), FALSE) == OGRERR_NONE;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(out);
    for (const auto& feature : layer.features) {
        FeaturePtr f(OGR_F_Create(defn));
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (index[i] < 0) continue;
            const auto it = feature.properties.find(fields[i].name);
            set_field(f.get(), index[i], fields[i], it == feature.properties.end() ? nlohmann::json() : *it);
        }
        GeometryPtr g(to_ogr(feature.geometry));
        if (g) OGR_F_SetGeometry(f.get(), g.get());
        if (OGR_L_CreateFeature(out, f.get()) != OGRERR_NONE) {
            if (in_transaction) GDALDatasetRollbackTransaction(ds.get());
            throw LayerError("cannot write a feature of " + layer_name + " to " + datasource + ": " + last_error("unknown"));
        }
    }
    if (in_transaction && GDALDatasetCommitTransaction(ds.get()) != OGRERR_NONE)
        throw LayerError("cannot commit " + layer_name + " to " + datasource + ": " + last_error("unknown"));
}

}  // namespace aras::geo
