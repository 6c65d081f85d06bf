// Proximity analysis on the embedded layers: geodesic distances, plus road distances via the Router.
#include "aras/routing/proximity.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/geometry_ops.hpp"
#include "aras/geo/layer_io.hpp"
#include "aras/routing/router.hpp"
#include "aras/routing/scenario.hpp"

namespace aras::routing {

namespace {

using nlohmann::json;

std::string text(const json& props, const char* key) {
    auto it = props.find(key);
    return it != props.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double r3(double v) { return std::round(v * 1000.0) / 1000.0; }

double r6(double v) { return std::round(v * 1e6) / 1e6; }
json point_json(const geo::LonLat& p) { return json::array({r6(p.lon), r6(p.lat)}); }

void lines_of(const geo::Geometry& g, std::vector<const geo::LineString*>& out) {
    if (const auto* l = std::get_if<geo::LineString>(&g)) out.push_back(l);
    if (const auto* ml = std::get_if<geo::MultiLineString>(&g))
        for (const auto& l : ml->lines) out.push_back(&l);
}

}  // namespace

ProximityIndex::ProximityIndex(geo::Layer countries, geo::Layer borders, geo::Layer crossings, geo::Layer places)
    : countries_(std::move(countries)),
      borders_(std::move(borders)),
      crossings_(std::move(crossings)),
      places_(std::move(places)) {}

ProximityIndex ProximityIndex::load(const std::string& data_dir) {
    const std::string src = geo::shapefile_source(data_dir);
    return ProximityIndex(geo::read_layer(src, "countries"), geo::read_layer(src, "borders"),
                          geo::read_layer(src, "crossings"), geo::read_layer(src, "places"));
}

ProximityReport ProximityIndex::report(const geo::LonLat& p, const ProximityOptions& options, const Router* router,
                                       const Scenario* scenario) const {
    if (!geo::is_valid(p)) throw std::invalid_argument("position out of range");
    if (!(options.within_km > 0) || options.within_km > 2000)
        throw std::invalid_argument("within_km must be in (0, 2000]");
    auto wants = [&](const char* what) { return options.to.empty() || options.to.count(what) > 0; };
    ProximityReport r;
    r.point = p;
    std::map<std::string, std::string> country_names;
    for (const auto& f : countries_.features) {
        const std::string iso = text(f.properties, "iso2");
        country_names[iso] = text(f.properties, "name");
        if (r.country.empty() && geo::bbox_of(f.geometry).contains(p) && geo::contains(f.geometry, p)) {
            r.country = iso;
            r.country_name = text(f.properties, "name");
        }
    }

    if (wants("borders")) {
        // Land borders only (the borders layer has no coastlines). Outside every country, each
        // border line counts for both of its sides.
        std::map<std::string, BorderDistance> best;
        std::vector<const geo::LineString*> lines;
        for (const auto& f : borders_.features) {
            const std::string left = text(f.properties, "left"), right = text(f.properties, "right");
            std::vector<std::string> neighbours;
            if (!r.country.empty()) {
                if (left == r.country) neighbours.push_back(right);
                else if (right == r.country) neighbours.push_back(left);
            } else {
                neighbours = {left, right};
            }
            if (neighbours.empty()) continue;
            lines.clear();
            lines_of(f.geometry, lines);
            for (const auto* line : lines) {
                if (line->size() < 2) continue;
                const auto proj = geo::project_onto_line(p, *line);
                for (const auto& n : neighbours) {
                    auto [it, added] = best.try_emplace(n);
                    if (added || proj.distance_m / 1000.0 < it->second.distance_km) {
                        it->second.country = n;
                        it->second.country_name = country_names.count(n) ? country_names[n] : n;
                        it->second.distance_km = proj.distance_m / 1000.0;
                        it->second.nearest = proj.point;
                    }
                }
            }
        }
        for (auto& [_, b] : best) r.borders.push_back(b);
        std::sort(r.borders.begin(), r.borders.end(),
                  [](const auto& a, const auto& b) { return a.distance_km < b.distance_km; });
    }

    if (wants("crossings")) {
        for (const auto& f : crossings_.features) {
            const auto* line = std::get_if<geo::LineString>(&f.geometry);
            if (!line || line->empty()) continue;
            CrossingDistance c;
            c.id = text(f.properties, "id");
            c.name = text(f.properties, "name");
            c.status = text(f.properties, "status");
            const double da = geo::geodesic_distance_m(p, line->front());
            const double db = geo::geodesic_distance_m(p, line->back());
            c.gate = da <= db ? line->front() : line->back();
            c.straight_km = std::min(da, db) / 1000.0;
            r.crossings.push_back(c);
        }
        std::sort(r.crossings.begin(), r.crossings.end(),
                  [](const auto& a, const auto& b) { return a.straight_km < b.straight_km; });
        if (r.crossings.size() > options.crossings) r.crossings.resize(options.crossings);
        if (router) {
            for (auto& c : r.crossings) {
                RouteRequest req;
                req.waypoints = {p, c.gate};
                const auto result = router->route(req);
                if (const auto* routes = std::get_if<std::vector<Route>>(&result); routes && !routes->empty()) {
                    c.road_km = routes->front().distance_m / 1000.0;
                    c.road_h = routes->front().duration_s / 3600.0;
                } else if (const auto* no = std::get_if<NoRoute>(&result)) {
                    c.no_route = no->reason;
                }
            }
        }
    }

    if (wants("places")) {
        for (const auto& f : places_.features) {
            const auto* pos = std::get_if<geo::LonLat>(&f.geometry);
            if (!pos) continue;
            // Cheap reject before the geodesic: a degree of latitude is >= 110 km.
            if (std::abs(pos->lat - p.lat) * 110.0 > options.within_km) continue;
            const double d = geo::geodesic_distance_m(p, *pos) / 1000.0;
            if (d > options.within_km) continue;
            NearbyPlace np;
            np.name = text(f.properties, "name");
            np.country = text(f.properties, "country");
            if (auto it = f.properties.find("population"); it != f.properties.end() && it->is_number())
                np.population = it->get<std::int64_t>();
            np.distance_km = d;
            np.location = *pos;
            r.places.push_back(np);
        }
        std::sort(r.places.begin(), r.places.end(),
                  [](const auto& a, const auto& b) { return a.distance_km < b.distance_km; });
        if (r.places.size() > options.max_places) r.places.resize(options.max_places);
    }

    if (wants("roads") && router) r.road = router->nearest(p);

    if (scenario) {
        for (const auto& spec : scenario->hazards) {
            const Hazard h = spec.to_hazard();
            HazardProximity hp;
            hp.name = h.name;
            hp.hard = h.hard;
            hp.inside = geo::contains(h.area, p);
            hp.distance_km = hp.inside ? 0.0 : geo::distance_m(p, h.area) / 1000.0;
            r.hazards.push_back(hp);
        }
    }
    return r;
}

json to_json(const ProximityReport& r) {
    json borders = json::array(), crossings = json::array(), places = json::array(), hazards = json::array();
    for (const auto& b : r.borders)
        borders.push_back({{"country", b.country}, {"country_name", b.country_name}, {"distance_km", r3(b.distance_km)},
                           {"nearest", point_json(b.nearest)}});
    for (const auto& c : r.crossings) {
        json item = {{"id", c.id}, {"name", c.name}, {"status", c.status}, {"straight_km", r3(c.straight_km)},
                     {"road_km", c.road_km ? json(r3(*c.road_km)) : json(nullptr)},
                     {"road_h", c.road_h ? json(r3(*c.road_h)) : json(nullptr)}, {"gate", point_json(c.gate)}};
        if (!c.no_route.empty()) item["no_route"] = c.no_route;
        crossings.push_back(item);
    }
    for (const auto& p : r.places)
        places.push_back({{"name", p.name}, {"country", p.country}, {"population", p.population},
                          {"distance_km", r3(p.distance_km)}, {"location", point_json(p.location)}});
    for (const auto& h : r.hazards)
        hazards.push_back({{"name", h.name}, {"inside", h.inside}, {"hard", h.hard}, {"distance_km", r3(h.distance_km)}});
    json out = {{"point", json::array({r.point.lon, r.point.lat})},
                {"country", r.country},
                {"country_name", r.country_name},
                {"borders", borders},
                {"crossings", crossings},
                {"places", places},
                {"hazards", hazards}};
    if (r.road)
        out["road"] = {{"distance_km", r3(r.road->distance_m / 1000.0)}, {"ref", r.road->ref}, {"name", r.road->name},
                       {"road_class", std::string(to_string(r.road->road_class))}, {"country", r.road->country},
                       {"point", point_json(r.road->point)}};
    else
        out["road"] = nullptr;
    return out;
}

}  // namespace aras::routing
