// Loading the gazetteer built by tools/gazetteer/ and answering forward and reverse geocoding queries.
#include <algorithm>
#include <filesystem>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include <zlib.h>

#include <nlohmann/json.hpp>

#include "aras/geo/geojson.hpp"
#include "gazetteer_index.hpp"
#include "text_normalize.hpp"

namespace aras::geo {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kCellDeg = 0.25;  // reverse-geocoding grid cell

double haversine_m(const LonLat& a, const LonLat& b) {
    const double r = 6371008.8;
    const double p1 = a.lat * kPi / 180.0, p2 = b.lat * kPi / 180.0;
    const double dp = p2 - p1, dl = (b.lon - a.lon) * kPi / 180.0;
    const double h = std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    return 2 * r * std::asin(std::min(1.0, std::sqrt(h)));
}

std::int64_t cell_of(double lon, double lat) {
    const auto x = static_cast<std::int64_t>(std::floor((lon + 180.0) / kCellDeg));
    const auto y = static_cast<std::int64_t>(std::floor((lat + 90.0) / kCellDeg));
    return y * 10000 + x;
}

bool populated(const std::string& kind) { return kind == "city" || kind == "town" || kind == "village"; }

std::string read_gzip(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw GazetteerError("gazetteer: cannot open " + path + " (run tools/gazetteer/build_gazetteer.py)");
    gzbuffer(f, 1 << 20);
    std::string out;
    // gzip's trailer holds the uncompressed size modulo 2^32: reserve it to avoid regrowing copies.
    if (std::ifstream raw(path, std::ios::binary | std::ios::ate); raw) {
        const auto size = static_cast<std::streamoff>(raw.tellg());
        if (size >= 4) {
            raw.seekg(size - 4);
            unsigned char b[4] = {0, 0, 0, 0};
            raw.read(reinterpret_cast<char*>(b), 4);
            const std::uint32_t isize = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
            if (isize < (1u << 30)) out.reserve(isize + 1);
        }
    }
    std::vector<char> buf(1 << 20);
    for (;;) {
        const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
        if (n < 0) {
            gzclose(f);
            throw GazetteerError("gazetteer: " + path + " is damaged (gzip error)");
        }
        if (n == 0) break;
        out.append(buf.data(), static_cast<std::size_t>(n));
    }
    gzclose(f);
    return out;
}

bool ring_contains(const std::vector<LonLat>& ring, const LonLat& p) {
    bool inside = false;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const auto& a = ring[i];
        const auto& b = ring[j];
        if ((a.lat > p.lat) != (b.lat > p.lat) &&
            p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
            inside = !inside;
    }
    return inside;
}

bool area_contains(const AdminArea& area, const LonLat& p) {
    if (!area.bbox.contains(p)) return false;
    for (const auto& poly : area.polygons) {
        if (poly.empty() || !ring_contains(poly[0], p)) continue;
        bool in_hole = false;
        for (std::size_t h = 1; h < poly.size(); ++h)
            if (ring_contains(poly[h], p)) in_hole = true;
        if (!in_hole) return true;
    }
    return false;
}

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

std::vector<std::string> hebrew_prefix_remainders(std::string_view folded_word) {
    // Each Hebrew letter is two bytes in UTF-8 (U+05D0..U+05EA).
    static const std::u32string prefixes = U"בלמוהשכ";
    std::vector<std::string> out;
    std::size_t i = 0;
    for (int k = 0; k < 3 && i + 2 <= folded_word.size(); ++k) {
        std::size_t j = i;
        const char32_t c = text::decode_utf8(folded_word, j);
        if (prefixes.find(c) == std::u32string::npos) break;
        i = j;
        const std::string_view rest = folded_word.substr(i);
        if (text::count_code_points(rest) < 3) break;
        out.emplace_back(rest);
    }
    return out;
}

std::shared_ptr<const Gazetteer> Gazetteer::load(const std::string& data_dir) {
    return std::make_shared<const GazetteerIndex>(data_dir);
}

GazetteerIndex::GazetteerIndex(const std::string& data_dir) {
    load_places(data_dir + "/gazetteer/places.tsv.gz");
    load_admin_areas(data_dir + "/gazetteer/admin_areas.geojson");
}

std::string_view GazetteerIndex::store_key(std::string_view key) {
    constexpr std::size_t kChunk = 4u << 20;
    if (key_arena_.empty() || key_arena_.back()->size() + key.size() > key_arena_.back()->capacity()) {
        key_arena_.push_back(std::make_unique<std::string>());
        key_arena_.back()->reserve(std::max(kChunk, key.size()));
    }
    std::string& chunk = *key_arena_.back();
    const std::size_t at = chunk.size();
    chunk.append(key);  // never reallocates: capacity checked above
    return std::string_view(chunk.data() + at, key.size());
}

void GazetteerIndex::load_places(const std::string& path) {
    text_ = read_gzip(path);
    const std::string_view text(text_);
    // Languages kept in Place::names (all variants stay matchable).
    static const std::unordered_set<std::string_view> kNamed = {"en", "he", "fa", "ru", "az", "tr", "hy",
                                                                "ka", "ar", "ku", "azb", "uk", "de", "fr"};
    places_.reserve(300000);
    variants_.reserve(1200000);
    next_.reserve(1200000);
    index_.reserve(1200000);
    std::size_t pos = 0;
    std::size_t line_no = 0;
    std::vector<std::string_view> cols;
    std::string key;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.empty() || line[0] == '#') continue;
        cols.clear();
        for (std::size_t s = 0;;) {
            const std::size_t t = line.find('\t', s);
            cols.push_back(line.substr(s, t == std::string_view::npos ? std::string_view::npos : t - s));
            if (t == std::string_view::npos) break;
            s = t + 1;
        }
        if (cols.size() < 10)
            throw GazetteerError("gazetteer: " + path + " line " + std::to_string(line_no) + " is damaged");
        Place p;
        p.id = static_cast<std::uint32_t>(places_.size());
        p.source = std::string(cols[0]);
        p.kind = std::string(cols[1]);
        p.country = std::string(cols[2]);
        try {
            p.population = std::stoll(std::string(cols[3]));
            p.location = LonLat{std::stod(std::string(cols[4])), std::stod(std::string(cols[5]))};
            capital_.push_back(std::stoi(std::string(cols[6])));
        } catch (const std::exception&) {
            throw GazetteerError("gazetteer: " + path + " line " + std::to_string(line_no) + " has bad numbers");
        }
        p.province = std::string(cols[7]);
        p.crossing_id = std::string(cols[8]);
        p.name = std::string(cols[9]);
        const bool curated_place = p.source.rfind("curated:", 0) == 0;
        for (std::size_t c = 10; c < cols.size(); ++c) {
            const std::size_t colon = cols[c].find(':');
            if (colon == std::string_view::npos) continue;
            NameVariant v;
            v.lang = cols[c].substr(0, colon);
            v.name = cols[c].substr(colon + 1);
            v.place = p.id;
            v.curated = curated_place;
            if (v.lang == "curated") {
                v.lang = {};
                v.curated = true;
            } else if (!v.lang.empty() && kNamed.count(v.lang) && !p.names.count(std::string(v.lang))) {
                p.names.emplace(std::string(v.lang), std::string(v.name));
                v.preferred = true;
            }
            if (v.name == p.name) v.preferred = true;
            text::fold_key_into(v.name, key);
            if (key.empty()) continue;
            const auto vid = static_cast<std::uint32_t>(variants_.size());
            // Store the key first so that one hash lookup both finds and inserts; roll it back if known.
            const std::string_view stored = store_key(key);
            auto [it, inserted] = index_.try_emplace(stored, vid);
            if (inserted) {
                next_.push_back(kNone);
            } else {
                key_arena_.back()->resize(key_arena_.back()->size() - stored.size());
                const NameVariant& head = variants_[it->second];
                if (head.place == p.id && head.curated >= v.curated && head.preferred >= v.preferred)
                    continue;  // same place, same key: the earlier variant is as good
                next_.push_back(it->second);
                it->second = vid;
            }
            variants_.push_back(v);
        }
        if (!p.names.count("en")) p.names.emplace("en", p.name);
        if (p.kind == "country") country_places_.emplace(p.country, p.id);
        if (populated(p.kind)) grid_[cell_of(p.location.lon, p.location.lat)].push_back(p.id);
        places_.push_back(std::move(p));
    }
    if (places_.empty()) throw GazetteerError("gazetteer: " + path + " holds no places");
    for (const auto& [k, head] : index_) {
        if (!is_ascii(k) || k.size() < 4 || k.size() > 40) continue;
        if (ascii_keys_by_length_.size() <= k.size()) ascii_keys_by_length_.resize(k.size() + 1);
        ascii_keys_by_length_[k.size()].push_back(k);
    }
}

