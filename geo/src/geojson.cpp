// RFC 7946 GeoJSON: the writer every output goes through and the strict reader for request bodies.
#include "aras/geo/geojson.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>

namespace aras::geo {

namespace {

using json = nlohmann::json;

// Limits that keep a hostile request body from exhausting the stack or memory.
constexpr std::size_t kMaxTextBytes = 512u * 1024u * 1024u;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxPositions = 20'000'000;

// Rounds to `precision` decimals. The result is the double nearest to a decimal with at most
// that many decimals, so nlohmann's shortest round-trip printing shows no trailing noise.
double round_coordinate(double v, int precision) {
    static constexpr std::array<double, 16> kScale = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (precision < 0) precision = 0;
    if (precision > 15) return v;
    const double s = kScale[static_cast<std::size_t>(precision)];
    double r = std::round(v * s) / s;
    if (r == 0.0) r = 0.0;  // no "-0.0"
    return r;
}

// Twice the signed planar area in lon/lat; positive for counter-clockwise rings.
double signed_area2(const Ring& ring) {
    double a = 0.0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        a += ring[i].lon * ring[i + 1].lat - ring[i + 1].lon * ring[i].lat;
    return a;
}

void orient(Ring& ring, bool ccw) {
    const double a = signed_area2(ring);
    if ((ccw && a < 0.0) || (!ccw && a > 0.0)) std::reverse(ring.begin(), ring.end());
}

void rewind_polygon(Polygon& p) {
    for (std::size_t i = 0; i < p.rings.size(); ++i) orient(p.rings[i], i == 0);
}

json position_json(const LonLat& p, int precision) {
    return json::array({round_coordinate(p.lon, precision), round_coordinate(p.lat, precision)});
}

json positions_json(const std::vector<LonLat>& pts, int precision) {
    json a = json::array();
    a.get_ref<json::array_t&>().reserve(pts.size());
    for (const auto& p : pts) a.push_back(position_json(p, precision));
    return a;
}

json ring_json(const Ring& ring, bool ccw, int precision) {
    const double a = signed_area2(ring);
    if ((ccw && a < 0.0) || (!ccw && a > 0.0)) {
        Ring r(ring.rbegin(), ring.rend());
        return positions_json(r, precision);
    }
    return positions_json(ring, precision);
}

json polygon_json(const Polygon& p, int precision) {
    json rings = json::array();
    for (std::size_t i = 0; i < p.rings.size(); ++i) rings.push_back(ring_json(p.rings[i], i == 0, precision));
    return rings;
}

// ---------------------------------------------------------------------------------------------
// Reader

class Reader {
public:
    Geometry geometry(const json& j, const std::string& where) {
        if (j.is_null()) return std::monostate{};
        if (!j.is_object()) throw GeoJsonError(where, "a geometry must be an object or null");
        const std::string type = type_of(j, where);
        if (type == "GeometryCollection")
            throw GeoJsonError(where + "/type", "GeometryCollection is not supported");
        auto it = j.find("coordinates");
        if (it == j.end()) throw GeoJsonError(where, type + " without \"coordinates\"");
        const std::string cw = where + "/coordinates";
        const json& c = *it;
        if (type == "Point") return position(c, cw);
        if (type == "LineString") return line(c, cw);
        if (type == "Polygon") return polygon(c, cw);
        if (type == "MultiPoint") {
            require_array(c, cw);
            MultiPoint mp;
            for (std::size_t i = 0; i < c.size(); ++i) mp.points.push_back(position(c[i], cw + "/" + std::to_string(i)));
            return mp;
        }
        if (type == "MultiLineString") {
            require_array(c, cw);
            MultiLineString ml;
            for (std::size_t i = 0; i < c.size(); ++i) ml.lines.push_back(line(c[i], cw + "/" + std::to_string(i)));
            return ml;
        }
        if (type == "MultiPolygon") {
            require_array(c, cw);
            MultiPolygon mp;
            for (std::size_t i = 0; i < c.size(); ++i) mp.polygons.push_back(polygon(c[i], cw + "/" + std::to_string(i)));
            return mp;
        }
        throw GeoJsonError(where + "/type", "unknown geometry type \"" + type + "\"");
    }

