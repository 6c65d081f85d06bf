// Geometry operations on Aras values through the GEOS re-entrant C API, with PROJ for metric buffers.
#include "aras/geo/geometry_ops.hpp"

#include <gdal.h>
#include <gdal_alg.h>
#include <geos_c.h>
#include <ogr_api.h>
#include <proj.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/geojson.hpp"
#include "gdal_setup.hpp"

namespace aras::geo {

namespace {

// ---------------------------------------------------------------------------------------------
// GEOS: one context handle per thread (handles are not thread-safe; geometries never cross threads).

class GeosContext {
public:
    GeosContext() : handle_(GEOS_init_r()) {
        GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_error, this);
        GEOSContext_setNoticeMessageHandler_r(handle_, &GeosContext::on_notice, this);
    }
    ~GeosContext() { GEOS_finish_r(handle_); }
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t handle() const { return handle_; }
    std::string take_error() { return std::exchange(last_error_, std::string()); }

private:
    static void on_error(const char* message, void* self) {
        static_cast<GeosContext*>(self)->last_error_ = message ? message : "unknown GEOS error";
    }
    static void on_notice(const char*, void*) {}

    GEOSContextHandle_t handle_;
    std::string last_error_;
};

GeosContext& geos() {
    thread_local GeosContext context;
    return context;
}
GEOSContextHandle_t gh() { return geos().handle(); }

struct GeosDeleter {
    void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(gh(), g); }
};
using GeosPtr = std::unique_ptr<GEOSGeometry, GeosDeleter>;

[[noreturn]] void geos_fail(const std::string& what) {
    std::string cause = geos().take_error();
    throw GeometryError(what + (cause.empty() ? "" : ": " + cause));
}

GeosPtr checked(GEOSGeometry* g, const char* what) {
    if (!g) geos_fail(what);
    return GeosPtr(g);
}

// ---------------------------------------------------------------------------------------------
// Aras values -> GEOS

GEOSCoordSequence* to_seq(const std::vector<LonLat>& pts) {
    static_assert(sizeof(LonLat) == 2 * sizeof(double), "LonLat must be two packed doubles");
    GEOSCoordSequence* s = GEOSCoordSeq_copyFromBuffer_r(gh(), reinterpret_cast<const double*>(pts.data()),
                                                         static_cast<unsigned>(pts.size()), 0, 0);
    if (!s) geos_fail("cannot create coordinate sequence");
    return s;
}

GEOSGeometry* make_point(const LonLat& p) {
    GEOSGeometry* g = GEOSGeom_createPointFromXY_r(gh(), p.lon, p.lat);
    if (!g) geos_fail("cannot create point");
    return g;
}

GEOSGeometry* make_line(const LineString& l) {
    if (l.size() == 1) throw GeometryError("a line needs at least 2 positions");
    GEOSGeometry* g = GEOSGeom_createLineString_r(gh(), to_seq(l));
    if (!g) geos_fail("cannot create line");
    return g;
}

GEOSGeometry* make_ring(const Ring& r) {
    if (r.size() < 4) throw GeometryError("a ring needs at least 4 positions");
    if (!(r.front() == r.back())) throw GeometryError("ring is not closed");
    GEOSGeometry* g = GEOSGeom_createLinearRing_r(gh(), to_seq(r));
    if (!g) geos_fail("cannot create ring");
    return g;
}

GEOSGeometry* make_polygon(const Polygon& p) {
    if (p.rings.empty()) {
        GEOSGeometry* g = GEOSGeom_createEmptyPolygon_r(gh());
        if (!g) geos_fail("cannot create polygon");
        return g;
    }
    std::vector<GeosPtr> rings;
    for (const auto& r : p.rings) rings.emplace_back(make_ring(r));
    std::vector<GEOSGeometry*> holes;
    for (std::size_t i = 1; i < rings.size(); ++i) holes.push_back(rings[i].get());
    GEOSGeometry* g = GEOSGeom_createPolygon_r(gh(), rings[0].get(), holes.data(), static_cast<unsigned>(holes.size()));
    if (!g) geos_fail("cannot create polygon");
    for (auto& r : rings) r.release();  // now owned by the polygon
    return g;
}