void GazetteerIndex::load_admin_areas(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return;  // reverse geocoding then falls back to the nearest place's country
    std::stringstream ss;
    ss << in.rdbuf();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(ss.str());
    } catch (const std::exception& e) {
        throw GazetteerError("gazetteer: " + path + " is damaged: " + e.what());
    }
    for (const auto& f : j.value("features", nlohmann::json::array())) {
        AdminArea a;
        const auto& props = f.at("properties");
        a.kind = props.value("kind", "");
        a.iso2 = props.value("iso2", "");
        a.name = props.value("name", "");
        const auto& g = f.at("geometry");
        const std::string type = g.value("type", "");
        auto read_poly = [&a](const nlohmann::json& rings) {
            std::vector<std::vector<LonLat>> poly;
            for (const auto& r : rings) {
                std::vector<LonLat> ring;
                for (const auto& c : r) {
                    ring.push_back(LonLat{c.at(0).get<double>(), c.at(1).get<double>()});
                    a.bbox.extend(ring.back());
                }
                if (ring.size() >= 4) poly.push_back(std::move(ring));
            }
            if (!poly.empty()) a.polygons.push_back(std::move(poly));
        };
        if (type == "Polygon") {
            read_poly(g.at("coordinates"));
        } else if (type == "MultiPolygon") {
            for (const auto& p : g.at("coordinates")) read_poly(p);
        }
        admin_.push_back(std::move(a));
    }
}

