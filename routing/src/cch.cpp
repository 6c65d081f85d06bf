// Customizable contraction hierarchy: construction (METIS order, chordal supergraph, triangles, base
// customisation) and the per-query partial customisation and elimination-tree search.
#include "cch.hpp"

#include <metis.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>
#include <tuple>

#include "hierarchy.hpp"

namespace aras::routing {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The arc lo-hi (ranks, lo < hi), which the chordal supergraph has for every pair of upper neighbours.
std::uint32_t find_arc(const Cch& c, std::uint32_t lo, std::uint32_t hi) {
    const auto b = c.head.begin() + c.first[lo], e = c.head.begin() + c.first[lo + 1];
    const auto it = std::lower_bound(b, e, hi);
    if (it == e || *it != hi) return kInvalidId;
    return static_cast<std::uint32_t>(it - c.head.begin());
}

// Arc a's weights (both directions) and what gives them, from the costs of its own edges and its lower
// triangles' weights in w (final for every arc below a).
template <class Cost>
std::pair<Cch::ArcWeight, Cch::ArcVia> customise_arc(const Cch& c, std::uint32_t a, const Cost& cost,
                                                      const std::vector<Cch::ArcWeight>& w) {
    double up = kInf, down = kInf;
    std::uint32_t edge_up = kInvalidId, edge_down = kInvalidId;
    for (std::uint32_t i = c.arc_edge_first[a]; i < c.arc_edge_first[a + 1]; ++i) {
        const std::uint32_t e = c.arc_edges[i] & ~Cch::kDownBit;
        const double ce = cost(e);
        if (c.arc_edges[i] & Cch::kDownBit) {
            if (ce < down) down = ce, edge_down = e;
        } else if (ce < up) {
            up = ce, edge_up = e;
        }
    }
    // The best triangles (kInvalidId: an edge or nothing gives the weight).
    std::uint32_t tri_up = kInvalidId, tri_down = kInvalidId;
    const Cch::ArcWeight* wp = w.data();
    for (std::uint32_t t = c.tri_first[a], end = c.tri_first[a + 1]; t < end; ++t) {
        const auto [lo_u, lo_w] = c.tri[t];  // arcs v-u and v-w: u -> v -> w and w -> v -> u
        const double via_up = wp[lo_u].down + wp[lo_w].up, via_down = wp[lo_w].down + wp[lo_u].up;
        if (via_up < up) up = via_up, tri_up = t;
        if (via_down < down) down = via_down, tri_down = t;
    }
    Cch::ArcVia via{kInvalidId, kInvalidId, kInvalidId, kInvalidId};
    if (tri_up != kInvalidId) via.up_first = c.tri[tri_up].first, via.up_second = c.tri[tri_up].second;
    else if (edge_up != kInvalidId) via.up_first = edge_up | Cch::kEdgeBit;
    if (tri_down != kInvalidId) via.down_first = c.tri[tri_down].second, via.down_second = c.tri[tri_down].first;
    else if (edge_down != kInvalidId) via.down_first = edge_down | Cch::kEdgeBit;
    return {{up, down}, via};
}

// Nested-dissection order of the undirected graph; rank[node] = position.
std::vector<std::uint32_t> nested_dissection(std::uint32_t n, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& links) {
    std::vector<std::uint32_t> rank(n);
    for (std::uint32_t v = 0; v < n; ++v) rank[v] = v;
    if (n < 2 || links.empty()) return rank;
    std::vector<idx_t> xadj(n + 1, 0), adjncy(2 * links.size());
    for (const auto& [a, b] : links) ++xadj[a + 1], ++xadj[b + 1];
    for (std::uint32_t v = 0; v < n; ++v) xadj[v + 1] += xadj[v];
    std::vector<idx_t> fill(xadj.begin(), xadj.end() - 1);
    for (const auto& [a, b] : links) adjncy[std::size_t(fill[a]++)] = idx_t(b), adjncy[std::size_t(fill[b]++)] = idx_t(a);
    idx_t options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(options);
    options[METIS_OPTION_SEED] = 42;
    options[METIS_OPTION_NUMBERING] = 0;
    idx_t nv = idx_t(n);
    std::vector<idx_t> perm(n), iperm(n);
    if (METIS_NodeND(&nv, xadj.data(), adjncy.data(), nullptr, options, perm.data(), iperm.data()) != METIS_OK)
        throw std::runtime_error("METIS_NodeND failed on the road graph");
    for (std::uint32_t v = 0; v < n; ++v) rank[v] = std::uint32_t(iperm[v]);
    return rank;
}

}  // namespace

