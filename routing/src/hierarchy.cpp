// Contraction hierarchy construction (Geisberger et al. 2008): nodes are contracted one by one in the order
// of a lazily updated priority, with shortcuts where no witness path exists.
#include "hierarchy.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

namespace aras::routing {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Witness searches stop after this many settled nodes: a missed witness costs a superfluous shortcut only.
// Estimating a node's priority gets a smaller budget than contracting it.
constexpr std::size_t kWitnessSettleLimit = 1000;
constexpr std::size_t kEstimateSettleLimit = 8;

struct DynArc {
    std::uint32_t other;
    std::uint32_t arc;
    double weight;
};

class Contractor {
public:
    explicit Contractor(std::size_t n)
        : out_(n), in_(n), contracted_(n, 0), deleted_(n, 0), level_(n, 0), dist_(n, kInf), via_(n, kInf),
          stamp_(n, 0), target_(n, 0) {}

    void add_arc(std::uint32_t u, std::uint32_t v, double w, ChUnpack what) {
        for (auto& a : out_[u])
            if (a.other == v) {
                if (w >= a.weight) return;
                a.weight = w;
                a.arc = static_cast<std::uint32_t>(unpack_.size());
                for (auto& b : in_[v])
                    if (b.other == u) b = {u, a.arc, w};
                unpack_.push_back(what);
                return;
            }
        const auto id = static_cast<std::uint32_t>(unpack_.size());
        unpack_.push_back(what);
        out_[u].push_back({v, id, w});
        in_[v].push_back({u, id, w});
    }

    HierarchyData run() {
        const std::size_t n = out_.size();
        using Item = std::pair<double, std::uint32_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
        std::vector<double> current(n);
        for (std::uint32_t v = 0; v < n; ++v) queue.push({current[v] = priority(v), v});
        std::vector<std::vector<ChArc>> up(n), down(n);
        std::vector<Shortcut> shortcuts;
        while (!queue.empty()) {
            const auto [p, v] = queue.top();
            queue.pop();
            if (contracted_[v] || p != current[v]) continue;  // done, or a stale entry
            const double now = priority(v);
            if (!queue.empty() && now > queue.top().first) {
                queue.push({current[v] = now, v});
                continue;
            }
            // v's remaining neighbours are all contracted later: its arcs now are its hierarchy arcs.
            for (const auto& a : out_[v]) up[v].push_back({a.other, a.arc, a.weight});
            for (const auto& a : in_[v]) down[v].push_back({a.other, a.arc, a.weight});
            shortcuts.clear();
            find_shortcuts(v, &shortcuts);
            contracted_[v] = 1;
            for (const auto& a : out_[v]) detach(in_[a.other], v), touch(a.other, v);
            for (const auto& a : in_[v]) detach(out_[a.other], v), touch(a.other, v);
            for (const auto& s : shortcuts) add_arc(s.from, s.to, s.weight, {s.first, s.second});
            std::vector<DynArc>().swap(out_[v]);
            std::vector<DynArc>().swap(in_[v]);
        }
        HierarchyData h;
        auto flatten = [n](std::vector<std::vector<ChArc>>& lists, std::vector<std::uint32_t>& offsets,
                           std::vector<ChArc>& arcs) {
            offsets.assign(n + 1, 0);
            for (std::size_t v = 0; v < n; ++v) {
                // Cheapest first: the searches and the stall test meet the likely winners early.
                std::sort(lists[v].begin(), lists[v].end(),
                          [](const ChArc& a, const ChArc& b) { return a.weight < b.weight; });
                offsets[v + 1] = offsets[v] + static_cast<std::uint32_t>(lists[v].size());
                arcs.insert(arcs.end(), lists[v].begin(), lists[v].end());
            }
        };
        flatten(up, h.up_offsets, h.up);
        flatten(down, h.down_offsets, h.down);
        h.unpack = std::move(unpack_);
        return h;
    }

private:
    struct Shortcut {
        std::uint32_t from, to;
        double weight;
        std::uint32_t first, second;
    };

    static void detach(std::vector<DynArc>& list, std::uint32_t v) {
        list.erase(std::remove_if(list.begin(), list.end(), [v](const DynArc& a) { return a.other == v; }), list.end());
    }
    void touch(std::uint32_t neighbour, std::uint32_t v) {
        ++deleted_[neighbour];
        level_[neighbour] = std::max(level_[neighbour], level_[v] + 1);
    }

    // Edge difference, contracted neighbours and depth: keeps the hierarchy sparse and shallow.
    double priority(std::uint32_t v) {
        const std::size_t added = find_shortcuts(v, nullptr);
        const double removed = double(out_[v].size() + in_[v].size());
        return 1.9 * (double(added) - removed) + 1.2 * double(deleted_[v]) + double(level_[v]);
    }