double GazetteerIndex::importance(const Place& p) const {
    const std::string& k = p.kind;
    if (k == "country") return 1.0;
    if (k == "region") return 0.75;
    if (k == "corridor" || k == "river" || k == "bridge") return 0.72;
    if (k == "crossing" || k == "customs") return 0.68;
    if (k == "county") return 0.4;
    double v = 0.3 + 0.08 * std::log10(static_cast<double>(std::max<std::int64_t>(p.population, 0)) + 1.0);
    const int cap = capital_[p.id];
    if (cap == 2) v += 0.1;
    if (cap == 1) v += 0.04;
    const auto& l = p.location;
    if (l.lon >= 38.0 && l.lon <= 58.0 && l.lat >= 33.0 && l.lat <= 45.0) v += 0.05;  // the mission's region
    return std::min(1.0, v);
}

std::string GazetteerIndex::country_name(const std::string& iso2) const {
    const auto it = country_places_.find(iso2);
    return it == country_places_.end() ? iso2 : places_[it->second].name;
}

void GazetteerIndex::add_match(std::vector<GeocodeMatch>& out, std::uint32_t variant_id, const std::string& query_fold,
                               double quality_override) const {
    const NameVariant& v = variants_[variant_id];
    GeocodeMatch m;
    m.place = &places_[v.place];
    m.matched = std::string(v.name);
    double quality;
    if (quality_override > 0) {
        quality = quality_override;
        m.match_type = quality_override >= 0.8 ? "folded" : "fuzzy";
    } else if (text::case_fold(v.name) == query_fold) {
        quality = 1.0;
        m.match_type = "exact";
    } else {
        quality = 0.9;
        m.match_type = "folded";
    }
    if (v.curated) quality += 0.15;
    else if (!v.preferred) quality -= 0.05;
    m.score = quality;  // combined with importance and proximity by geocode()
    out.push_back(std::move(m));
}

