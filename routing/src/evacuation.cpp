// Quickest evacuation over crossings with limited throughput: a condensed time-expanded flow network.
//
// For a horizon T, crossing c can let people across at capacity_per_h[c] between the moment the
// first of them can arrive and T. People of origin o cannot be at c before travel(o, c). The
// horizon is feasible iff a flow of all demand exists in the network
//   source -> origin o (demand) -> (c, piece k) when piece k starts >= travel(o, c) -> sink
//   ((c, k) -> sink: capacity × piece length),
// where the pieces of [0, T] cut at every arrival time (so the cut is exact, no discretisation
// error). Feasibility is monotone in T, so a binary search finds the minimum clearance time.
#include "aras/routing/evacuation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <queue>

namespace aras::routing {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct FlowEdge {
    int to;
    double cap;
    double cost;
};

class FlowNetwork {
public:
    explicit FlowNetwork(int n) : adj_(n) {}
    int add_edge(int from, int to, double cap, double cost = 0.0) {
        adj_[from].push_back(static_cast<int>(edges_.size()));
        edges_.push_back({to, cap, cost});
        adj_[to].push_back(static_cast<int>(edges_.size()));
        edges_.push_back({from, 0.0, -cost});
        return static_cast<int>(edges_.size()) - 2;
    }
    double flow_on(int edge) const { return edges_[edge ^ 1].cap; }

    // Dinic's algorithm.
    double max_flow(int s, int t, double eps) {
        double total = 0.0;
        std::vector<int> level(adj_.size()), it(adj_.size());
        while (true) {
            std::fill(level.begin(), level.end(), -1);
            std::queue<int> q;
            level[s] = 0;
            q.push(s);
            while (!q.empty()) {
                const int v = q.front();
                q.pop();
                for (int e : adj_[v])
                    if (edges_[e].cap > eps && level[edges_[e].to] < 0) {
                        level[edges_[e].to] = level[v] + 1;
                        q.push(edges_[e].to);
                    }
            }
            if (level[t] < 0) return total;
            std::fill(it.begin(), it.end(), 0);
            while (true) {
                const double f = push(s, t, kInf, level, it, eps);
                if (f <= eps) break;
                total += f;
            }
        }
    }

    // Successive shortest paths with potentials (all initial costs are >= 0). Sends up to `want`.
    double min_cost_flow(int s, int t, double want, double eps) {
        const int n = static_cast<int>(adj_.size());
        std::vector<double> pot(n, 0.0), dist(n);
        std::vector<int> prev_edge(n);
        double sent = 0.0;
        while (sent < want - eps) {
            std::fill(dist.begin(), dist.end(), kInf);
            std::fill(prev_edge.begin(), prev_edge.end(), -1);
            using Item = std::pair<double, int>;
            std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
            dist[s] = 0.0;
            pq.push({0.0, s});
            while (!pq.empty()) {
                auto [d, v] = pq.top();
                pq.pop();
                if (d > dist[v]) continue;
                for (int e : adj_[v]) {
                    const FlowEdge& fe = edges_[e];
                    if (fe.cap <= eps) continue;
                    // Clamp tiny negative reduced costs from floating-point drift.
                    const double rc = std::max(0.0, fe.cost + pot[v] - pot[fe.to]);
                    if (dist[v] + rc < dist[fe.to] - 1e-12) {
                        dist[fe.to] = dist[v] + rc;
                        prev_edge[fe.to] = e;
                        pq.push({dist[fe.to], fe.to});
                    }
                }
            }
            if (dist[t] == kInf) break;
            for (int v = 0; v < n; ++v)
                if (dist[v] < kInf) pot[v] += dist[v];
            double f = want - sent;
            for (int v = t; v != s; v = edges_[prev_edge[v] ^ 1].to) f = std::min(f, edges_[prev_edge[v]].cap);
            for (int v = t; v != s; v = edges_[prev_edge[v] ^ 1].to) {
                edges_[prev_edge[v]].cap -= f;
                edges_[prev_edge[v] ^ 1].cap += f;
            }
            sent += f;
        }
        return sent;
    }

private:
    double push(int v, int t, double f, const std::vector<int>& level, std::vector<int>& it, double eps) {
        if (v == t) return f;
        for (int& i = it[v]; i < static_cast<int>(adj_[v].size()); ++i) {
            const int e = adj_[v][i];
            FlowEdge& fe = edges_[e];
            if (fe.cap <= eps || level[fe.to] != level[v] + 1) continue;
            const double d = push(fe.to, t, std::min(f, fe.cap), level, it, eps);
            if (d > eps) {
                fe.cap -= d;
                edges_[e ^ 1].cap += d;
                return d;
            }
        }
        return 0.0;
    }