GEOSGeometry* make_collection(int type, std::vector<GeosPtr>& parts) {
    std::vector<GEOSGeometry*> raw;
    for (auto& p : parts) raw.push_back(p.get());
    GEOSGeometry* g = GEOSGeom_createCollection_r(gh(), type, raw.data(), static_cast<unsigned>(raw.size()));
    if (!g) geos_fail("cannot create collection");
    for (auto& p : parts) p.release();
    return g;
}

GeosPtr to_geos(const Geometry& g) {
    return std::visit(
        [](const auto& geom) -> GeosPtr {
            using T = std::decay_t<decltype(geom)>;
            std::vector<GeosPtr> parts;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return checked(GEOSGeom_createEmptyCollection_r(gh(), GEOS_GEOMETRYCOLLECTION), "empty geometry");
            } else if constexpr (std::is_same_v<T, LonLat>) {
                return GeosPtr(make_point(geom));
            } else if constexpr (std::is_same_v<T, LineString>) {
                return GeosPtr(make_line(geom));
            } else if constexpr (std::is_same_v<T, Polygon>) {
                return GeosPtr(make_polygon(geom));
            } else if constexpr (std::is_same_v<T, MultiPoint>) {
                for (const auto& p : geom.points) parts.emplace_back(make_point(p));
                return GeosPtr(make_collection(GEOS_MULTIPOINT, parts));
            } else if constexpr (std::is_same_v<T, MultiLineString>) {
                for (const auto& l : geom.lines) parts.emplace_back(make_line(l));
                return GeosPtr(make_collection(GEOS_MULTILINESTRING, parts));
            } else {
                for (const auto& p : geom.polygons) parts.emplace_back(make_polygon(p));
                return GeosPtr(make_collection(GEOS_MULTIPOLYGON, parts));
            }
        },
        g);
}

// ---------------------------------------------------------------------------------------------
// GEOS -> Aras values

std::vector<LonLat> from_seq(const GEOSGeometry* g) {
    const GEOSCoordSequence* s = GEOSGeom_getCoordSeq_r(gh(), g);
    if (!s) geos_fail("geometry without coordinates");
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(gh(), s, &n);
    std::vector<LonLat> pts(n);
    if (n && !GEOSCoordSeq_copyToBuffer_r(gh(), s, reinterpret_cast<double*>(pts.data()), 0, 0))
        geos_fail("cannot read coordinates");
    return pts;
}

// Every part of a GEOS geometry, sorted by dimension.
struct Parts {
    std::vector<LonLat> points;
    std::vector<LineString> lines;
    std::vector<Polygon> polygons;
};

void collect(const GEOSGeometry* g, Parts& out) {
    if (GEOSisEmpty_r(gh(), g) == 1) return;
    switch (GEOSGeomTypeId_r(gh(), g)) {
        case GEOS_POINT: {
            auto pts = from_seq(g);
            if (!pts.empty()) out.points.push_back(pts[0]);
            break;
        }
        case GEOS_LINESTRING:
        case GEOS_LINEARRING:
            out.lines.push_back(from_seq(g));
            break;
        case GEOS_POLYGON: {
            Polygon p;
            p.rings.push_back(from_seq(GEOSGetExteriorRing_r(gh(), g)));
            const int holes = GEOSGetNumInteriorRings_r(gh(), g);
            for (int i = 0; i < holes; ++i) p.rings.push_back(from_seq(GEOSGetInteriorRingN_r(gh(), g, i)));
            out.polygons.push_back(std::move(p));
            break;
        }
        default: {  // multi-geometries and collections
            const int n = GEOSGetNumGeometries_r(gh(), g);
            for (int i = 0; i < n; ++i) collect(GEOSGetGeometryN_r(gh(), g, i), out);
        }
    }
}

