// Corridor planning: route every origin to its candidate crossings, measure exposure, buffer the
// chosen route, then share the crossings' throughput with the evacuation planner.
#include "aras/routing/corridor.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>

#include "aras/geo/geodesy.hpp"
#include "aras/geo/geojson.hpp"
#include "aras/geo/geometry_ops.hpp"

namespace aras::routing {

namespace {

using nlohmann::json;
constexpr double kInf = std::numeric_limits<double>::infinity();

bool matches_any(const Crossing& c, const std::set<std::string>& keys) {
    return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return crossing_matches(c, k); });
}

// Rounded for output: 3 decimals is metres in km and seconds in hours.
double r3(double v) { return std::round(v * 1000.0) / 1000.0; }
json finite_or_null(double v) { return std::isfinite(v) ? json(r3(v)) : json(nullptr); }

json exposure_json(const Exposure& e) {
    return {{"min_hazard_distance_km", finite_or_null(e.min_distance_km)},
            {"length_near_hazard_km", r3(e.length_near_km)},
            {"length_in_hazard_km", r3(e.length_inside_km)},
            {"near_km", e.near_km}};
}

// Equirectangular distance from p to a box, slightly shrunk so it stays a lower bound.
double box_lower_bound_m(const geo::LonLat& p, const geo::BBox& b) {
    const double lon = std::clamp(p.lon, b.min_lon, b.max_lon), lat = std::clamp(p.lat, b.min_lat, b.max_lat);
    const double k = std::cos(p.lat * M_PI / 180.0);
    const double dx = (p.lon - lon) * k * 111319.49, dy = (p.lat - lat) * 111319.49;
    return 0.95 * std::sqrt(dx * dx + dy * dy);
}

void rings_of(const geo::Geometry& g, std::vector<const geo::Ring*>& out) {
    if (const auto* p = std::get_if<geo::Polygon>(&g))
        for (const auto& r : p->rings) out.push_back(&r);
    if (const auto* mp = std::get_if<geo::MultiPolygon>(&g))
        for (const auto& p : mp->polygons)
            for (const auto& r : p.rings) out.push_back(&r);
}

// The first crossing edge of a route, as a graph crossing index, and the driving time up to and
// through it (edge base durations: no waiting). kInvalidId when the route crosses no border.
std::pair<std::uint32_t, double> first_crossing(const RoadGraph& g, const Route& route) {
    double seconds = 0.0;
    for (EdgeId e : route.edges) {
        const EdgeInfo info = g.edge(e);
        seconds += info.duration_s;
        if (info.crossing != kInvalidId) return {info.crossing, seconds / 3600.0};
    }
    return {kInvalidId, 0.0};
}

double capacity_of(const Scenario& s, const Crossing& c) {
    for (const auto& [key, value] : s.crossing_capacity_per_h)
        if (crossing_matches(c, key)) return value;
    return s.default_capacity_per_h;
}

struct Target {
    std::optional<geo::LonLat> via;  // the near gate, so that the route really uses the crossing
    geo::LonLat point;
    std::uint32_t crossing = kInvalidId;  // the crossing the target is the far gate of
};

}  // namespace

ExposureModel::ExposureModel(std::vector<Hazard> hazards, double near_km)
    : hazards_(std::move(hazards)), near_km_(near_km) {
    if (hazards_.empty()) return;
    std::vector<geo::Geometry> areas, buffers;
    for (const auto& h : hazards_) {
        areas.push_back(h.area);
        buffers.emplace_back(geo::buffer_m(h.area, near_km * 1000.0));
    }
    inside_ = geo::union_all(areas);
    near_ = geo::union_all(buffers);
}