    std::vector<std::vector<int>> adj_;
    std::vector<FlowEdge> edges_;
};

void validate(const EvacuationProblem& p) {
    if (p.travel_h.size() != p.origins() * p.crossings())
        throw EvacuationError("travel_h must have origins × crossings entries");
    for (std::size_t o = 0; o < p.origins(); ++o)
        if (!std::isfinite(p.demand[o]) || p.demand[o] < 0)
            throw EvacuationError("origin " + std::to_string(o) + ": demand must be a non-negative number");
    for (std::size_t c = 0; c < p.crossings(); ++c)
        if (!std::isfinite(p.capacity_per_h[c]) || p.capacity_per_h[c] <= 0)
            throw EvacuationError("crossing " + std::to_string(c) + ": capacity must be a positive number");
    for (std::size_t o = 0; o < p.origins(); ++o) {
        if (p.demand[o] <= 0) continue;
        bool any = false;
        for (std::size_t c = 0; c < p.crossings(); ++c) {
            const double t = p.travel(o, c);
            if (std::isnan(t) || t < 0) throw EvacuationError("travel time must be >= 0 or +infinity");
            any = any || std::isfinite(t);
        }
        if (!any) throw EvacuationError("origin " + std::to_string(o) + " has people but no usable crossing");
    }
}

// Pieces of [0, T] for one crossing: cut at the arrival times of its origins and, for the cost
// stage, every `max_piece_h` so that a piece's midpoint is a fair price for its people.
std::vector<double> pieces_for(const EvacuationProblem& p, std::size_t c, double horizon, double max_piece_h) {
    std::vector<double> cuts;
    for (std::size_t o = 0; o < p.origins(); ++o) {
        const double t = p.travel(o, c);
        if (p.demand[o] > 0 && std::isfinite(t) && t < horizon) cuts.push_back(t);
    }
    if (cuts.empty()) return {};
    std::sort(cuts.begin(), cuts.end());
    std::vector<double> out;
    for (std::size_t i = 0; i < cuts.size(); ++i) {
        const double end = i + 1 < cuts.size() ? cuts[i + 1] : horizon;
        double a = cuts[i];
        if (!out.empty() && out.back() >= a) continue;
        out.push_back(a);
        if (max_piece_h > 0)
            for (double x = a + max_piece_h; x < end - 1e-9; x += max_piece_h) out.push_back(x);
    }
    out.push_back(horizon);
    return out;
}

struct Built {
    FlowNetwork net{0};
    int source = 0, sink = 0;
    // (origin, crossing, edge index) of every origin -> piece edge
    struct Link {
        std::size_t o, c;
        int edge;
    };
    std::vector<Link> links;
};

Built build(const EvacuationProblem& p, double horizon, double max_piece_h) {
    std::vector<std::vector<double>> cuts(p.crossings());
    int n = 2 + static_cast<int>(p.origins());
    std::vector<int> first_piece(p.crossings());
    for (std::size_t c = 0; c < p.crossings(); ++c) {
        cuts[c] = pieces_for(p, c, horizon, max_piece_h);
        first_piece[c] = n;
        if (!cuts[c].empty()) n += static_cast<int>(cuts[c].size()) - 1;
    }
    Built b;
    b.net = FlowNetwork(n);
    b.source = 0;
    b.sink = 1;
    for (std::size_t o = 0; o < p.origins(); ++o)
        if (p.demand[o] > 0) b.net.add_edge(b.source, 2 + static_cast<int>(o), p.demand[o]);
    for (std::size_t c = 0; c < p.crossings(); ++c) {
        for (std::size_t k = 0; k + 1 < cuts[c].size(); ++k) {
            const int piece = first_piece[c] + static_cast<int>(k);
            const double len = cuts[c][k + 1] - cuts[c][k];
            b.net.add_edge(piece, b.sink, p.capacity_per_h[c] * len);
            const double mid = 0.5 * (cuts[c][k] + cuts[c][k + 1]);
            for (std::size_t o = 0; o < p.origins(); ++o) {
                const double t = p.travel(o, c);
                if (p.demand[o] > 0 && std::isfinite(t) && t <= cuts[c][k] + 1e-12)
                    b.links.push_back({o, c, b.net.add_edge(2 + static_cast<int>(o), piece, kInf, mid)});
            }
        }
    }
    return b;
}

bool feasible(const EvacuationProblem& p, double horizon, double total) {
    Built b = build(p, horizon, 0.0);
    return b.net.max_flow(b.source, b.sink, 1e-9) >= total * (1.0 - 1e-9) - 1e-7;
}

// Largest-remainder rounding of each origin's split to whole people.
void round_people(const EvacuationProblem& p, std::vector<double>& people) {
    const std::size_t nc = p.crossings();
    for (std::size_t o = 0; o < p.origins(); ++o) {
        const double target = std::round(p.demand[o]);
        double sum = 0.0;
        std::vector<std::pair<double, std::size_t>> rem;
        for (std::size_t c = 0; c < nc; ++c) {
            double& v = people[o * nc + c];
            const double fl = std::floor(v + 1e-6);
            rem.push_back({v - fl, c});
            v = fl;
            sum += fl;
        }
        std::sort(rem.begin(), rem.end(), [](auto& a, auto& b) { return a.first > b.first; });
        for (std::size_t i = 0; sum < target && i < rem.size(); ++i) {
            if (!std::isfinite(p.travel(o, rem[i].second))) continue;
            people[o * nc + rem[i].second] += 1.0;
            sum += 1.0;
        }
    }
}

// Each crossing serves its origins in order of arrival, each origin's people in one block: for a
// single server with release times that order minimises the finishing time (1|r_j|Cmax).
void schedule(const EvacuationProblem& p, EvacuationPlan& plan) {
    const std::size_t nc = p.crossings();
    plan.crossings.assign(nc, {});
    plan.waves.clear();
    plan.clearance_h = 0.0;
    plan.person_hours = 0.0;
    for (std::size_t c = 0; c < nc; ++c) {
        std::vector<std::size_t> order;
        for (std::size_t o = 0; o < p.origins(); ++o)
            if (plan.people[o * nc + c] > 0) order.push_back(o);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return p.travel(a, c) < p.travel(b, c); });
        double now = 0.0;
        CrossingLoad& load = plan.crossings[c];
        for (std::size_t o : order) {
            const double n = plan.people[o * nc + c];
            const double start = std::max(now, p.travel(o, c));
            const double end = start + n / p.capacity_per_h[c];
            Wave w;
            w.origin = o;
            w.crossing = c;
            w.people = n;
            w.cross_from_h = start;
            w.cross_until_h = end;
            w.depart_from_h = start - p.travel(o, c);
            w.depart_until_h = end - p.travel(o, c);
            plan.waves.push_back(w);
            if (load.people == 0) load.first_h = start;
            load.people += n;
            load.last_h = end;
            plan.person_hours += n * 0.5 * (start + end);
            now = end;
        }
        plan.clearance_h = std::max(plan.clearance_h, load.last_h);
    }
    const auto hours = static_cast<std::size_t>(std::ceil(plan.clearance_h - 1e-9));
    for (const Wave& w : plan.waves) {
        auto& per_hour = plan.crossings[w.crossing].people_per_hour;
        per_hour.resize(hours, 0.0);
        const double rate = w.people / std::max(1e-12, w.cross_until_h - w.cross_from_h);
        for (auto k = static_cast<std::size_t>(std::floor(w.cross_from_h)); k < hours; ++k) {
            const double a = std::max(w.cross_from_h, double(k)), b = std::min(w.cross_until_h, double(k + 1));
            if (b <= a) {
                if (double(k) >= w.cross_until_h) break;
                continue;
            }
            per_hour[k] += rate * (b - a);
        }
    }
    for (auto& l : plan.crossings) l.people_per_hour.resize(hours, 0.0);
    std::stable_sort(plan.waves.begin(), plan.waves.end(), [](const Wave& a, const Wave& b) {
        return a.origin != b.origin ? a.origin < b.origin : a.depart_from_h < b.depart_from_h;
    });
}

}  // namespace