// The highest-dimension content as a single or multi geometry (lower-dimension debris of
// overlays and MakeValid, like a polygon's dangling edge, is dropped).
Geometry from_geos(const GEOSGeometry* g) {
    Parts parts;
    collect(g, parts);
    if (!parts.polygons.empty()) {
        if (parts.polygons.size() == 1) return std::move(parts.polygons[0]);
        return MultiPolygon{std::move(parts.polygons)};
    }
    if (!parts.lines.empty()) {
        if (parts.lines.size() == 1) return std::move(parts.lines[0]);
        return MultiLineString{std::move(parts.lines)};
    }
    if (!parts.points.empty()) {
        if (parts.points.size() == 1) return parts.points[0];
        return MultiPoint{std::move(parts.points)};
    }
    return std::monostate{};
}

MultiPolygon polygons_of(const GEOSGeometry* g) {
    Parts parts;
    collect(g, parts);
    return MultiPolygon{std::move(parts.polygons)};
}

bool is_polygonal(const Geometry& g) {
    return std::holds_alternative<Polygon>(g) || std::holds_alternative<MultiPolygon>(g);
}

// Closes open rings and drops degenerate parts so GEOS can build the geometry at all; MakeValid
// does the rest.
Geometry sanitized(const Geometry& g) {
    auto fix_polygon = [](Polygon p) {
        std::vector<Ring> rings;
        for (std::size_t i = 0; i < p.rings.size(); ++i) {
            Ring r = std::move(p.rings[i]);
            if (!r.empty() && !(r.front() == r.back())) r.push_back(r.front());
            if (r.size() >= 4) rings.push_back(std::move(r));
            else if (i == 0) return Polygon{};
        }
        return Polygon{std::move(rings)};
    };
    if (const auto* p = std::get_if<Polygon>(&g)) return fix_polygon(*p);
    if (const auto* mp = std::get_if<MultiPolygon>(&g)) {
        MultiPolygon out;
        for (const auto& p : mp->polygons) {
            Polygon f = fix_polygon(p);
            if (!f.rings.empty()) out.polygons.push_back(std::move(f));
        }
        return out;
    }
    if (const auto* l = std::get_if<LineString>(&g)) {
        if (l->size() < 2) return std::monostate{};
    }
    if (const auto* ml = std::get_if<MultiLineString>(&g)) {
        MultiLineString out;
        for (const auto& l : ml->lines)
            if (l.size() >= 2) out.lines.push_back(l);
        return out;
    }
    return g;
}

