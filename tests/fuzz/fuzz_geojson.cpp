// libFuzzer target: the GeoJSON request-body reader must reject bad input with GeoJsonError, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aras/geo/geojson.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto fc = aras::geo::parse_geojson(std::string_view(reinterpret_cast<const char*>(data), size));
        (void)aras::geo::to_geojson(fc);
    } catch (const aras::geo::GeoJsonError&) {
    } catch (const nlohmann::json::exception&) {
    }
    return 0;
}
