// The multilingual gazetteer: forward geocoding by name and reverse geocoding by position.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "aras/geo/feature.hpp"
#include "aras/geo/types.hpp"

namespace aras::geo {

// The gazetteer file is missing or damaged.
class GazetteerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Place {
    std::uint32_t id = 0;                      // index in the gazetteer
    std::string name;                          // English canonical name
    std::map<std::string, std::string> names;  // by language: en, he, fa, ru, az, tr, hy, ...
    std::string country;                       // ISO2
    std::string kind;      // city/town/village/crossing/region/river/bridge/country/corridor/...
    std::int64_t population = 0;
    LonLat location;
    std::string source;    // geonames:ID, wof:ID, curated:..., crossing:ID
    std::string crossing_id;  // for kind == "crossing": the id in the crossings layer
    std::string province;     // first-level division containing the place ("" when unknown)
};

struct GeocodeQuery {
    std::string text;
    std::optional<std::string> country;  // ISO2 filter
    std::optional<LonLat> near;          // proximity bias
    int limit = 10;
};

struct GeocodeMatch {
    const Place* place = nullptr;
    double score = 0.0;       // 0..1, best first
    std::string matched;      // the name variant that matched
    std::string match_type;   // exact | folded | fuzzy
};

struct ReverseResult {
    std::optional<GeocodeMatch> nearest;  // nearest populated place
    double distance_m = 0.0;              // to the nearest place
    std::string country;                  // ISO2 of the containing country polygon ("" at sea)
    std::string country_name;
    std::string province;                 // containing province ("" when unknown)
};

class Gazetteer {
public:
    // Loads DATA_DIR/gazetteer/... and the countries/provinces layers for reverse geocoding.
    static std::shared_ptr<const Gazetteer> load(const std::string& data_dir);
    virtual ~Gazetteer() = default;

    virtual std::vector<GeocodeMatch> geocode(const GeocodeQuery& query) const = 0;
    virtual ReverseResult reverse(const LonLat& position) const = 0;
    virtual const Place& place(std::uint32_t id) const = 0;
    virtual std::size_t size() const = 0;
};

// Writes DATA_DIR/gazetteer/{places.tsv.gz, admin_areas.geojson}, the files Gazetteer::load reads,
// from a places layer (Point features: name, kind, population, country, names = a JSON object of
// names by language) and a countries layer (iso2, name): what `aras import` leaves so geocoding,
// reverse geocoding and geoparsing work on an imported region. Throws GazetteerError.
void write_gazetteer(const Layer& places, const Layer& countries, const std::string& data_dir);

// The GeoJSON feature of a match: name, names, country, kind, population, score, matched.
Feature to_feature(const GeocodeMatch& match);

}  // namespace aras::geo