GeosPtr make_valid_geos(const GEOSGeometry* g) {
    struct ParamsDeleter {
        void operator()(GEOSMakeValidParams* p) const { GEOSMakeValidParams_destroy_r(gh(), p); }
    };
    std::unique_ptr<GEOSMakeValidParams, ParamsDeleter> params(GEOSMakeValidParams_create_r(gh()));
    // STRUCTURE keeps polygon areas (a bow-tie becomes two triangles) rather than tracing linework.
    GEOSMakeValidParams_setMethod_r(gh(), params.get(), GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(gh(), params.get(), 0);
    return checked(GEOSMakeValidWithParams_r(gh(), g, params.get()), "MakeValid failed");
}

// A valid GEOS copy of g, repaired when needed (overlay operations throw on invalid input).
GeosPtr valid_geos(const Geometry& g) {
    GeosPtr geom = to_geos(sanitized(g));
    if (GEOSisValid_r(gh(), geom.get()) == 1) return geom;
    return make_valid_geos(geom.get());
}

// ---------------------------------------------------------------------------------------------
// PROJ: PJ objects and contexts are not thread-safe, so each thread gets its own context.

class ProjContext {
public:
    ProjContext() : ctx_(proj_context_create()) {
        if (ctx_) proj_log_level(ctx_, PJ_LOG_NONE);
    }
    ~ProjContext() {
        if (ctx_) proj_context_destroy(ctx_);
    }
    ProjContext(const ProjContext&) = delete;
    ProjContext& operator=(const ProjContext&) = delete;
    PJ_CONTEXT* get() const { return ctx_; }

private:
    PJ_CONTEXT* ctx_;
};

PJ_CONTEXT* proj_ctx() {
    thread_local ProjContext context;
    return context.get();
}

struct PjDeleter {
    void operator()(PJ* p) const { proj_destroy(p); }
};
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

// Degrees <-> metres in an azimuthal equidistant projection centred on `centre`: distances from
// the centre are true, and distortion stays small over the extent of one country.
PjPtr local_aeqd(const LonLat& centre) {
    char def[256];
    std::snprintf(def, sizeof def,
                  "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
                  "+step +proj=aeqd +lat_0=%.10f +lon_0=%.10f +ellps=WGS84",
                  centre.lat, centre.lon);
    PjPtr p(proj_create(proj_ctx(), def));
    if (!p) throw GeometryError(std::string("cannot create local projection: ") +
                                proj_context_errno_string(proj_ctx(), proj_context_errno(proj_ctx())));
    return p;
}

void transform_points(PJ* p, PJ_DIRECTION dir, std::vector<LonLat>& pts) {
    if (pts.empty()) return;
    const std::size_t n = pts.size();
    proj_trans_generic(p, dir, &pts[0].lon, sizeof(LonLat), n, &pts[0].lat, sizeof(LonLat), n, nullptr, 0, 0,
                       nullptr, 0, 0);
    for (const auto& q : pts)
        if (!std::isfinite(q.lon) || !std::isfinite(q.lat) || q.lon == HUGE_VAL)
            throw GeometryError("coordinate cannot be projected to the local plane");
}

void transform_geometry(PJ* p, PJ_DIRECTION dir, Geometry& g) {
    std::visit(
        [&](auto& geom) {
            using T = std::decay_t<decltype(geom)>;
            if constexpr (std::is_same_v<T, LonLat>) {
                std::vector<LonLat> one{geom};
                transform_points(p, dir, one);
                geom = one[0];
            } else if constexpr (std::is_same_v<T, LineString>) {
                transform_points(p, dir, geom);
            } else if constexpr (std::is_same_v<T, Polygon>) {
                for (auto& r : geom.rings) transform_points(p, dir, r);
            } else if constexpr (std::is_same_v<T, MultiPoint>) {
                transform_points(p, dir, geom.points);
            } else if constexpr (std::is_same_v<T, MultiLineString>) {
                for (auto& l : geom.lines) transform_points(p, dir, l);
            } else if constexpr (std::is_same_v<T, MultiPolygon>) {
                for (auto& poly : geom.polygons)
                    for (auto& r : poly.rings) transform_points(p, dir, r);
            }
        },
        g);
}

// Point in polygon by crossing number; positions on the boundary count as inside.
enum class Side { Outside, Inside, Boundary };
Side ring_side(const Ring& ring, const LonLat& p) {
    bool inside = false;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const LonLat& a = ring[i];
        const LonLat& b = ring[j];
        // On the segment?
        const double cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
        if (cross == 0.0 && p.lon >= std::min(a.lon, b.lon) && p.lon <= std::max(a.lon, b.lon) &&
            p.lat >= std::min(a.lat, b.lat) && p.lat <= std::max(a.lat, b.lat))
            return Side::Boundary;
        if ((a.lat > p.lat) != (b.lat > p.lat)) {
            const double x = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
            if (p.lon < x) inside = !inside;
        }
    }
    return inside ? Side::Inside : Side::Outside;
}

