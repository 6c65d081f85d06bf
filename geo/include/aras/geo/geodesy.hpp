// Geodesic measures on the WGS84 ellipsoid (PROJ's geodesic routines, Karney's algorithms).
#pragma once

#include "aras/geo/types.hpp"

namespace aras::geo {

double geodesic_distance_m(const LonLat& a, const LonLat& b);
double geodesic_length_m(const LineString& line);
// Initial azimuth in degrees clockwise from north.
double geodesic_azimuth_deg(const LonLat& from, const LonLat& to);
LonLat geodesic_destination(const LonLat& from, double azimuth_deg, double distance_m);
// A true geodesic circle as a closed CCW ring polygon of `segments` vertices.
Polygon geodesic_circle(const LonLat& centre, double radius_m, int segments = 64);
// Area in square metres on the ellipsoid of the polygonal parts of `g` (holes subtracted; 0 for
// points and lines). Edges are taken as geodesics.
double geodesic_area_m2(const Geometry& g);

// The closest point of `line` to `p` and its geodesic distance (approximate on long segments:
// projected locally, refined geodesically).
struct LineProjection {
    LonLat point;
    double distance_m = 0.0;
    std::size_t segment = 0;   // index of the segment's first vertex
    double fraction = 0.0;     // position along that segment, 0..1
};
LineProjection project_onto_line(const LonLat& p, const LineString& line);

}  // namespace aras::geo