std::unique_ptr<Cch> build_cch(const RoadGraph::Impl& g) {
    // Limits per node: beyond them the separators are too large for partial customisation to pay and the memory
    // grows like n^1.5 (the 100k-node synthetic grid: ~780 triangles per node, 1.9 GB, a re-customisation per
    // soft zone of 0.5 s); such graphs answer changed costs with ALT instead. Road networks stay far below
    // (embedded region: 3.1 arcs and 8.3 triangles per node).
    constexpr std::uint64_t kMaxArcsPerNode = 16, kMaxTrianglesPerNode = 64;
    static std::atomic<std::uint64_t> next_id{1};
    auto c = std::make_unique<Cch>();
    c->id = next_id++;
    const std::uint32_t n = static_cast<std::uint32_t>(g.node_count());
    c->n = n;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> links;
    links.reserve(g.edges.size());
    for (const EdgeRec& r : g.edges)
        if (r.source != r.target) links.emplace_back(std::min(r.source, r.target), std::max(r.source, r.target));
    std::sort(links.begin(), links.end());
    links.erase(std::unique(links.begin(), links.end()), links.end());
    c->rank = nested_dissection(n, links);
    c->node_at.resize(n);
    for (std::uint32_t v = 0; v < n; ++v) c->node_at[c->rank[v]] = v;

    // Chordal supergraph by the elimination game: a node's upper neighbours become its parent's (the lowest of
    // them) upper neighbours.
    std::vector<std::vector<std::uint32_t>> upper(n);
    for (const auto& [a, b] : links) {
        const std::uint32_t ra = c->rank[a], rb = c->rank[b];
        upper[std::min(ra, rb)].push_back(std::max(ra, rb));
    }
    c->parent.assign(n, kInvalidId);
    c->first.assign(n + 1, 0);
    const std::uint64_t max_arcs = kMaxArcsPerNode * n, max_triangles = kMaxTrianglesPerNode * n;
    std::uint64_t triangles = 0;
    for (std::uint32_t v = 0; v < n; ++v) {
        auto& u = upper[v];
        std::sort(u.begin(), u.end());
        u.erase(std::unique(u.begin(), u.end()), u.end());
        if (!u.empty()) triangles += std::uint64_t(u.size()) * (u.size() - 1) / 2;
        const std::uint64_t arcs_so_far = std::uint64_t(c->first[v]) + u.size();
        if (arcs_so_far > max_arcs || triangles > max_triangles || arcs_so_far >= Cch::kEdgeBit ||
            triangles >= Cch::kEdgeBit)
            return nullptr;
        c->first[v + 1] = c->first[v] + static_cast<std::uint32_t>(u.size());
        if (u.empty()) continue;
        c->parent[v] = u[0];
        upper[u[0]].insert(upper[u[0]].end(), u.begin() + 1, u.end());
    }
    c->head.reserve(c->first[n]);
    c->tail.reserve(c->first[n]);
    for (std::uint32_t v = 0; v < n; ++v) {
        for (std::uint32_t h : upper[v]) c->head.push_back(h), c->tail.push_back(v);
        std::vector<std::uint32_t>().swap(upper[v]);
    }
    const std::size_t arcs = c->arcs();

    // Lower triangles: every pair of a node's upward arcs closes a triangle on the arc between their heads.
    c->tri_first.assign(arcs + 1, 0);
    for (int pass = 0; pass < 2; ++pass) {
        std::vector<std::uint32_t> at;
        if (pass == 1) {
            for (std::size_t a = 0; a < arcs; ++a) c->tri_first[a + 1] += c->tri_first[a];
            c->tri.resize(c->tri_first[arcs]);
            at.assign(c->tri_first.begin(), c->tri_first.end() - 1);
        }
        for (std::uint32_t v = 0; v < n; ++v)
            for (std::uint32_t i = c->first[v]; i < c->first[v + 1]; ++i)
                for (std::uint32_t j = i + 1; j < c->first[v + 1]; ++j) {
                    const std::uint32_t top = find_arc(*c, c->head[i], c->head[j]);
                    if (pass == 0) ++c->tri_first[top + 1];
                    else c->tri[at[top]++] = {i, j};
                }
    }
    c->above_first.assign(arcs + 1, 0);
    for (const auto& [lo_u, lo_w] : c->tri) ++c->above_first[lo_u + 1], ++c->above_first[lo_w + 1];
    for (std::size_t a = 0; a < arcs; ++a) c->above_first[a + 1] += c->above_first[a];
    c->above.resize(c->above_first[arcs]);
    {
        std::vector<std::uint32_t> at(c->above_first.begin(), c->above_first.end() - 1);
        for (std::uint32_t top = 0; top < arcs; ++top)
            for (std::uint32_t t = c->tri_first[top]; t < c->tri_first[top + 1]; ++t)
                c->above[at[c->tri[t].first]++] = {top, t}, c->above[at[c->tri[t].second]++] = {top, t};
    }

    c->edge_arc.assign(g.edges.size(), kInvalidId);
    c->arc_edge_first.assign(arcs + 1, 0);
    for (std::uint32_t e = 0; e < g.edges.size(); ++e) {
        const EdgeRec& r = g.edges[e];
        if (r.crossing != kInvalidId) c->crossing_edges.push_back(e);
        if (r.source == r.target) continue;
        const std::uint32_t ra = c->rank[r.source], rb = c->rank[r.target];
        c->edge_arc[e] = find_arc(*c, std::min(ra, rb), std::max(ra, rb));
        ++c->arc_edge_first[c->edge_arc[e] + 1];
    }
    for (std::size_t a = 0; a < arcs; ++a) c->arc_edge_first[a + 1] += c->arc_edge_first[a];
    c->arc_edges.resize(c->arc_edge_first[arcs]);
    {
        std::vector<std::uint32_t> at(c->arc_edge_first.begin(), c->arc_edge_first.end() - 1);
        for (std::uint32_t e = 0; e < g.edges.size(); ++e) {
            const std::uint32_t a = c->edge_arc[e];
            if (a == kInvalidId) continue;
            c->arc_edges[at[a]++] = e | (c->rank[g.edges[e].source] == c->tail[a] ? 0 : Cch::kDownBit);
        }
    }

    // Base customisation, arcs in order of their lower end.
    for (Metric m : {Metric::Time, Metric::Distance}) {
        auto& base = c->base[m == Metric::Distance];
        base.weight.resize(arcs);
        base.via.resize(arcs);
        const auto cost = [&](std::uint32_t e) { return base_cost(g, e, m); };
        for (std::uint32_t a = 0; a < arcs; ++a) std::tie(base.weight[a], base.via[a]) = customise_arc(*c, a, cost, base.weight);
    }
    return c;
}