    // Shortcuts needed when v is contracted (into `out` when given); returns their count.
    std::size_t find_shortcuts(std::uint32_t v, std::vector<Shortcut>* out) {
        std::size_t count = 0;
        for (const auto& in : in_[v]) {
            const std::uint32_t u = in.other;
            witness_search(u, v, in.weight, out ? kWitnessSettleLimit : kEstimateSettleLimit);
            for (const auto& o : out_[v]) {
                if (o.other == u) continue;
                const double via = in.weight + o.weight;
                if (dist(o.other) <= via) continue;
                ++count;
                if (out) out->push_back({u, o.other, via, in.arc, o.arc});
            }
        }
        return count;
    }

    double dist(std::uint32_t x) const { return stamp_[x] == gen_ ? dist_[x] : kInf; }

    // Dijkstra from u among uncontracted nodes, avoiding v, until every out-neighbour w of v has a path no
    // longer than u -> v -> w (any tentative distance is a real path), or none can be found any more.
    void witness_search(std::uint32_t u, std::uint32_t v, double in_weight, std::size_t settle_limit) {
        if (++gen_ == 0) {
            std::fill(stamp_.begin(), stamp_.end(), 0);
            std::fill(target_.begin(), target_.end(), 0);
            gen_ = 1;
        }
        std::size_t waiting = 0;
        double limit = -1;
        for (const auto& o : out_[v])
            if (o.other != u) {
                target_[o.other] = gen_;
                via_[o.other] = in_weight + o.weight;
                limit = std::max(limit, in_weight + o.weight);
                ++waiting;
            }
        if (waiting == 0) return;
        using Item = std::pair<double, std::uint32_t>;
        heap_.clear();
        auto set = [&](std::uint32_t x, double d) {
            stamp_[x] = gen_;
            dist_[x] = d;
            heap_.push_back({d, x});
            std::push_heap(heap_.begin(), heap_.end(), std::greater<Item>{});
            if (target_[x] == gen_ && d <= via_[x]) target_[x] = 0, --waiting;  // witnessed
        };
        set(u, 0);
        std::size_t settled = 0;
        while (!heap_.empty()) {
            std::pop_heap(heap_.begin(), heap_.end(), std::greater<Item>{});
            const auto [d, x] = heap_.back();
            heap_.pop_back();
            if (d > dist(x)) continue;
            if (waiting == 0 || d > limit || ++settled > settle_limit) break;
            for (const auto& a : out_[x]) {
                if (a.other == v) continue;
                const double nd = d + a.weight;
                if (nd < dist(a.other)) set(a.other, nd);
            }
        }
    }

    std::vector<std::vector<DynArc>> out_, in_;
    std::vector<std::uint8_t> contracted_;
    std::vector<std::uint32_t> deleted_, level_;
    std::vector<double> dist_, via_;
    std::vector<std::uint32_t> stamp_, target_;
    std::uint32_t gen_ = 0;
    std::vector<std::pair<double, std::uint32_t>> heap_;
    std::vector<ChUnpack> unpack_;
};

}  // namespace

Hierarchy HierarchyData::view() const {
    auto v = []<class T>(const std::vector<T>& x) { return Array<T>{x.data(), x.size()}; };
    return Hierarchy{v(up_offsets), v(up), v(down_offsets), v(down), v(unpack)};
}

double base_cost(const RoadGraph::Impl& g, std::uint32_t e, Metric m) {
    const EdgeRec& r = g.edges[e];
    if (m == Metric::Distance) {
        if (r.crossing != kInvalidId && !g.crossings[r.crossing].open) return kInf;
        return r.length_m;
    }
    double c = r.duration_s;
    if (r.crossing != kInvalidId) {
        if (!g.crossings[r.crossing].open) return kInf;
        c += base_wait_s(g.crossings[r.crossing]);
    }
    return c;
}

HierarchyData build_hierarchy(const RoadGraph::Impl& g, Metric m) {
    Contractor c(g.node_count());
    for (std::uint32_t e = 0; e < g.edges.size(); ++e) {
        const EdgeRec& r = g.edges[e];
        const double w = base_cost(g, e, m);
        if (r.source == r.target || !std::isfinite(w)) continue;
        c.add_arc(r.source, r.target, w, {e, kInvalidId});
    }
    return c.run();
}

void unpack_arc(const Hierarchy& h, std::uint32_t arc, std::vector<std::uint32_t>& edges) {
    const ChUnpack& u = h.unpack[arc];
    if (u.second == kInvalidId) {
        edges.push_back(u.first);
        return;
    }
    unpack_arc(h, u.first, edges);
    unpack_arc(h, u.second, edges);
}

}  // namespace aras::routing
