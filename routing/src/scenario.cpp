// Scenario parsing and validation: every rejection names the JSON pointer of the bad member.
#include "aras/routing/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geodesy.hpp"
#include "aras/geo/geojson.hpp"

namespace aras::routing {

namespace {

using nlohmann::json;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// JSON pointer escaping (RFC 6901) for member names used in pointers.
std::string escape_token(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string at(const std::string& base, std::string_view member) { return base + "/" + escape_token(member); }
std::string at(const std::string& base, std::size_t index) { return base + "/" + std::to_string(index); }

void require_object(const json& j, const std::string& where) {
    if (!j.is_object()) throw ScenarioError(where, "must be an object");
}

void reject_unknown(const json& j, const std::string& where, std::initializer_list<std::string_view> known) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            throw ScenarioError(at(where, it.key()), "unknown member");
    }
}

std::string get_string(const json& j, const std::string& where) {
    if (!j.is_string()) throw ScenarioError(where, "must be a string");
    std::string s = j.get<std::string>();
    if (s.empty()) throw ScenarioError(where, "must not be empty");
    return s;
}

std::int64_t positive_integer(const json& j, const std::string& where) {
    if (j.is_number_integer() || j.is_number_unsigned()) {
        if (j.is_number_unsigned() && j.get<std::uint64_t>() > 1'000'000'000ULL)
            throw ScenarioError(where, "must be at most 1000000000");
        const auto v = j.get<std::int64_t>();
        if (v > 0 && v <= 1'000'000'000) return v;
        if (v > 0) throw ScenarioError(where, "must be at most 1000000000");
    } else if (j.is_number_float()) {
        const double d = j.get<double>();
        if (std::isfinite(d) && d > 0 && d == std::floor(d) && d <= 1e9) return static_cast<std::int64_t>(d);
    }
    throw ScenarioError(where, "must be a positive integer");
}

std::int64_t non_negative_integer(const json& j, const std::string& where) {
    if (j.is_number_integer() && j.get<std::int64_t>() == 0) return 0;
    if (j.is_number_unsigned() && j.get<std::uint64_t>() == 0) return 0;
    if (j.is_number_integer() || j.is_number_unsigned() || j.is_number_float()) {
        try {
            return positive_integer(j, where);
        } catch (const ScenarioError&) {
        }
    }
    throw ScenarioError(where, "must be a non-negative integer");
}

double positive_number(const json& j, const std::string& where, double max) {
    if (!j.is_number()) throw ScenarioError(where, "must be a positive number");
    const double d = j.get<double>();
    if (!std::isfinite(d) || d <= 0) throw ScenarioError(where, "must be a positive number");
    if (d > max) {
        std::ostringstream os;
        os << "must be at most " << max;
        throw ScenarioError(where, os.str());
    }
    return d;
}

bool get_bool(const json& j, const std::string& where) {
    if (!j.is_boolean()) throw ScenarioError(where, "must be true or false");
    return j.get<bool>();
}

// [lon, lat] or {"lon":..,"lat":..}
geo::LonLat get_point(const json& j, const std::string& where) {
    double lon = NAN, lat = NAN;
    if (j.is_array() && j.size() == 2 && j[0].is_number() && j[1].is_number()) {
        lon = j[0].get<double>();
        lat = j[1].get<double>();
    } else if (j.is_object() && j.size() == 2 && j.contains("lon") && j.contains("lat") && j["lon"].is_number() &&
               j["lat"].is_number()) {
        lon = j["lon"].get<double>();
        lat = j["lat"].get<double>();
    } else {
        throw ScenarioError(where, "must be [lon, lat] or {\"lon\": .., \"lat\": ..}");
    }
    const geo::LonLat p{lon, lat};
    if (!geo::is_valid(p)) throw ScenarioError(where, "longitude must be in [-180, 180] and latitude in [-90, 90]");
    return p;
}

std::optional<std::string> get_country(const json& j, const std::string& where) {
    const std::string c = get_string(j, where);
    if (c.size() != 2 || !std::isalpha(static_cast<unsigned char>(c[0])) ||
        !std::isalpha(static_cast<unsigned char>(c[1])))
        throw ScenarioError(where, "must be an ISO 3166-1 alpha-2 code");
    std::string up = c;
    for (auto& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return up;
}

Origin parse_origin(const json& j, const std::string& where, std::size_t index) {
    require_object(j, where);
    reject_unknown(j, where, {"name", "place", "country", "point", "people", "vehicles"});
    Origin o;
    o.pointer = where;
    const bool has_place = j.contains("place"), has_point = j.contains("point");
    if (has_place == has_point) throw ScenarioError(where, "needs exactly one of \"place\" or \"point\"");
    if (has_place) o.place = get_string(j["place"], at(where, "place"));
    if (has_point) {
        o.location = get_point(j["point"], at(where, "point"));
        o.located = true;
    }
    if (j.contains("country")) {
        if (!has_place) throw ScenarioError(at(where, "country"), "only applies to a \"place\"");
        o.place_country = get_country(j["country"], at(where, "country"));
    }
    if (!j.contains("people")) throw ScenarioError(where, "missing required member \"people\"");
    o.people = positive_integer(j["people"], at(where, "people"));
    if (j.contains("vehicles")) o.vehicles = non_negative_integer(j["vehicles"], at(where, "vehicles"));
    if (j.contains("name")) o.name = get_string(j["name"], at(where, "name"));
    else if (!o.place.empty()) o.name = o.place;
    else o.name = "origin " + std::to_string(index + 1);
    return o;
}

Destination parse_destination(const json& j, const std::string& where) {
    Destination d;
    d.pointer = where;
    if (j.is_string()) {  // shorthand: a crossing id or name
        d.ref = get_string(j, where);
        return d;
    }
    require_object(j, where);
    reject_unknown(j, where, {"crossing", "place", "point"});
    if (j.size() != 1) throw ScenarioError(where, "needs exactly one of \"crossing\", \"place\" or \"point\"");
    if (j.contains("crossing")) {
        d.ref = get_string(j["crossing"], at(where, "crossing"));
    } else if (j.contains("place")) {
        d.kind = Destination::Kind::Place;
        d.ref = get_string(j["place"], at(where, "place"));
    } else {
        d.kind = Destination::Kind::Point;
        d.location = get_point(j["point"], at(where, "point"));
        d.located = true;
    }
    return d;
}

HazardSpec parse_hazard(const json& j, const std::string& where, std::size_t index) {
    require_object(j, where);
    reject_unknown(j, where, {"name", "point", "place", "radius_km", "geometry", "hard", "penalty_factor"});
    HazardSpec h;
    h.pointer = where;
    const int forms = int(j.contains("point")) + int(j.contains("place")) + int(j.contains("geometry"));
    if (forms != 1) throw ScenarioError(where, "needs exactly one of \"point\", \"place\" or \"geometry\"");
    if (j.contains("geometry")) {
        if (j.contains("radius_km")) throw ScenarioError(at(where, "radius_km"), "only applies to a point or place");
        try {
            h.area = geo::parse_geometry(j["geometry"], at(where, "geometry"));
        } catch (const geo::GeoJsonError& e) {
            throw ScenarioError(e.where().empty() ? at(where, "geometry") : e.where(), e.what());
        }
        if (!std::holds_alternative<geo::Polygon>(h.area) && !std::holds_alternative<geo::MultiPolygon>(h.area))
            throw ScenarioError(at(where, "geometry"), "must be a Polygon or MultiPolygon");
    } else {
        if (j.contains("point")) h.centre = get_point(j["point"], at(where, "point"));
        else h.place = get_string(j["place"], at(where, "place"));
        if (!j.contains("radius_km")) throw ScenarioError(where, "missing required member \"radius_km\"");
        h.radius_km = positive_number(j["radius_km"], at(where, "radius_km"), 1000.0);
    }
    if (j.contains("hard")) h.hard = get_bool(j["hard"], at(where, "hard"));
    if (j.contains("penalty_factor")) {
        if (h.hard) throw ScenarioError(at(where, "penalty_factor"), "only applies to a soft hazard (\"hard\": false)");
        h.penalty_factor = positive_number(j["penalty_factor"], at(where, "penalty_factor"), 1000.0);
        if (h.penalty_factor < 1.0) throw ScenarioError(at(where, "penalty_factor"), "must be at least 1");
    } else if (!h.hard) {
        h.penalty_factor = 3.0;  // documented default for soft hazards
    }
    if (j.contains("name")) h.name = get_string(j["name"], at(where, "name"));
    else if (!h.place.empty()) h.name = h.place;
    else h.name = "hazard " + std::to_string(index + 1);
    return h;
}

std::set<std::string> string_set(const json& j, const std::string& where) {
    if (!j.is_array()) throw ScenarioError(where, "must be an array of strings");
    std::set<std::string> out;
    for (std::size_t i = 0; i < j.size(); ++i) out.insert(get_string(j[i], at(where, i)));
    return out;
}

}  // namespace

Hazard HazardSpec::to_hazard() const {
    if (!std::holds_alternative<std::monostate>(area)) {
        Hazard h;
        h.area = area;
        h.hard = hard;
        h.penalty_factor = penalty_factor;
        h.name = name;
        return h;
    }
    if (!centre) throw ScenarioError(pointer + "/place", "place '" + place + "' has not been located");
    Hazard h;
    h.area = geo::geodesic_circle(*centre, radius_km * 1000.0, 64);
    h.hard = hard;
    h.penalty_factor = penalty_factor;
    h.name = name;
    return h;
}

bool Scenario::located() const {
    for (const auto& o : origins)
        if (!o.located) return false;
    for (const auto& d : destinations)
        if (d.kind != Destination::Kind::Crossing && !d.located) return false;
    for (const auto& h : hazards)
        if (std::holds_alternative<std::monostate>(h.area) && !h.centre) return false;
    return true;
}

Costing Scenario::costing() const {
    Costing c;
    c.closed_crossings = closed_crossings;
    c.reopened_crossings = reopened_crossings;
    c.closed_roads = closed_roads;
    for (const auto& h : hazards) c.hazards.push_back(h.to_hazard());
    return c;
}

double Scenario::capacity_per_h(const std::string& crossing_id, const std::string& crossing_name) const {
    const std::string id = lower(crossing_id), name = lower(crossing_name);
    for (const auto& [key, value] : crossing_capacity_per_h) {
        const std::string k = lower(key);
        if (k == id || (!name.empty() && k == name)) return value;
    }
    return default_capacity_per_h;
}

Scenario parse_scenario(const json& doc) {
    require_object(doc, "");
    reject_unknown(doc, "",
                   {"$schema", "name", "description", "origins", "destinations", "closed_crossings",
                    "reopened_crossings", "closed_roads", "hazards", "crossing_capacity", "corridor_width_km",
                    "exposure_km", "alternatives"});
    Scenario s;
    if (doc.contains("name")) s.name = get_string(doc["name"], "/name");
    if (doc.contains("description")) {
        if (!doc["description"].is_string()) throw ScenarioError("/description", "must be a string");
        s.description = doc["description"].get<std::string>();
    }
    if (!doc.contains("origins")) throw ScenarioError("", "missing required member \"origins\"");
    const json& origins = doc["origins"];
    if (!origins.is_array() || origins.empty()) throw ScenarioError("/origins", "must be a non-empty array");
    if (origins.size() > 1000) throw ScenarioError("/origins", "must have at most 1000 origins");
    for (std::size_t i = 0; i < origins.size(); ++i) s.origins.push_back(parse_origin(origins[i], at("/origins", i), i));

    if (doc.contains("destinations")) {
        const json& d = doc["destinations"];
        if (!d.is_array()) throw ScenarioError("/destinations", "must be an array");
        if (d.size() > 200) throw ScenarioError("/destinations", "must have at most 200 destinations");
        for (std::size_t i = 0; i < d.size(); ++i)
            s.destinations.push_back(parse_destination(d[i], at("/destinations", i)));
    }
    if (doc.contains("closed_crossings")) s.closed_crossings = string_set(doc["closed_crossings"], "/closed_crossings");
    if (doc.contains("reopened_crossings"))
        s.reopened_crossings = string_set(doc["reopened_crossings"], "/reopened_crossings");
    for (const auto& c : s.closed_crossings) {
        for (const auto& r : s.reopened_crossings)
            if (lower(c) == lower(r))
                throw ScenarioError("/reopened_crossings", "'" + r + "' is also in closed_crossings");
    }
    if (doc.contains("closed_roads")) {
        const json& r = doc["closed_roads"];
        if (!r.is_array()) throw ScenarioError("/closed_roads", "must be an array of road ids");
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (!r[i].is_number_integer() && !r[i].is_number_unsigned())
                throw ScenarioError(at("/closed_roads", i), "must be an integer road id");
            s.closed_roads.insert(r[i].get<std::int64_t>());
        }
    }
    if (doc.contains("hazards")) {
        const json& h = doc["hazards"];
        if (!h.is_array()) throw ScenarioError("/hazards", "must be an array");
        if (h.size() > 500) throw ScenarioError("/hazards", "must have at most 500 hazards");
        for (std::size_t i = 0; i < h.size(); ++i) s.hazards.push_back(parse_hazard(h[i], at("/hazards", i), i));
    }
    if (doc.contains("crossing_capacity")) {
        const json& c = doc["crossing_capacity"];
        if (!c.is_object())
            throw ScenarioError("/crossing_capacity", "must be an object of people per hour by crossing");
        for (auto it = c.begin(); it != c.end(); ++it) {
            const double v = positive_number(it.value(), at("/crossing_capacity", it.key()), 1e7);
            if (it.key() == "default") s.default_capacity_per_h = v;
            else s.crossing_capacity_per_h[it.key()] = v;
        }
    }
    if (doc.contains("corridor_width_km"))
        s.corridor_width_km = positive_number(doc["corridor_width_km"], "/corridor_width_km", 200.0);
    if (doc.contains("exposure_km")) s.exposure_km = positive_number(doc["exposure_km"], "/exposure_km", 500.0);
    if (doc.contains("alternatives")) {
        const json& a = doc["alternatives"];
        if (!(a.is_number_integer() || a.is_number_unsigned()) || a.get<std::int64_t>() < 0 || a.get<std::int64_t>() > 5)
            throw ScenarioError("/alternatives", "must be an integer from 0 to 5");
        s.alternatives = a.get<int>();
    }
    return s;
}

Scenario parse_scenario_text(std::string_view text) {
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        throw ScenarioError("", std::string("not valid JSON (byte ") + std::to_string(e.byte) + ")");
    } catch (const json::out_of_range&) {  // 406: a number such as 1e400 overflows a double
        throw ScenarioError("", "not valid JSON (a number is out of range)");
    }
    return parse_scenario(doc);
}

Scenario load_scenario_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError("", "cannot read scenario file '" + path + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_scenario_text(ss.str());
}

void locate(Scenario& s, const geo::Gazetteer& gazetteer) {
    auto find = [&](const std::string& name, const std::optional<std::string>& country,
                    const std::string& where) -> geo::LonLat {
        geo::GeocodeQuery q;
        q.text = name;
        q.country = country;
        q.limit = 1;
        const auto matches = gazetteer.geocode(q);
        if (matches.empty() || !matches.front().place)
            throw ScenarioError(where, "no place named '" + name + "' in the gazetteer");
        return matches.front().place->location;
    };
    for (auto& o : s.origins) {
        if (o.located) continue;
        o.location = find(o.place, o.place_country, o.pointer + "/place");
        o.located = true;
    }
    for (auto& d : s.destinations) {
        if (d.kind != Destination::Kind::Place || d.located) continue;
        d.location = find(d.ref, std::nullopt, d.pointer + "/place");
        d.located = true;
    }
    for (auto& h : s.hazards) {
        if (h.centre || h.place.empty()) continue;
        h.centre = find(h.place, std::nullopt, h.pointer + "/place");
    }
}

}  // namespace aras::routing
