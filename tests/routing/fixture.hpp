// ASCII-art road networks for routing tests (Valhalla "gurka" style): letters are nodes, ways list them.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "aras/geo/feature.hpp"

namespace aras::routing::test {

struct Way {
    std::string nodes;  // e.g. "abc": a line through a, b, c
    nlohmann::json properties;
};

struct Gate {
    std::string nodes;  // two letters: gate A (country_a side), gate B
    nlohmann::json properties;
};

// Each character cell is `cell_m` metres; row 0 is the north edge; origin is the NW corner.
class AsciiMap {
public:
    AsciiMap(const std::string& art, double cell_m = 1000.0, geo::LonLat nw = {48.0, 38.5}) {
        int row = 0, col = 0;
        for (char c : art) {
            if (c == '\n') {
                ++row;
                col = 0;
                continue;
            }
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                const double lat = nw.lat - row * cell_m / 111320.0;
                const double lon = nw.lon + col * cell_m / (111320.0 * std::cos(nw.lat * M_PI / 180.0));
                points_[c] = {lon, lat};
            }
            ++col;
        }
    }
    geo::LonLat operator[](char c) const {
        auto it = points_.find(c);
        if (it == points_.end()) throw std::out_of_range(std::string("no node ") + c);
        return it->second;
    }
    geo::LineString line(const std::string& nodes) const {
        geo::LineString l;
        for (char c : nodes) l.push_back((*this)[c]);
        return l;
    }
    geo::Layer roads(const std::vector<Way>& ways) const {
        geo::Layer layer{"roads", {}, {}};
        long id = 1;
        for (const auto& w : ways) {
            geo::Feature f;
            f.geometry = line(w.nodes);
            f.properties = w.properties.is_object() ? w.properties : nlohmann::json::object();
            if (!f.properties.contains("road_id")) f.properties["road_id"] = id;
            if (!f.properties.contains("class")) f.properties["class"] = "primary";
            ++id;
            layer.features.push_back(std::move(f));
        }
        return layer;
    }
    geo::Layer crossings(const std::vector<Gate>& gates) const {
        geo::Layer layer{"crossings", {}, {}};
        for (const auto& g : gates) {
            geo::Feature f;
            f.geometry = line(g.nodes);
            f.properties = g.properties;
            layer.features.push_back(std::move(f));
        }
        return layer;
    }

private:
    std::map<char, geo::LonLat> points_;
};

}  // namespace aras::routing::test