namespace {

// Per-thread working copies of the customisations and the search's labels. A thread's copy of one metric holds
// its last query's customisation until a query with other changes comes.
struct CchScratch {
    std::uint64_t owner = 0;  // Cch::id
    Cch::Customisation w[2];
    int cached_metric = -1;           // the metric whose copy differs from its base, -1 when none
    std::vector<EdgeCost> cached;     // the changes it is customised for
    std::vector<double> edge_cost;    // per graph edge: the cached changes' cost, NaN when the base applies
    std::vector<std::uint8_t> queued, saved;
    std::vector<std::uint32_t> saved_arcs;
    std::vector<double> df, db;
    std::vector<std::uint32_t> pf, pb;
    std::vector<std::uint8_t> in_f, in_b;
    std::vector<std::uint32_t> chain_f, chain_b;
    std::vector<std::pair<std::uint32_t, bool>> unpack_stack;
    std::priority_queue<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::pair<std::uint32_t, std::uint32_t>>,
                        std::greater<>>
        work;

    void attach(const RoadGraph::Impl& g, const Cch& c, int m) {
        if (owner != c.id) {
            owner = c.id;
            w[0] = {};
            w[1] = {};
            cached_metric = -1;
            cached.clear();
            saved_arcs.clear();
            edge_cost.assign(g.edges.size(), std::numeric_limits<double>::quiet_NaN());
            queued.assign(c.arcs(), 0);
            saved.assign(c.arcs(), 0);
            df.assign(c.n, kInf);
            db.assign(c.n, kInf);
            pf.assign(c.n, kInvalidId);
            pb.assign(c.n, kInvalidId);
            in_f.assign(c.n, 0);
            in_b.assign(c.n, 0);
        }
        if (w[m].weight.size() != c.arcs()) w[m] = c.base[m];
    }
    // Back to the base customisation.
    void restore(const Cch& c) {
        if (cached_metric >= 0) {
            auto& mine = w[cached_metric];
            const auto& base = c.base[cached_metric];
            for (std::uint32_t a : saved_arcs) mine.weight[a] = base.weight[a], mine.via[a] = base.via[a], saved[a] = 0;
            for (const auto& x : cached) edge_cost[x.edge] = std::numeric_limits<double>::quiet_NaN();
        }
        saved_arcs.clear();
        cached.clear();
        cached_metric = -1;
    }
};

thread_local CchScratch tl_cch;

class Query {
public:
    Query(const RoadGraph::Impl& g, const Cch& c, Metric m)
        : g_(g), c_(c), m_(m), s_(tl_cch), w_(s_.w[m == Metric::Distance]) {
        s_.attach(g, c, m == Metric::Distance);
    }
    ~Query() {
        for (std::uint32_t x : s_.chain_f) s_.df[x] = kInf, s_.pf[x] = kInvalidId, s_.in_f[x] = 0;
        for (std::uint32_t x : s_.chain_b) s_.db[x] = kInf, s_.pb[x] = kInvalidId, s_.in_b[x] = 0;
        s_.chain_f.clear();
        s_.chain_b.clear();
    }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    double cost(std::uint32_t e) const {
        const double x = s_.edge_cost[e];
        return std::isnan(x) ? base_cost(g_, e, m_) : x;
    }