Exposure ExposureModel::measure(const geo::LineString& line) const {
    Exposure e;
    e.near_km = near_km_;
    if (hazards_.empty() || line.size() < 2) return e;
    e.length_inside_km = geo::length_inside_m(line, inside_) / 1000.0;
    e.length_near_km = geo::length_inside_m(line, near_) / 1000.0;
    double best = kInf;
    for (const auto& h : hazards_) {
        if (geo::intersects(line, h.area)) {
            best = 0.0;
            break;
        }
        // Route vertices, nearest-looking first, until the box bound rules the rest out.
        const geo::BBox box = geo::bbox_of(h.area);
        std::vector<std::pair<double, std::size_t>> order;
        order.reserve(line.size());
        for (std::size_t i = 0; i < line.size(); ++i) order.push_back({box_lower_bound_m(line[i], box), i});
        std::sort(order.begin(), order.end());
        for (const auto& [bound, i] : order) {
            if (bound > best) break;
            best = std::min(best, geo::distance_m(line[i], h.area));
        }
        // Hazard vertices against the route's segments (a segment may pass closer than its ends).
        std::vector<const geo::Ring*> rings;
        rings_of(h.area, rings);
        for (const auto* r : rings)
            for (const auto& v : *r) best = std::min(best, geo::project_onto_line(v, line).distance_m);
    }
    e.min_distance_km = best / 1000.0;
    return e;
}

