// Geometry operations through GEOS (re-entrant C API), in metres where distances are involved.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "aras/geo/types.hpp"

namespace aras::geo {

// A geometry GEOS or PROJ cannot work with (e.g. a ring of 3 positions); the message says why.
class GeometryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

bool is_valid(const Geometry& g, std::string* reason = nullptr);
// GEOS MakeValid (STRUCTURE method); returns the input unchanged when already valid. Open rings
// are closed and degenerate parts dropped first; a polygonal input stays polygonal (std::monostate
// when nothing is left).
Geometry make_valid(const Geometry& g);

// Geodesically correct buffer: the geometry is projected to a local azimuthal equidistant
// projection centred on it (PROJ), buffered in metres (GEOS) and projected back. The result
// is valid and RFC 7946 wound.
MultiPolygon buffer_m(const Geometry& g, double distance_m, int quadrant_segments = 8);

// The area within distance_m of a geometry's points and lines (polygons by their outline), approximated on a raster in the same
// local metric projection: positions are burnt into cells of at most distance_m / 6 (coarser only
// when the extent would need more than ~2,000 x 2,000 cells), dilated by an exact Euclidean distance
// transform, traced to polygons (GDAL Polygonize) and simplified by half a cell. The result is
// within about one cell of buffer_m's, valid and RFC 7946 wound. Its cost grows with the length of
// the input and the raster size, not with the number of overlapping parts, so it suits isochrones
// over thousands of street segments, where buffer_m's noding takes seconds.
MultiPolygon raster_buffer_m(const Geometry& g, double distance_m);

bool intersects(const Geometry& a, const Geometry& b);
// True when p is inside or on the boundary (polygons are tested directly, without GEOS, since
// this runs per query on large country polygons).
bool contains(const Geometry& container, const LonLat& p);
// The union of the polygonal parts (points and lines are ignored).
MultiPolygon union_all(const std::vector<Geometry>& parts);
// Length in metres of the part of `line` inside `area`.
double length_inside_m(const LineString& line, const Geometry& area);
// Minimum geodesic distance in metres between a point and a geometry (0 when inside/on; infinity
// for an empty geometry).
double distance_m(const LonLat& p, const Geometry& g);

}  // namespace aras::geo
