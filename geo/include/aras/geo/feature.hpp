// Features and layers: a geometry with JSON-like properties, and named collections of them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aras/geo/types.hpp"

namespace aras::geo {

struct Feature {
    Geometry geometry;
    nlohmann::json properties = nlohmann::json::object();
    // Optional feature id (GeoJSON "id"); null when absent.
    nlohmann::json id = nullptr;
};

struct FeatureCollection {
    std::vector<Feature> features;
    // Extra top-level members (e.g. "summary"), written after "features".
    nlohmann::json foreign_members = nlohmann::json::object();
};

// The attribute schema of a layer, in field order, so writers can keep it.
enum class FieldType { String, Integer, Real, Boolean };
struct Field {
    std::string name;
    FieldType type = FieldType::String;
};

// A named, typed in-memory vector layer in EPSG:4326.
struct Layer {
    std::string name;
    std::vector<Field> fields;
    std::vector<Feature> features;

    BBox extent() const;
};

}  // namespace aras::geo
