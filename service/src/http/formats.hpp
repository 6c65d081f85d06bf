// Content negotiation for vector results: GeoJSON inline, or a GDAL-written file on ?format=.
#pragma once

#include <optional>
#include <string>

#include "aras/geo/feature.hpp"
#include "aras/geo/layer_io.hpp"
#include "http/api.hpp"

namespace aras::service::http {

// The ?format= of the request: nullopt for GeoJSON (absent, "geojson" or "json"), else a file
// format; ApiError "unsupported_format" for anything else.
std::optional<geo::VectorFormat> requested_format(const Request& req);

// A downloadable file of `layer` (Content-Disposition attachment "<basename>.<ext>"); a Shapefile
// comes as a .zip of its parts.
Response download(const geo::Layer& layer, geo::VectorFormat format, const std::string& basename);

// A layer of `fc`'s features with a schema inferred from their properties (first type seen wins;
// nested objects and arrays become JSON strings), for the GDAL writers.
geo::Layer layer_from(const geo::FeatureCollection& fc, const std::string& name);

}  // namespace aras::service::http