CorridorPlan plan_corridors(const Router& router, const Scenario& scenario) {
    const RoadGraph& g = router.graph();
    const auto& crossings = g.crossings();
    const Costing costing = scenario.costing();
    const ExposureModel exposure(costing.hazards, scenario.exposure_km);

    CorridorPlan plan;
    plan.scenario_name = scenario.name;
    plan.exposure_km = scenario.exposure_km;
    plan.corridor_width_km = scenario.corridor_width_km;

    auto usable = [&](const Crossing& c) {
        if (c.node_a == kInvalidId || c.node_b == kInvalidId) return false;
        if (matches_any(c, scenario.closed_crossings)) return false;
        return c.open || matches_any(c, scenario.reopened_crossings);
    };
    // Named crossing destinations must exist in the graph.
    std::vector<std::vector<std::uint32_t>> named(scenario.destinations.size());
    for (std::size_t d = 0; d < scenario.destinations.size(); ++d) {
        const auto& dest = scenario.destinations[d];
        if (dest.kind != Destination::Kind::Crossing) continue;
        for (std::uint32_t i = 0; i < crossings.size(); ++i)
            if (crossing_matches(crossings[i], dest.ref)) named[d].push_back(i);
        if (named[d].empty()) throw ScenarioError(dest.pointer, "no crossing named '" + dest.ref + "'");
    }

    std::map<std::uint32_t, std::size_t> crossing_index;  // graph crossing -> plan.crossings
    auto use_crossing = [&](std::uint32_t gi) {
        auto [it, added] = crossing_index.try_emplace(gi, plan.crossings.size());
        if (added) {
            const Crossing& c = crossings[gi];
            plan.crossings.push_back({c.id, c.name, c.country_a, c.country_b, capacity_of(scenario, c), {}});
        }
        return it->second;
    };

    for (std::size_t oi = 0; oi < scenario.origins.size(); ++oi) {
        const Origin& origin = scenario.origins[oi];
        if (!origin.located) throw ScenarioError(origin.pointer + "/place", "place '" + origin.place + "' has not been located");
        OriginCorridors oc;
        oc.origin = oi;
        const auto snapped = router.nearest(origin.location);
        if (!snapped) {
            oc.no_route = "the road network is empty";
            plan.origins.push_back(std::move(oc));
            continue;
        }
        oc.country = snapped->country;

        std::vector<Target> targets;
        // Through the crossing: via its near gate to its far gate (a route to the far gate alone may
        // prefer another crossing and drive round on the other side).
        auto through = [&](std::uint32_t gi) -> Target {
            const Crossing& c = crossings[gi];
            bool a_first = c.country_a == oc.country;
            if (c.country_a != oc.country && c.country_b != oc.country)
                a_first = geo::geodesic_distance_m(origin.location, c.gate_a) <=
                          geo::geodesic_distance_m(origin.location, c.gate_b);
            return a_first ? Target{c.gate_a, c.gate_b, gi} : Target{c.gate_b, c.gate_a, gi};
        };
        if (scenario.destinations.empty()) {
            for (std::uint32_t i = 0; i < crossings.size(); ++i) {
                const Crossing& c = crossings[i];
                if (c.country_a != oc.country && c.country_b != oc.country) continue;
                if (usable(c)) targets.push_back(through(i));
                else if (c.node_a == kInvalidId || c.node_b == kInvalidId)
                    oc.notes.push_back(c.name + ": a gate is not attached to the road network");
            }
        } else {
            for (std::size_t d = 0; d < scenario.destinations.size(); ++d) {
                const auto& dest = scenario.destinations[d];
                if (dest.kind == Destination::Kind::Crossing) {
                    for (auto i : named[d])
                        if (usable(crossings[i])) targets.push_back(through(i));
                } else {
                    targets.push_back({std::nullopt, dest.location, kInvalidId});
                }
            }
        }
        if (targets.empty()) {
            oc.no_route = "no open crossing out of " + (oc.country.empty() ? std::string("the origin's country") : oc.country);
            plan.origins.push_back(std::move(oc));
            continue;
        }

        // Best route per target; a crossing target only counts when the route really uses it first.
        std::string last_reason;
        std::vector<std::pair<CorridorRoute, std::size_t>> best;  // route, target index
        for (std::size_t t = 0; t < targets.size(); ++t) {
            RouteRequest req;
            req.waypoints = {origin.location};
            if (targets[t].via) req.waypoints.push_back(*targets[t].via);
            req.waypoints.push_back(targets[t].point);
            req.costing = costing;
            const RouteResult result = router.route(req);
            const std::string label =
                targets[t].crossing != kInvalidId ? crossings[targets[t].crossing].name : std::string("destination");
            if (const auto* no = std::get_if<NoRoute>(&result)) {
                last_reason = no->reason;
                oc.notes.push_back(label + ": " + no->reason);
                continue;
            }
            const auto& routes = std::get<std::vector<Route>>(result);
            if (routes.empty()) continue;
            const auto [gi, hours] = first_crossing(g, routes.front());
            if (targets[t].crossing != kInvalidId && gi != targets[t].crossing) {
                last_reason = "the route to " + label + " crosses " +
                              (gi == kInvalidId ? std::string("no border") : crossings[gi].name) + " first";
                oc.notes.push_back(last_reason);
                continue;
            }
            CorridorRoute cr;
            cr.route = routes.front();
            if (gi != kInvalidId) {
                cr.crossing = use_crossing(gi);
                cr.travel_h = hours;
            }
            best.push_back({std::move(cr), t});
        }
        if (best.empty()) {
            oc.no_route = last_reason.empty() ? "no route to any destination" : last_reason;
            plan.origins.push_back(std::move(oc));
            continue;
        }
        std::stable_sort(best.begin(), best.end(),
                         [](const auto& a, const auto& b) { return a.first.route.duration_s < b.first.route.duration_s; });
        // Several destinations may lead through the same crossing: keep the fastest per crossing.
        std::vector<std::size_t> seen;
        oc.routes.push_back(best.front().first);
        if (best.front().first.crossing != kNoCrossing) seen.push_back(best.front().first.crossing);
        if (scenario.alternatives > 0) {
            RouteRequest req;
            req.waypoints = {origin.location, targets[best.front().second].point};
            req.costing = costing;
            req.alternatives = scenario.alternatives;
            const RouteResult result = router.route(req);
            if (const auto* routes = std::get_if<std::vector<Route>>(&result)) {
                for (std::size_t k = 1; k < routes->size(); ++k) {
                    CorridorRoute alt;
                    alt.route = (*routes)[k];
                    alt.alternative = true;
                    const auto [gi, hours] = first_crossing(g, alt.route);
                    if (gi != kInvalidId) {
                        alt.crossing = use_crossing(gi);
                        alt.travel_h = hours;
                    }
                    oc.routes.push_back(std::move(alt));
                }
            }
        }
        for (std::size_t k = 1; k < best.size(); ++k) {
            const std::size_t c = best[k].first.crossing;
            if (c != kNoCrossing && std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
            if (c != kNoCrossing) seen.push_back(c);
            oc.routes.push_back(best[k].first);
        }
        for (std::size_t k = 0; k < oc.routes.size(); ++k) {
            oc.routes[k].route.rank = static_cast<int>(k);
            oc.routes[k].exposure = exposure.measure(oc.routes[k].route.geometry);
        }
        {
            // RFC 7946 winding is part of the contract of this result, whatever the buffer returns.
            geo::Geometry corridor = geo::buffer_m(oc.routes.front().route.geometry, scenario.corridor_width_km * 500.0);
            geo::rewind_rfc7946(corridor);
            oc.corridor = std::get<geo::MultiPolygon>(std::move(corridor));
        }
        plan.origins.push_back(std::move(oc));
    }

    // The evacuation problem: each origin's fastest non-alternative route per crossing.
    EvacuationProblem problem;
    const std::size_t nc = plan.crossings.size();
    problem.demand.assign(plan.origins.size(), 0.0);
    for (const auto& c : plan.crossings) problem.capacity_per_h.push_back(c.capacity_per_h);
    problem.travel_h.assign(plan.origins.size() * nc, kInf);
    std::vector<std::vector<std::size_t>> route_of(plan.origins.size(), std::vector<std::size_t>(nc, kNoCrossing));
    for (std::size_t o = 0; o < plan.origins.size(); ++o) {
        const auto& oc = plan.origins[o];
        for (std::size_t k = 0; k < oc.routes.size(); ++k) {
            const auto& r = oc.routes[k];
            if (r.alternative || r.crossing == kNoCrossing) continue;
            if (route_of[o][r.crossing] != kNoCrossing) continue;
            route_of[o][r.crossing] = k;
            problem.travel_h[o * nc + r.crossing] = r.travel_h;
        }
        const bool reachable = std::any_of(route_of[o].begin(), route_of[o].end(),
                                           [](std::size_t k) { return k != kNoCrossing; });
        if (reachable) problem.demand[o] = static_cast<double>(scenario.origins[oc.origin].people);
    }
    if (nc > 0) {
        plan.evacuation = plan_evacuation(problem);
        plan.nearest_crossing_clearance_h = nearest_crossing_clearance_h(problem);
        plan.clearance_h = plan.evacuation.clearance_h;
        for (std::size_t c = 0; c < nc; ++c) plan.crossings[c].load = plan.evacuation.crossings[c];
        for (std::size_t o = 0; o < plan.origins.size(); ++o)
            for (std::size_t c = 0; c < nc; ++c)
                if (route_of[o][c] != kNoCrossing)
                    plan.origins[o].routes[route_of[o][c]].people = plan.evacuation.assigned(o, c);
    }
    return plan;
}

json summary_json(const CorridorPlan& plan, const Scenario& scenario) {
    json crossings = json::array();
    for (const auto& c : plan.crossings) {
        json per_hour = json::array();
        for (double v : c.load.people_per_hour) per_hour.push_back(r3(v));
        crossings.push_back({{"id", c.id},
                             {"name", c.name},
                             {"countries", {c.country_a, c.country_b}},
                             {"capacity_per_h", c.capacity_per_h},
                             {"people", r3(c.load.people)},
                             {"first_across_h", r3(c.load.first_h)},
                             {"clearance_h", r3(c.load.last_h)},
                             {"people_per_hour", per_hour}});
    }
    json origins = json::array();
    double total = 0.0, stranded = 0.0;
    for (std::size_t o = 0; o < plan.origins.size(); ++o) {
        const auto& oc = plan.origins[o];
        const Origin& origin = scenario.origins[oc.origin];
        total += static_cast<double>(origin.people);
        json item = {{"origin", origin.name}, {"people", origin.people}, {"country", oc.country}};
        if (origin.vehicles > 0) item["vehicles"] = origin.vehicles;
        if (oc.routes.empty()) {
            stranded += static_cast<double>(origin.people);
            item["no_route"] = oc.no_route;
        } else {
            const auto& chosen = oc.routes.front();
            item["fastest_crossing"] = chosen.crossing == kNoCrossing ? json(nullptr) : json(plan.crossings[chosen.crossing].name);
        }
        if (!oc.notes.empty()) item["notes"] = oc.notes;
        json waves = json::array();
        for (const auto& w : plan.evacuation.waves) {
            if (w.origin != o || w.people <= 0) continue;
            json wave = {{"crossing", plan.crossings[w.crossing].name},
                         {"crossing_id", plan.crossings[w.crossing].id},
                         {"people", r3(w.people)},
                         {"depart_from_h", r3(w.depart_from_h)},
                         {"depart_until_h", r3(w.depart_until_h)},
                         {"arrive_from_h", r3(w.cross_from_h)},
                         {"across_until_h", r3(w.cross_until_h)}};
            if (origin.vehicles > 0)
                wave["vehicles"] = std::round(w.people * static_cast<double>(origin.vehicles) / static_cast<double>(origin.people));
            waves.push_back(wave);
        }
        item["waves"] = waves;
        origins.push_back(item);
    }
    return {{"scenario", plan.scenario_name},
            {"people", total},
            {"people_without_route", stranded},
            {"clearance_h", r3(plan.clearance_h)},
            {"nearest_crossing_clearance_h", r3(plan.nearest_crossing_clearance_h)},
            {"exposure_near_km", plan.exposure_km},
            {"corridor_width_km", plan.corridor_width_km},
            {"crossings", crossings},
            {"origins", origins}};
}

geo::FeatureCollection to_feature_collection(const CorridorPlan& plan, const Scenario& scenario) {
    geo::FeatureCollection fc;
    for (const auto& oc : plan.origins) {
        const Origin& origin = scenario.origins[oc.origin];
        if (oc.routes.empty()) {
            geo::Feature f;
            f.geometry = origin.location;
            f.properties = {{"kind", "origin"}, {"origin", origin.name}, {"people", origin.people},
                            {"no_route", oc.no_route}};
            fc.features.push_back(std::move(f));
            continue;
        }
        for (std::size_t k = 0; k < oc.routes.size(); ++k) {
            const auto& r = oc.routes[k];
            geo::Feature f = to_feature(r.route);
            f.properties["kind"] = "route";
            f.properties["role"] = k == 0 ? "chosen" : r.alternative ? "alternative" : "other_crossing";
            f.properties["origin"] = origin.name;
            f.properties["origin_index"] = oc.origin;
            f.properties["rank"] = k;
            f.properties["destination_crossing"] =
                r.crossing == kNoCrossing ? json(nullptr) : json(plan.crossings[r.crossing].name);
            f.properties["crossing_id"] = r.crossing == kNoCrossing ? json(nullptr) : json(plan.crossings[r.crossing].id);
            f.properties["travel_h"] = r3(r.travel_h);
            f.properties["people"] = r3(r.people);
            f.properties["exposure"] = exposure_json(r.exposure);
            fc.features.push_back(std::move(f));
        }
        geo::Feature corridor;
        corridor.geometry = oc.corridor;
        const auto& chosen = oc.routes.front();
        corridor.properties = {{"kind", "corridor"},
                               {"origin", origin.name},
                               {"origin_index", oc.origin},
                               {"width_km", plan.corridor_width_km},
                               {"destination_crossing", chosen.crossing == kNoCrossing
                                                            ? json(nullptr)
                                                            : json(plan.crossings[chosen.crossing].name)},
                               {"area_km2", r3(geo::geodesic_area_m2(corridor.geometry) / 1e6)}};
        fc.features.push_back(std::move(corridor));
    }
    fc.foreign_members["summary"] = summary_json(plan, scenario);
    return fc;
}

json compare_plans(const CorridorPlan& a, const Scenario& sa, const CorridorPlan& b, const Scenario& sb) {
    auto side = [](const CorridorPlan& p, const Scenario& s, const OriginCorridors& oc) -> json {
        if (oc.routes.empty()) return {{"no_route", oc.no_route}};
        const auto& r = oc.routes.front();
        json people = json::object();
        for (std::size_t c = 0; c < p.crossings.size(); ++c)
            if (p.evacuation.assigned(&oc - p.origins.data(), c) > 0)
                people[p.crossings[c].name] = r3(p.evacuation.assigned(&oc - p.origins.data(), c));
        (void)s;
        return {{"destination_crossing", r.crossing == kNoCrossing ? json(nullptr) : json(p.crossings[r.crossing].name)},
                {"duration_h", r3(r.route.duration_s / 3600.0)},
                {"distance_km", r3(r.route.distance_m / 1000.0)},
                {"countries", r.route.countries},
                {"exposure", exposure_json(r.exposure)},
                {"people_by_crossing", people}};
    };
    auto find = [](const CorridorPlan& p, const Scenario& s, const std::string& name) -> const OriginCorridors* {
        for (const auto& oc : p.origins)
            if (s.origins[oc.origin].name == name) return &oc;
        return nullptr;
    };
    json origins = json::array();
    std::vector<std::string> names;
    for (const auto& oc : a.origins) names.push_back(sa.origins[oc.origin].name);
    for (const auto& oc : b.origins)
        if (std::find(names.begin(), names.end(), sb.origins[oc.origin].name) == names.end())
            names.push_back(sb.origins[oc.origin].name);
    for (const auto& name : names) {
        const OriginCorridors* oa = find(a, sa, name);
        const OriginCorridors* ob = find(b, sb, name);
        json item = {{"origin", name},
                     {"a", oa ? side(a, sa, *oa) : json(nullptr)},
                     {"b", ob ? side(b, sb, *ob) : json(nullptr)}};
        json change = json::object();
        if (oa && ob && !oa->routes.empty() && !ob->routes.empty()) {
            const auto& ra = oa->routes.front();
            const auto& rb = ob->routes.front();
            const json da = item["a"]["destination_crossing"], db = item["b"]["destination_crossing"];
            change["destination_changed"] = da != db;
            change["duration_h"] = r3((rb.route.duration_s - ra.route.duration_s) / 3600.0);
            change["distance_km"] = r3((rb.route.distance_m - ra.route.distance_m) / 1000.0);
            change["min_hazard_distance_km"] =
                std::isfinite(ra.exposure.min_distance_km) && std::isfinite(rb.exposure.min_distance_km)
                    ? json(r3(rb.exposure.min_distance_km - ra.exposure.min_distance_km))
                    : json(nullptr);
            change["length_near_hazard_km"] = r3(rb.exposure.length_near_km - ra.exposure.length_near_km);
        } else {
            change["route_lost"] = oa && !oa->routes.empty() && (!ob || ob->routes.empty());
            change["route_gained"] = ob && !ob->routes.empty() && (!oa || oa->routes.empty());
        }
        item["change"] = change;
        origins.push_back(item);
    }
    json crossings = json::array();
    std::vector<std::string> ids;
    for (const auto& c : a.crossings) ids.push_back(c.id);
    for (const auto& c : b.crossings)
        if (std::find(ids.begin(), ids.end(), c.id) == ids.end()) ids.push_back(c.id);
    for (const auto& id : ids) {
        double pa = 0, pb = 0;
        std::string name;
        for (const auto& c : a.crossings)
            if (c.id == id) pa = c.load.people, name = c.name;
        for (const auto& c : b.crossings)
            if (c.id == id) pb = c.load.people, name = c.name;
        crossings.push_back({{"id", id}, {"name", name}, {"people_a", r3(pa)}, {"people_b", r3(pb)},
                             {"change", r3(pb - pa)}});
    }
    return {{"a", {{"scenario", a.scenario_name}, {"clearance_h", r3(a.clearance_h)}}},
            {"b", {{"scenario", b.scenario_name}, {"clearance_h", r3(b.clearance_h)}}},
            {"clearance_change_h", r3(b.clearance_h - a.clearance_h)},
            {"origins", origins},
            {"crossings", crossings}};
}

}  // namespace aras::routing
