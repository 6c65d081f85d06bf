// Finding and resolving place mentions in free text in any of the six languages.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aras/geo/feature.hpp"
#include "aras/geo/gazetteer.hpp"

namespace aras::geo {

struct Mention {
    std::string text;          // the mention as written
    std::size_t start = 0;     // offsets into the input, in Unicode code points
    std::size_t end = 0;
    GeocodeMatch resolved;     // the chosen place
    double confidence = 0.0;   // 0..1
};

struct GeoparseResult {
    std::vector<Mention> mentions;
    // Document-level context used for disambiguation (e.g. dominant countries with weights).
    nlohmann::json context = nlohmann::json::object();
};

class Geoparser {
public:
    explicit Geoparser(std::shared_ptr<const Gazetteer> gazetteer);
    ~Geoparser();
    Geoparser(Geoparser&&) noexcept;
    Geoparser& operator=(Geoparser&&) noexcept;

    GeoparseResult parse(std::string_view utf8_text) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A FeatureCollection: one Point feature per mention (mention, start, end, name, country, kind, confidence),
// with the context as a foreign member "context".
FeatureCollection to_feature_collection(const GeoparseResult& result);

}  // namespace aras::geo