std::vector<GeocodeMatch> GazetteerIndex::geocode(const GeocodeQuery& query) const {
    const std::string key = text::fold_key(query.text);
    if (key.empty() || query.limit <= 0) return {};
    const std::string query_fold = text::case_fold(query.text);
    std::vector<GeocodeMatch> raw;
    for_each_variant(key, [&](std::uint32_t id) { add_match(raw, id, query_fold, 0); });
    if (raw.empty() && key.find(' ') == std::string::npos) {
        // Hebrew prefixes: באסטארה = "in Astara".
        for (const auto& rest : hebrew_prefix_remainders(key))
            for_each_variant(rest, [&](std::uint32_t id) { add_match(raw, id, query_fold, 0.85); });
    }
    if (raw.empty() && is_ascii(key) && key.size() >= 5) {
        const int max_d = key.size() <= 8 ? 1 : 2;
        for (std::size_t len = key.size() - static_cast<std::size_t>(max_d); len <= key.size() + static_cast<std::size_t>(max_d); ++len) {
            if (len >= ascii_keys_by_length_.size()) break;
            for (const std::string_view k : ascii_keys_by_length_[len]) {
                const int d = text::bounded_edit_distance(key, k, max_d);
                if (d > max_d) continue;
                for_each_variant(k, [&](std::uint32_t id) { add_match(raw, id, query_fold, d == 1 ? 0.75 : 0.65); });
            }
        }
    }
    // One match per place, the best-scoring name; then rank.
    std::unordered_map<const Place*, GeocodeMatch> best;
    for (auto& m : raw) {
        const Place& p = *m.place;
        if (query.country && p.country != *query.country) continue;
        const double imp = importance(p);
        double s;
        if (query.near) {
            const double d_km = haversine_m(*query.near, p.location) / 1000.0;
            s = 0.5 * m.score + 0.2 * imp + 0.3 * std::exp(-d_km / 150.0);
        } else {
            s = 0.6 * m.score + 0.4 * imp;
        }
        m.score = std::clamp(s, 0.0, 1.0);
        auto it = best.find(&p);
        if (it == best.end() || it->second.score < m.score) best[&p] = std::move(m);
    }
    std::vector<GeocodeMatch> out;
    out.reserve(best.size());
    for (auto& [p, m] : best) out.push_back(std::move(m));
    std::sort(out.begin(), out.end(), [](const GeocodeMatch& a, const GeocodeMatch& b) {
        if (a.score != b.score) return a.score > b.score;
        return a.place->id < b.place->id;
    });
    if (out.size() > static_cast<std::size_t>(query.limit)) out.resize(static_cast<std::size_t>(query.limit));
    for (auto& m : out) m.score = std::round(m.score * 1000.0) / 1000.0;
    return out;
}

ReverseResult GazetteerIndex::reverse(const LonLat& position) const {
    if (!is_valid(position)) throw std::invalid_argument("reverse: position out of range");
    ReverseResult r;
    const Place* nearest = nullptr;
    double best = std::numeric_limits<double>::infinity();
    const auto cx = static_cast<std::int64_t>(std::floor((position.lon + 180.0) / kCellDeg));
    const auto cy = static_cast<std::int64_t>(std::floor((position.lat + 90.0) / kCellDeg));
    for (int radius = 0; radius <= 8 && !nearest; ++radius) {
        // Search a square of cells; one more ring after the first hit would be exact, this is close enough
        // because the hit's distance bounds the search and we scan radius+1 cells.
        for (std::int64_t dy = -radius - 1; dy <= radius + 1; ++dy)
            for (std::int64_t dx = -radius - 1; dx <= radius + 1; ++dx) {
                const auto it = grid_.find((cy + dy) * 10000 + (cx + dx));
                if (it == grid_.end()) continue;
                for (auto id : it->second) {
                    const double d = haversine_m(position, places_[id].location);
                    if (d < best) {
                        best = d;
                        nearest = &places_[id];
                    }
                }
            }
    }
    if (nearest) {
        GeocodeMatch m;
        m.place = nearest;
        m.matched = nearest->name;
        m.match_type = "nearest";
        m.score = std::round(std::exp(-best / 20000.0) * 1000.0) / 1000.0;
        r.nearest = m;
        r.distance_m = best;
    }
    for (const auto& a : admin_) {
        if (a.kind == "country" && r.country.empty() && area_contains(a, position)) r.country = a.iso2;
        if (a.kind == "province" && r.province.empty() && area_contains(a, position)) r.province = a.name;
    }
    if (admin_.empty() && nearest) r.country = nearest->country;
    if (r.province.empty() && nearest && nearest->country == r.country && !r.country.empty())
        r.province = nearest->province;  // provinces outside Iran come from Who's On First's hierarchy
    if (!r.country.empty()) r.country_name = country_name(r.country);
    return r;
}