    Feature feature(const json& j, const std::string& where) {
        if (!j.is_object()) throw GeoJsonError(where, "a feature must be an object");
        if (type_of(j, where) != "Feature") throw GeoJsonError(where + "/type", "expected \"Feature\"");
        Feature f;
        auto g = j.find("geometry");
        if (g == j.end()) throw GeoJsonError(where, "Feature without \"geometry\" (use null for none)");
        f.geometry = geometry(*g, where + "/geometry");
        if (auto p = j.find("properties"); p != j.end() && !p->is_null()) {
            if (!p->is_object()) throw GeoJsonError(where + "/properties", "properties must be an object or null");
            f.properties = *p;
        }
        if (auto id = j.find("id"); id != j.end()) {
            if (!id->is_string() && !id->is_number()) throw GeoJsonError(where + "/id", "id must be a string or a number");
            f.id = *id;
        }
        return f;
    }

    static std::string type_of(const json& j, const std::string& where) {
        auto t = j.find("type");
        if (t == j.end()) throw GeoJsonError(where, "missing \"type\"");
        if (!t->is_string()) throw GeoJsonError(where + "/type", "\"type\" must be a string");
        return t->get<std::string>();
    }

private:
    static void require_array(const json& j, const std::string& where) {
        if (!j.is_array()) throw GeoJsonError(where, "expected an array");
    }

    LonLat position(const json& j, const std::string& where) {
        if (!j.is_array() || j.size() < 2) throw GeoJsonError(where, "a position must be an array of at least 2 numbers");
        if (++positions_ > kMaxPositions) throw GeoJsonError(where, "too many positions");
        for (std::size_t i = 0; i < j.size() && i < 3; ++i)
            if (!j[i].is_number()) throw GeoJsonError(where + "/" + std::to_string(i), "coordinate is not a number");
        LonLat p{j[0].get<double>(), j[1].get<double>()};
        if (!std::isfinite(p.lon) || p.lon < -180.0 || p.lon > 180.0)
            throw GeoJsonError(where + "/0", "longitude out of range [-180, 180]");
        if (!std::isfinite(p.lat) || p.lat < -90.0 || p.lat > 90.0)
            throw GeoJsonError(where + "/1", "latitude out of range [-90, 90]");
        return p;
    }

    LineString line(const json& j, const std::string& where) {
        require_array(j, where);
        if (j.size() < 2) throw GeoJsonError(where, "a LineString needs at least 2 positions");
        LineString l;
        l.reserve(j.size());
        for (std::size_t i = 0; i < j.size(); ++i) l.push_back(position(j[i], where + "/" + std::to_string(i)));
        return l;
    }

    Polygon polygon(const json& j, const std::string& where) {
        require_array(j, where);
        Polygon p;
        for (std::size_t r = 0; r < j.size(); ++r) {
            const std::string rw = where + "/" + std::to_string(r);
            const json& rj = j[r];
            require_array(rj, rw);
            if (rj.size() < 4) throw GeoJsonError(rw, "a linear ring needs at least 4 positions");
            Ring ring;
            ring.reserve(rj.size());
            for (std::size_t i = 0; i < rj.size(); ++i) ring.push_back(position(rj[i], rw + "/" + std::to_string(i)));
            if (!(ring.front() == ring.back())) throw GeoJsonError(rw, "linear ring is not closed");
            p.rings.push_back(std::move(ring));
        }
        rewind_polygon(p);
        return p;
    }