EvacuationPlan plan_evacuation(const EvacuationProblem& p) {
    validate(p);
    EvacuationPlan plan;
    plan.people.assign(p.origins() * p.crossings(), 0.0);
    const double total = std::accumulate(p.demand.begin(), p.demand.end(), 0.0);
    if (total <= 0) {
        schedule(p, plan);
        return plan;
    }
    // Upper bound: everyone through one usable crossing of the slowest kind after the longest trip.
    double max_t = 0.0, min_cap = kInf;
    for (std::size_t o = 0; o < p.origins(); ++o)
        for (std::size_t c = 0; c < p.crossings(); ++c)
            if (p.demand[o] > 0 && std::isfinite(p.travel(o, c))) {
                max_t = std::max(max_t, p.travel(o, c));
                min_cap = std::min(min_cap, p.capacity_per_h[c]);
            }
    double lo = 0.0, hi = max_t + total / min_cap + 1e-6;
    while (hi - lo > 1e-4 * std::max(1.0, hi) && hi - lo > 1e-5) {
        const double mid = 0.5 * (lo + hi);
        (feasible(p, mid, total) ? hi : lo) = mid;
    }
    // At the horizon, the cheapest (earliest-across) flow of everyone; pieces of at most T/20 (the
    // secondary objective only needs to be roughly right; finer pieces cost quadratically).
    Built b = build(p, hi, std::max(hi / 20.0, 1.0 / 60.0));
    b.net.min_cost_flow(b.source, b.sink, total, 1e-9);
    for (const auto& link : b.links) plan.people[link.o * p.crossings() + link.c] += b.net.flow_on(link.edge);
    round_people(p, plan.people);
    schedule(p, plan);
    return plan;
}

double nearest_crossing_clearance_h(const EvacuationProblem& p) {
    validate(p);
    EvacuationPlan plan;
    plan.people.assign(p.origins() * p.crossings(), 0.0);
    for (std::size_t o = 0; o < p.origins(); ++o) {
        if (p.demand[o] <= 0) continue;
        std::size_t best = 0;
        for (std::size_t c = 1; c < p.crossings(); ++c)
            if (p.travel(o, c) < p.travel(o, best)) best = c;
        plan.people[o * p.crossings() + best] = std::round(p.demand[o]);
    }
    schedule(p, plan);
    return plan.clearance_h;
}

}  // namespace aras::routing