bool polygon_covers(const Polygon& poly, const LonLat& p) {
    if (poly.rings.empty() || poly.rings[0].size() < 3) return false;
    const Side outer = ring_side(poly.rings[0], p);
    if (outer == Side::Outside) return false;
    if (outer == Side::Boundary) return true;
    for (std::size_t i = 1; i < poly.rings.size(); ++i) {
        if (poly.rings[i].size() < 3) continue;
        if (ring_side(poly.rings[i], p) == Side::Inside) return false;
    }
    return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

bool is_valid(const Geometry& g, std::string* reason) {
    GeosPtr geom;
    try {
        geom = to_geos(g);
    } catch (const GeometryError& e) {
        if (reason) *reason = e.what();
        return false;
    }
    const char valid = GEOSisValid_r(gh(), geom.get());
    if (valid == 2) geos_fail("validity check failed");
    if (reason) {
        if (valid == 1) {
            reason->clear();
        } else {
            char* r = GEOSisValidReason_r(gh(), geom.get());
            *reason = r ? r : "invalid geometry";
            if (r) GEOSFree_r(gh(), r);
        }
    }
    return valid == 1;
}

Geometry make_valid(const Geometry& g) {
    if (std::holds_alternative<std::monostate>(g)) return g;
    Geometry clean = sanitized(g);
    if (bbox_of(clean).empty()) return std::monostate{};
    GeosPtr geom;
    try {
        geom = to_geos(clean);
    } catch (const GeometryError&) {
        return std::monostate{};
    }
    if (GEOSisValid_r(gh(), geom.get()) == 1) {
        if (!(clean == g)) rewind_rfc7946(clean);
        return clean;
    }
    GeosPtr fixed = make_valid_geos(geom.get());
    Geometry out;
    if (is_polygonal(g)) {
        MultiPolygon mp = polygons_of(fixed.get());
        if (mp.polygons.empty()) out = std::monostate{};
        else if (mp.polygons.size() == 1 && std::holds_alternative<Polygon>(g)) out = std::move(mp.polygons[0]);
        else out = std::move(mp);
    } else {
        out = from_geos(fixed.get());
    }
    rewind_rfc7946(out);
    return out;
}

MultiPolygon buffer_m(const Geometry& g, double distance_m, int quadrant_segments) {
    if (!std::isfinite(distance_m)) throw std::invalid_argument("buffer_m: distance must be a finite number");
    const BBox box = bbox_of(g);
    if (box.empty()) return {};
    const LonLat centre{(box.min_lon + box.max_lon) / 2, (box.min_lat + box.max_lat) / 2};
    if (!is_valid(centre)) throw std::invalid_argument("buffer_m: geometry is not in lon/lat");
    PjPtr aeqd = local_aeqd(centre);

    Geometry plane = sanitized(g);
    transform_geometry(aeqd.get(), PJ_FWD, plane);
    GeosPtr geom = to_geos(plane);
    if (GEOSisValid_r(gh(), geom.get()) != 1) geom = make_valid_geos(geom.get());
    GeosPtr buffered = checked(GEOSBuffer_r(gh(), geom.get(), distance_m, std::clamp(quadrant_segments, 1, 1000)),
                               "buffer failed");
    Geometry result = polygons_of(buffered.get());
    transform_geometry(aeqd.get(), PJ_INV, result);
    Geometry valid = make_valid(result);
    // GEOS winds buffer exteriors clockwise; RFC 7946 wants them counter-clockwise.
    rewind_rfc7946(valid);
    if (auto* p = std::get_if<Polygon>(&valid)) return MultiPolygon{{std::move(*p)}};
    if (auto* mp = std::get_if<MultiPolygon>(&valid)) return std::move(*mp);
    return {};
}

namespace {

// Squared Euclidean distance transform of one line (Felzenszwalb & Huttenlocher): f holds 0 on
// burnt cells and "infinity" elsewhere; d receives min over q of (p - q)^2 + f[q].
void distance_transform_1d(const float* f, float* d, int n, std::vector<int>& v, std::vector<float>& z) {
    constexpr float kInf = std::numeric_limits<float>::max();
    v.assign(static_cast<std::size_t>(n), 0);
    z.assign(static_cast<std::size_t>(n) + 1, 0.0f);
    int k = -1;
    for (int q = 0; q < n; ++q) {
        if (f[q] >= kInf) continue;
        float s = 0.0f;
        while (k >= 0) {
            const int r = v[static_cast<std::size_t>(k)];
            s = ((f[q] + static_cast<float>(q) * q) - (f[r] + static_cast<float>(r) * r)) / (2.0f * static_cast<float>(q - r));
            if (s > z[static_cast<std::size_t>(k)]) break;
            --k;
        }
        ++k;
        v[static_cast<std::size_t>(k)] = q;
        z[static_cast<std::size_t>(k)] = k == 0 ? -kInf : s;
        z[static_cast<std::size_t>(k) + 1] = kInf;
    }
    if (k < 0) {
        for (int q = 0; q < n; ++q) d[q] = kInf;
        return;
    }
    int j = 0;
    for (int q = 0; q < n; ++q) {
        while (z[static_cast<std::size_t>(j) + 1] < static_cast<float>(q)) ++j;
        const int r = v[static_cast<std::size_t>(j)];
        d[q] = static_cast<float>(q - r) * static_cast<float>(q - r) + f[r];
    }
}

struct GdalDatasetCloser {
    void operator()(void* ds) const { GDALClose(static_cast<GDALDatasetH>(ds)); }
};
using GdalDatasetPtr = std::unique_ptr<void, GdalDatasetCloser>;

}  // namespace

MultiPolygon raster_buffer_m(const Geometry& g, double distance_m) {
    if (!(std::isfinite(distance_m) && distance_m > 0))
        throw std::invalid_argument("raster_buffer_m: distance must be a positive finite number");
    const BBox box = bbox_of(g);
    if (box.empty()) return {};
    const LonLat centre{(box.min_lon + box.max_lon) / 2, (box.min_lat + box.max_lat) / 2};
    if (!is_valid(centre)) throw std::invalid_argument("raster_buffer_m: geometry is not in lon/lat");
    PjPtr aeqd = local_aeqd(centre);
    Geometry plane = g;
    transform_geometry(aeqd.get(), PJ_FWD, plane);

    // Segments (and points as zero-length segments) in metres.
    std::vector<std::pair<LonLat, LonLat>> segments;
    auto add_line = [&segments](const std::vector<LonLat>& pts) {
        if (pts.size() == 1) segments.emplace_back(pts[0], pts[0]);
        for (std::size_t i = 1; i < pts.size(); ++i) segments.emplace_back(pts[i - 1], pts[i]);
    };
    std::visit(
        [&](const auto& geom) {
            using T = std::decay_t<decltype(geom)>;
            if constexpr (std::is_same_v<T, LonLat>) add_line({geom});
            else if constexpr (std::is_same_v<T, LineString>) add_line(geom);
            else if constexpr (std::is_same_v<T, MultiPoint>) for (const auto& p : geom.points) add_line({p});
            else if constexpr (std::is_same_v<T, MultiLineString>) for (const auto& l : geom.lines) add_line(l);
            else if constexpr (std::is_same_v<T, Polygon>) for (const auto& r : geom.rings) add_line(r);
            else if constexpr (std::is_same_v<T, MultiPolygon>)
                for (const auto& poly : geom.polygons) for (const auto& r : poly.rings) add_line(r);
        },
        plane);
    if (segments.empty()) return {};
    double min_x = std::numeric_limits<double>::max(), min_y = min_x, max_x = -min_x, max_y = -min_x;
    for (const auto& [a, b] : segments)
        for (const LonLat& p : {a, b}) {
            min_x = std::min(min_x, p.lon), max_x = std::max(max_x, p.lon);
            min_y = std::min(min_y, p.lat), max_y = std::max(max_y, p.lat);
        }

    constexpr double kMaxCells = 2000.0;
    const double span = std::max(max_x - min_x, max_y - min_y) + 2 * distance_m;
    const double cell = std::max(distance_m / 6.0, span / kMaxCells);
    const int margin = static_cast<int>(std::ceil(distance_m / cell)) + 2;
    const int width = static_cast<int>(std::ceil((max_x - min_x) / cell)) + 2 * margin + 1;
    const int height = static_cast<int>(std::ceil((max_y - min_y) / cell)) + 2 * margin + 1;
    const double origin_x = min_x - margin * cell, top_y = max_y + margin * cell;

    // Burn: every segment walked in steps of a third of a cell.
    constexpr float kInf = std::numeric_limits<float>::max();
    const auto w = static_cast<std::size_t>(width), h = static_cast<std::size_t>(height);
    std::vector<float> f(w * h, kInf);
    for (const auto& [a, b] : segments) {
        const double len = std::hypot(b.lon - a.lon, b.lat - a.lat);
        const int steps = static_cast<int>(std::ceil(len / (cell / 3.0)));
        for (int i = 0; i <= steps; ++i) {
            const double t = steps == 0 ? 0.0 : static_cast<double>(i) / steps;
            const auto cx = static_cast<std::size_t>((a.lon + t * (b.lon - a.lon) - origin_x) / cell);
            const auto cy = static_cast<std::size_t>((top_y - (a.lat + t * (b.lat - a.lat))) / cell);
            if (cx < w && cy < h) f[cy * w + cx] = 0.0f;
        }
    }
    // Dilate: squared distance in cells, by columns then rows.
    std::vector<float> d(w * h), col_in(h), col_out(h), z;
    std::vector<int> v;
    for (std::size_t x = 0; x < w; ++x) {
        for (std::size_t y = 0; y < h; ++y) col_in[y] = f[y * w + x];
        distance_transform_1d(col_in.data(), col_out.data(), height, v, z);
        for (std::size_t y = 0; y < h; ++y) d[y * w + x] = col_out[y];
    }
    std::vector<float> row(w);
    std::vector<GByte> inside(w * h);
    const double radius_cells = distance_m / cell;
    const auto limit = static_cast<float>(radius_cells * radius_cells);
    for (std::size_t y = 0; y < h; ++y) {
        distance_transform_1d(&d[y * w], row.data(), width, v, z);
        for (std::size_t x = 0; x < w; ++x) inside[y * w + x] = row[x] <= limit ? 1 : 0;
    }

    // Trace the cells to polygons through GDAL (in-memory raster and vector datasets).
    ensure_gdal_registered();
    GDALDriverH raster_driver = GDALGetDriverByName("MEM");
    GDALDriverH vector_driver = GDALGetDriverByName("Memory");
    if (!raster_driver || !vector_driver) throw GeometryError("GDAL's MEM/Memory drivers are not available");
    GdalDatasetPtr raster(GDALCreate(raster_driver, "", width, height, 1, GDT_Byte, nullptr));
    GdalDatasetPtr vector(GDALCreate(vector_driver, "", 0, 0, 0, GDT_Unknown, nullptr));
    if (!raster || !vector) throw GeometryError("cannot create the in-memory datasets of raster_buffer_m");
    double transform[6] = {origin_x, cell, 0.0, top_y, 0.0, -cell};
    GDALSetGeoTransform(raster.get(), transform);
    GDALRasterBandH band = GDALGetRasterBand(raster.get(), 1);
    if (GDALRasterIO(band, GF_Write, 0, 0, width, height, inside.data(), width, height, GDT_Byte, 0, 0) != CE_None)
        throw GeometryError("cannot write the raster of raster_buffer_m");
    OGRLayerH layer = GDALDatasetCreateLayer(vector.get(), "area", nullptr, wkbPolygon, nullptr);
    OGRFieldDefnH field = OGR_Fld_Create("inside", OFTInteger);
    OGR_L_CreateField(layer, field, TRUE);
    OGR_Fld_Destroy(field);
    if (GDALPolygonize(band, band, layer, 0, nullptr, nullptr, nullptr) != CE_None)
        throw GeometryError("GDAL could not trace the buffer's cells");

    std::vector<GeosPtr> parts;
    GEOSWKBReader* reader = GEOSWKBReader_create_r(gh());
    OGR_L_ResetReading(layer);
    for (OGRFeatureH feat; (feat = OGR_L_GetNextFeature(layer)) != nullptr; OGR_F_Destroy(feat)) {
        OGRGeometryH geom = OGR_F_GetGeometryRef(feat);
        if (!geom) continue;
        std::vector<unsigned char> wkb(static_cast<std::size_t>(OGR_G_WkbSize(geom)));
        OGR_G_ExportToWkb(geom, wkbNDR, wkb.data());
        if (GEOSGeometry* part = GEOSWKBReader_read_r(gh(), reader, wkb.data(), wkb.size()))
            parts.emplace_back(part);
    }
    GEOSWKBReader_destroy_r(gh(), reader);
    if (parts.empty()) return {};
    GeosPtr all = checked(make_collection(GEOS_MULTIPOLYGON, parts), "collecting the traced cells failed");
    // Cell staircases smoothed; polygonized cells never overlap, so the collection needs no union.
    GeosPtr smooth = checked(GEOSTopologyPreserveSimplify_r(gh(), all.get(), cell * 0.5), "simplify failed");
    if (GEOSisValid_r(gh(), smooth.get()) != 1) smooth = make_valid_geos(smooth.get());
    Geometry result = polygons_of(smooth.get());
    transform_geometry(aeqd.get(), PJ_INV, result);
    rewind_rfc7946(result);
    if (auto* p = std::get_if<Polygon>(&result)) return MultiPolygon{{std::move(*p)}};
    if (auto* mp = std::get_if<MultiPolygon>(&result)) return std::move(*mp);
    return {};
}

bool intersects(const Geometry& a, const Geometry& b) {
    if (!bbox_of(a).intersects(bbox_of(b))) return false;
    GeosPtr ga = valid_geos(a), gb = valid_geos(b);
    const char r = GEOSIntersects_r(gh(), ga.get(), gb.get());
    if (r == 2) geos_fail("intersects failed");
    return r == 1;
}

bool contains(const Geometry& container, const LonLat& p) {
    if (!bbox_of(container).contains(p)) return false;
    if (const auto* poly = std::get_if<Polygon>(&container)) return polygon_covers(*poly, p);
    if (const auto* mp = std::get_if<MultiPolygon>(&container))
        return std::any_of(mp->polygons.begin(), mp->polygons.end(),
                           [&p](const Polygon& poly) { return polygon_covers(poly, p); });
    if (std::holds_alternative<std::monostate>(container)) return false;
    GeosPtr gc = valid_geos(container);
    GeosPtr gp(make_point(p));
    const char r = GEOSIntersects_r(gh(), gc.get(), gp.get());
    if (r == 2) geos_fail("contains failed");
    return r == 1;
}

MultiPolygon union_all(const std::vector<Geometry>& parts) {
    std::vector<GeosPtr> polys;
    for (const auto& part : parts) {
        if (!is_polygonal(part)) continue;  // points and lines have no area to add
        polys.push_back(valid_geos(part));
    }
    if (polys.empty()) return {};
    GeosPtr collection(make_collection(GEOS_GEOMETRYCOLLECTION, polys));
    GeosPtr u = checked(GEOSUnaryUnion_r(gh(), collection.get()), "union failed");
    Geometry out = polygons_of(u.get());
    rewind_rfc7946(out);
    return std::get<MultiPolygon>(std::move(out));
}

double length_inside_m(const LineString& line, const Geometry& area) {
    if (line.size() < 2 || !is_polygonal(area)) return 0.0;
    if (!bbox_of(line).intersects(bbox_of(area))) return 0.0;
    GeosPtr gl = to_geos(line), ga = valid_geos(area);
    GeosPtr inside = checked(GEOSIntersection_r(gh(), gl.get(), ga.get()), "intersection failed");
    Parts parts;
    collect(inside.get(), parts);
    double total = 0.0;
    for (const auto& l : parts.lines) total += geodesic_length_m(l);
    return total;
}

double distance_m(const LonLat& p, const Geometry& g) {
    double best = std::numeric_limits<double>::infinity();
    auto consider_line = [&](const std::vector<LonLat>& l) {
        if (!l.empty()) best = std::min(best, project_onto_line(p, l).distance_m);
    };
    std::visit(
        [&](const auto& geom) {
            using T = std::decay_t<decltype(geom)>;
            if constexpr (std::is_same_v<T, LonLat>) {
                best = geodesic_distance_m(p, geom);
            } else if constexpr (std::is_same_v<T, LineString>) {
                consider_line(geom);
            } else if constexpr (std::is_same_v<T, Polygon>) {
                if (polygon_covers(geom, p)) best = 0.0;
                else
                    for (const auto& r : geom.rings) consider_line(r);
            } else if constexpr (std::is_same_v<T, MultiPoint>) {
                for (const auto& q : geom.points) best = std::min(best, geodesic_distance_m(p, q));
            } else if constexpr (std::is_same_v<T, MultiLineString>) {
                for (const auto& l : geom.lines) consider_line(l);
            } else if constexpr (std::is_same_v<T, MultiPolygon>) {
                for (const auto& poly : geom.polygons) {
                    if (polygon_covers(poly, p)) {
                        best = 0.0;
                        return;
                    }
                }
                for (const auto& poly : geom.polygons)
                    for (const auto& r : poly.rings) consider_line(r);
            }
        },
        g);
    return best;
}

}  // namespace aras::geo