    // Partial customisation: arcs whose input edges changed, then the arcs above a changed arc whose weight it
    // gave or now undercuts, in order of lower end (each arc is recomputed after every arc below it).
    std::size_t customise(const std::vector<EdgeCost>& changed) {
        const int m = m_ == Metric::Distance;
        if (s_.cached_metric == m && s_.cached == changed) return 0;
        s_.restore(c_);
        auto& work = s_.work;
        auto push = [&](std::uint32_t a) {
            if (!s_.queued[a]) s_.queued[a] = 1, work.emplace(c_.tail[a], a);
        };
        s_.cached_metric = m;
        s_.cached = changed;
        for (const auto& [e, x] : changed) {
            if (c_.edge_arc[e] == kInvalidId) continue;
            s_.edge_cost[e] = x;
            push(c_.edge_arc[e]);
        }
        std::size_t recomputed = 0;
        const auto cost = [this](std::uint32_t e) { return this->cost(e); };
        auto& weight = w_.weight;
        auto& via = w_.via;
        while (!work.empty()) {
            const std::uint32_t a = work.top().second;
            work.pop();
            s_.queued[a] = 0;
            ++recomputed;
            const auto [x, v] = customise_arc(c_, a, cost, weight);
            const bool moved = x.up != weight[a].up || x.down != weight[a].down;
            const Cch::ArcVia& old = via[a];
            if (!moved && v.up_first == old.up_first && v.up_second == old.up_second &&
                v.down_first == old.down_first && v.down_second == old.down_second)
                continue;
            if (!s_.saved[a]) s_.saved[a] = 1, s_.saved_arcs.push_back(a);
            weight[a] = x;
            via[a] = v;
            if (!moved) continue;
            // An arc above changes only if this triangle gave its weight or now undercuts it (its other triangles
            // and edges are as they were when it was last computed; arcs above are recomputed after this one).
            for (std::uint32_t i = c_.above_first[a]; i < c_.above_first[a + 1]; ++i) {
                const auto [top, t] = c_.above[i];
                const auto [lo_u, lo_w] = c_.tri[t];
                const Cch::ArcVia& tv = via[top];
                if ((tv.up_first == lo_u && tv.up_second == lo_w) || (tv.down_first == lo_w && tv.down_second == lo_u) ||
                    weight[lo_u].down + weight[lo_w].up < weight[top].up ||
                    weight[lo_w].down + weight[lo_u].up < weight[top].down)
                    push(top);
            }
        }
        return recomputed;
    }

