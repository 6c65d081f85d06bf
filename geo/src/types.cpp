#include "aras/geo/feature.hpp"
#include "aras/geo/types.hpp"

namespace aras::geo {

namespace {
void extend_all(BBox& b, const std::vector<LonLat>& pts) {
    for (const auto& p : pts) b.extend(p);
}
}  // namespace

BBox bbox_of(const Geometry& g) {
    BBox b;
    std::visit(
        [&b](const auto& geom) {
            using T = std::decay_t<decltype(geom)>;
            if constexpr (std::is_same_v<T, LonLat>) {
                b.extend(geom);
            } else if constexpr (std::is_same_v<T, LineString>) {
                extend_all(b, geom);
            } else if constexpr (std::is_same_v<T, Polygon>) {
                for (const auto& r : geom.rings) extend_all(b, r);
            } else if constexpr (std::is_same_v<T, MultiPoint>) {
                extend_all(b, geom.points);
            } else if constexpr (std::is_same_v<T, MultiLineString>) {
                for (const auto& l : geom.lines) extend_all(b, l);
            } else if constexpr (std::is_same_v<T, MultiPolygon>) {
                for (const auto& p : geom.polygons)
                    for (const auto& r : p.rings) extend_all(b, r);
            }
        },
        g);
    return b;
}

BBox Layer::extent() const {
    BBox b;
    for (const auto& f : features) b.extend(bbox_of(f.geometry));
    return b;
}

}  // namespace aras::geo
