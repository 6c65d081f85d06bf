// Contraction hierarchies of the road graph (one per metric): built with the graph, stored in its file.
#pragma once

#include <cstdint>
#include <vector>

#include "aras/routing/costing.hpp"
#include "graph_impl.hpp"

namespace aras::routing {

// Changes whenever the construction changes (order, witness searches): part of the graph cache's key, so a
// cached graph is rebuilt with the current hierarchy even when the file format stays the same.
inline constexpr int kHierarchyVersion = 2;

struct HierarchyData {
    std::vector<std::uint32_t> up_offsets, down_offsets;
    std::vector<ChArc> up, down;
    std::vector<ChUnpack> unpack;
    Hierarchy view() const;
};

// The cost the hierarchy of metric `m` gives edge e: duration (plus the crossing's own waiting time) or
// length; +inf for crossings closed in the layer, which the hierarchy leaves out.
double base_cost(const RoadGraph::Impl& g, std::uint32_t e, Metric m);

// Node order by lazy edge difference (+ contracted neighbours and depth), witness searches limited in
// settled nodes (a missed witness only adds a shortcut, never a wrong distance).
HierarchyData build_hierarchy(const RoadGraph::Impl& g, Metric m);

// Appends the graph edges of an arc, in travel order.
void unpack_arc(const Hierarchy& h, std::uint32_t arc, std::vector<std::uint32_t>& edges);

}  // namespace aras::routing
