// Geometry operations through GEOS (re-entrant C API), in metres where distances are involved.
#pragma once

#include <string>

#include "aras/geo/types.hpp"

namespace aras::geo {

bool is_valid(const Geometry& g, std::string* reason = nullptr);
// GEOS MakeValid; returns the input unchanged when already valid.
Geometry make_valid(const Geometry& g);

// Geodesically correct buffer: the geometry is projected to a local azimuthal equidistant
// projection centred on it (PROJ), buffered in metres (GEOS) and projected back. The result
// is valid and RFC 7946 wound.
MultiPolygon buffer_m(const Geometry& g, double distance_m, int quadrant_segments = 8);

bool intersects(const Geometry& a, const Geometry& b);
bool contains(const Geometry& container, const LonLat& p);
MultiPolygon union_all(const std::vector<Geometry>& parts);
// Length in metres of the part of `line` inside `area`.
double length_inside_m(const LineString& line, const Geometry& area);
// Minimum geodesic distance in metres between a point and a geometry (0 when inside/on).
double distance_m(const LonLat& p, const Geometry& g);

}  // namespace aras::geo