Feature to_feature(const GeocodeMatch& match) {
    Feature f;
    if (!match.place) return f;
    const Place& p = *match.place;
    f.geometry = p.location;
    f.id = p.source;
    auto& pr = f.properties;
    pr["name"] = p.name;
    // The six mission languages and the neighbours' scripts; the full list stays in the gazetteer.
    static const std::unordered_set<std::string> shown = {"en", "he", "fa", "ru", "az", "tr", "hy", "ka", "ar"};
    nlohmann::json names = nlohmann::json::object();
    for (const auto& [lang, name] : p.names)
        if (shown.count(lang)) names[lang] = name;
    pr["names"] = std::move(names);
    pr["country"] = p.country;
    pr["kind"] = p.kind;
    pr["population"] = p.population;
    pr["score"] = match.score;
    pr["matched"] = match.matched;
    pr["match_type"] = match.match_type;
    pr["source"] = p.source;
    if (!p.province.empty()) pr["province"] = p.province;
    if (!p.crossing_id.empty()) pr["crossing_id"] = p.crossing_id;
    return f;
}

namespace {

// A TSV cell: tabs and line breaks would split the row.
std::string cell(std::string s) {
    for (auto& c : s)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return s;
}

std::string property_string(const Feature& f, const char* key) {
    auto it = f.properties.find(key);
    if (it == f.properties.end() || it->is_null()) return {};
    return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

void write_gazetteer(const Layer& places, const Layer& countries, const std::string& data_dir) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(data_dir) / "gazetteer";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw GazetteerError("gazetteer: cannot create " + dir.string() + ": " + ec.message());

    std::string tsv = "# Aras gazetteer of an imported region: OSM places (ODbL 1.0, (c) OpenStreetMap contributors)\n";
    for (const auto& f : places.features) {
        const auto* at = std::get_if<LonLat>(&f.geometry);
        const std::string name = property_string(f, "name");
        if (!at || name.empty()) continue;
        std::int64_t population = 0;
        if (auto it = f.properties.find("population"); it != f.properties.end() && it->is_number())
            population = it->get<std::int64_t>();
        std::string kind = property_string(f, "kind");
        if (kind.empty()) kind = "village";
        char position[64];
        std::snprintf(position, sizeof position, "%.6f\t%.6f", at->lon, at->lat);
        std::string osm_id = property_string(f, "osm_id");
        tsv += "osm:" + cell(osm_id.empty() ? std::to_string(&f - places.features.data()) : osm_id) + "\t" +
               cell(kind) + "\t" + cell(property_string(f, "country")) + "\t" + std::to_string(population) +
               "\t" + position + "\t0\t\t\t" + cell(name) + "\t:" + cell(name);
        // names: a JSON object (or its text) of name:<lang> values.
        nlohmann::json names = nlohmann::json::object();
        if (auto it = f.properties.find("names"); it != f.properties.end()) {
            names = it->is_string() ? nlohmann::json::parse(it->get<std::string>(), nullptr, false) : *it;
            if (!names.is_object()) names = nlohmann::json::object();
        }
        for (const auto& [lang, value] : names.items())
            if (value.is_string() && !value.get<std::string>().empty())
                tsv += "\t" + cell(lang) + ":" + cell(value.get<std::string>());
        tsv += "\n";
    }
    const std::string gz_path = (dir / "places.tsv.gz").string();
    gzFile gz = gzopen(gz_path.c_str(), "wb9");
    if (!gz) throw GazetteerError("gazetteer: cannot write " + gz_path);
    const bool ok = gzwrite(gz, tsv.data(), static_cast<unsigned>(tsv.size())) == static_cast<int>(tsv.size());
    if (gzclose(gz) != Z_OK || !ok) throw GazetteerError("gazetteer: writing " + gz_path + " failed");

    FeatureCollection admin;
    for (const auto& c : countries.features) {
        if (!std::holds_alternative<Polygon>(c.geometry) && !std::holds_alternative<MultiPolygon>(c.geometry)) continue;
        Feature a;
        a.geometry = c.geometry;
        a.properties = {{"kind", "country"}, {"iso2", property_string(c, "iso2")}, {"name", property_string(c, "name")}};
        admin.features.push_back(std::move(a));
    }
    std::ofstream out(dir / "admin_areas.geojson", std::ios::binary);
    out << to_geojson(admin);
    if (!out) throw GazetteerError("gazetteer: cannot write " + (dir / "admin_areas.geojson").string());
}

}  // namespace aras::geo