    // Elimination-tree search: each side relaxes the upward arcs of its endpoints' ancestors, lowest first.
    void side(const std::vector<Endpoint>& at, bool forward) {
        auto& d = forward ? s_.df : s_.db;
        auto& p = forward ? s_.pf : s_.pb;
        auto& in = forward ? s_.in_f : s_.in_b;
        auto& chain = forward ? s_.chain_f : s_.chain_b;
        for (const auto& x : at) {
            const std::uint32_t r = c_.rank[x.node];
            if (x.cost < d[r]) d[r] = x.cost, p[r] = kInvalidId;
            for (std::uint32_t v = r; v != kInvalidId && !in[v]; v = c_.parent[v]) in[v] = 1, chain.push_back(v);
        }
        if (at.size() > 1) std::sort(chain.begin(), chain.end());
        const auto& weight = w_.weight;
        for (std::uint32_t v : chain) {
            const double dv = d[v];
            if (dv == kInf) continue;
            for (std::uint32_t a = c_.first[v]; a < c_.first[v + 1]; ++a) {
                const double nd = dv + (forward ? weight[a].up : weight[a].down);
                const std::uint32_t h = c_.head[a];
                if (nd < d[h]) d[h] = nd, p[h] = a;
            }
        }
    }

    // Appends the graph edges of arc a travelled upward (lower -> higher end) or downward.
    void unpack(std::uint32_t arc, bool upward, std::vector<std::uint32_t>& out) const {
        auto& stack = s_.unpack_stack;
        stack.assign(1, {arc, upward});
        while (!stack.empty()) {
            const auto [a, up] = stack.back();
            stack.pop_back();
            const Cch::ArcVia& v = w_.via[a];
            const std::uint32_t first = up ? v.up_first : v.down_first, second = up ? v.up_second : v.down_second;
            if (first == kInvalidId) throw std::logic_error("customizable hierarchy: arc " + std::to_string(a) + " has no path");
            if (first & Cch::kEdgeBit) {
                out.push_back(first & ~Cch::kEdgeBit);
            } else {
                stack.emplace_back(second, true);
                stack.emplace_back(first, false);
            }
        }
    }

    CchPath run(const std::vector<EdgeCost>& changed, const std::vector<Endpoint>& sources,
                const std::vector<Endpoint>& targets) {
        CchPath r{kInf, {}, kInvalidId, kInvalidId, 0, 0};
        r.changed_arcs = customise(changed);
        side(sources, true);
        side(targets, false);
        r.visited = s_.chain_f.size() + s_.chain_b.size();
        std::uint32_t meet = kInvalidId;
        for (std::uint32_t v : s_.chain_f)
            if (s_.in_b[v] && s_.df[v] + s_.db[v] < r.cost) r.cost = s_.df[v] + s_.db[v], meet = v;
        if (meet == kInvalidId) return r;
        std::vector<std::uint32_t> up_arcs;
        std::uint32_t v = meet;
        for (; s_.pf[v] != kInvalidId; v = c_.tail[s_.pf[v]]) up_arcs.push_back(s_.pf[v]);
        r.start = c_.node_at[v];
        for (auto it = up_arcs.rbegin(); it != up_arcs.rend(); ++it) unpack(*it, true, r.edges);
        for (v = meet; s_.pb[v] != kInvalidId; v = c_.tail[s_.pb[v]]) unpack(s_.pb[v], false, r.edges);
        r.end = c_.node_at[v];
        return r;
    }

private:
    const RoadGraph::Impl& g_;
    const Cch& c_;
    Metric m_;
    CchScratch& s_;
    Cch::Customisation& w_;
};

}  // namespace

const Cch* RoadGraph::Impl::customizable() const {
    std::call_once(cch_once, [this] { cch = build_cch(*this); });
    return cch.get();
}

CchPath cch_search(const RoadGraph::Impl& g, const Cch& c, Metric m, const std::vector<EdgeCost>& changed,
                   const std::vector<Endpoint>& sources, const std::vector<Endpoint>& targets) {
    Query q(g, c, m);
    return q.run(changed, sources, targets);
}

}  // namespace aras::routing