    std::size_t positions_ = 0;
};

json parse_json_text(std::string_view text) {
    if (text.size() > kMaxTextBytes) throw GeoJsonError("", "GeoJSON document too large");
    json::parser_callback_t limit_depth = [](int depth, json::parse_event_t, json&) {
        if (depth > kMaxDepth) throw GeoJsonError("", "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), limit_depth);
    } catch (const json::exception& e) {
        throw GeoJsonError("", std::string("not valid JSON: ") + e.what());
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Writer

nlohmann::json geometry_to_json(const Geometry& g, const GeoJsonOptions& options) {
    const int prec = options.precision;
    return std::visit(
        [prec](const auto& geom) -> json {
            using T = std::decay_t<decltype(geom)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return nullptr;
            } else if constexpr (std::is_same_v<T, LonLat>) {
                return {{"type", "Point"}, {"coordinates", position_json(geom, prec)}};
            } else if constexpr (std::is_same_v<T, LineString>) {
                return {{"type", "LineString"}, {"coordinates", positions_json(geom, prec)}};
            } else if constexpr (std::is_same_v<T, Polygon>) {
                return {{"type", "Polygon"}, {"coordinates", polygon_json(geom, prec)}};
            } else if constexpr (std::is_same_v<T, MultiPoint>) {
                return {{"type", "MultiPoint"}, {"coordinates", positions_json(geom.points, prec)}};
            } else if constexpr (std::is_same_v<T, MultiLineString>) {
                json lines = json::array();
                for (const auto& l : geom.lines) lines.push_back(positions_json(l, prec));
                return {{"type", "MultiLineString"}, {"coordinates", std::move(lines)}};
            } else {
                json polys = json::array();
                for (const auto& p : geom.polygons) polys.push_back(polygon_json(p, prec));
                return {{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}};
            }
        },
        g);
}

nlohmann::json feature_to_json(const Feature& f, const GeoJsonOptions& options) {
    json j = {{"type", "Feature"}};
    if (!f.id.is_null()) j["id"] = f.id;
    j["geometry"] = geometry_to_json(f.geometry, options);
    j["properties"] = f.properties.is_null() ? json::object() : f.properties;
    return j;
}

namespace {

// The string writer behind to_geojson. It prints coordinates itself because nlohmann's Grisu2
// printer sometimes emits 17 significant digits ("-54.079345000000004") for an already rounded
// value; std::to_chars in fixed notation is exact.
class Writer {
public:
    explicit Writer(int precision) : precision_(std::clamp(precision, 0, 15)) {}

    void feature(const Feature& f) {
        out_ += R"({"type":"Feature",)";
        if (!f.id.is_null()) {
            out_ += R"("id":)";
            value(f.id);
            out_ += ',';
        }
        out_ += R"("geometry":)";
        geometry(f.geometry);
        out_ += R"(,"properties":)";
        if (f.properties.is_null()) out_ += "{}";
        else value(f.properties);
        out_ += '}';
    }

    void feature_collection(const FeatureCollection& fc) {
        out_ += R"({"type":"FeatureCollection","features":[)";
        for (std::size_t i = 0; i < fc.features.size(); ++i) {
            if (i) out_ += ',';
            feature(fc.features[i]);
        }
        out_ += ']';
        if (fc.foreign_members.is_object()) {
            for (const auto& [key, v] : fc.foreign_members.items()) {
                if (key == "type" || key == "features" || key == "crs") continue;  // never clobber the structure
                out_ += ',';
                value(json(key));
                out_ += ':';
                value(v);
            }
        }
        out_ += '}';
    }

    void geometry(const Geometry& g) {
        std::visit(
            [this](const auto& geom) {
                using T = std::decay_t<decltype(geom)>;
                if constexpr (std::is_same_v<T, std::monostate>) {
                    out_ += "null";
                } else if constexpr (std::is_same_v<T, LonLat>) {
                    out_ += R"({"type":"Point","coordinates":)";
                    position(geom);
                    out_ += '}';
                } else if constexpr (std::is_same_v<T, LineString>) {
                    out_ += R"({"type":"LineString","coordinates":)";
                    positions(geom);
                    out_ += '}';
                } else if constexpr (std::is_same_v<T, Polygon>) {
                    out_ += R"({"type":"Polygon","coordinates":)";
                    polygon(geom);
                    out_ += '}';
                } else if constexpr (std::is_same_v<T, MultiPoint>) {
                    out_ += R"({"type":"MultiPoint","coordinates":)";
                    positions(geom.points);
                    out_ += '}';
                } else if constexpr (std::is_same_v<T, MultiLineString>) {
                    out_ += R"({"type":"MultiLineString","coordinates":[)";
                    for (std::size_t i = 0; i < geom.lines.size(); ++i) {
                        if (i) out_ += ',';
                        positions(geom.lines[i]);
                    }
                    out_ += "]}";
                } else {
                    out_ += R"({"type":"MultiPolygon","coordinates":[)";
                    for (std::size_t i = 0; i < geom.polygons.size(); ++i) {
                        if (i) out_ += ',';
                        polygon(geom.polygons[i]);
                    }
                    out_ += "]}";
                }
            },
            g);
    }

    std::string take() { return std::move(out_); }

private:
    void value(const json& j) {
        // ensure_ascii=false keeps Persian/Hebrew/Russian names readable; bad UTF-8 is replaced, not thrown.
        out_ += j.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    void number(double v) {
        v = round_coordinate(v, precision_);
        if (!std::isfinite(v)) {  // not representable in JSON
            out_ += "null";
            return;
        }
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, precision_);
        if (ec != std::errc()) {
            out_ += json(v).dump();
            return;
        }
        char* last = end;
        if (std::find(buf, end, '.') != end) {
            while (last[-1] == '0') --last;
            if (last[-1] == '.') --last;
        }
        out_.append(buf, last);
    }

    void position(const LonLat& p) {
        out_ += '[';
        number(p.lon);
        out_ += ',';
        number(p.lat);
        out_ += ']';
    }

    void positions(const std::vector<LonLat>& pts) {
        out_ += '[';
        for (std::size_t i = 0; i < pts.size(); ++i) {
            if (i) out_ += ',';
            position(pts[i]);
        }
        out_ += ']';
    }

    void ring(const Ring& r, bool ccw) {
        const double a = signed_area2(r);
        if ((ccw && a < 0.0) || (!ccw && a > 0.0)) positions(Ring(r.rbegin(), r.rend()));
        else positions(r);
    }

    void polygon(const Polygon& p) {
        out_ += '[';
        for (std::size_t i = 0; i < p.rings.size(); ++i) {
            if (i) out_ += ',';
            ring(p.rings[i], i == 0);
        }
        out_ += ']';
    }

    int precision_;
    std::string out_;
};

}  // namespace

std::string to_geojson(const FeatureCollection& fc, const GeoJsonOptions& options) {
    Writer w(options.precision);
    w.feature_collection(fc);
    return w.take();
}

std::string to_geojson(const Feature& f, const GeoJsonOptions& options) {
    Writer w(options.precision);
    w.feature(f);
    return w.take();
}

FeatureCollection parse_geojson(std::string_view text) {
    const json root = parse_json_text(text);
    if (!root.is_object()) throw GeoJsonError("", "GeoJSON must be an object");
    Reader reader;
    const std::string type = Reader::type_of(root, "");
    FeatureCollection fc;
    if (type == "FeatureCollection") {
        auto it = root.find("features");
        if (it == root.end()) throw GeoJsonError("", "FeatureCollection without \"features\"");
        if (!it->is_array()) throw GeoJsonError("/features", "\"features\" must be an array");
        fc.features.reserve(it->size());
        for (std::size_t i = 0; i < it->size(); ++i)
            fc.features.push_back(reader.feature((*it)[i], "/features/" + std::to_string(i)));
        for (const auto& [key, value] : root.items())
            if (key != "type" && key != "features") fc.foreign_members[key] = value;
    } else if (type == "Feature") {
        fc.features.push_back(reader.feature(root, ""));
    } else {
        Feature f;
        f.geometry = reader.geometry(root, "");
        fc.features.push_back(std::move(f));
    }
    return fc;
}

Geometry parse_geometry(const nlohmann::json& j, const std::string& where) {
    Reader reader;
    return reader.geometry(j, where);
}

void rewind_rfc7946(Geometry& g) {
    if (auto* p = std::get_if<Polygon>(&g)) {
        rewind_polygon(*p);
    } else if (auto* mp = std::get_if<MultiPolygon>(&g)) {
        for (auto& poly : mp->polygons) rewind_polygon(poly);
    }
}

}  // namespace aras::geo
