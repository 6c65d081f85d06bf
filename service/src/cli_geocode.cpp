// Subcommands: geocode (name → places), reverse (position → place, country, province), geoparse (text → mentions).
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "aras/geo/gazetteer.hpp"
#include "aras/geo/geojson.hpp"
#include "aras/geo/geoparser.hpp"
#include "aras/service/cli.hpp"
#include "cli_args.hpp"
#include "cli_commands.hpp"

namespace aras::service::cli {
namespace {

geo::LonLat parse_lonlat(const std::string& text, const std::string& what) {
    const auto comma = text.find(',');
    if (comma == std::string::npos) throw UsageError(what + " must be lon,lat (got '" + text + "')");
    try {
        std::size_t a = 0, b = 0;
        const std::string lon_s = text.substr(0, comma), lat_s = text.substr(comma + 1);
        const geo::LonLat p{std::stod(lon_s, &a), std::stod(lat_s, &b)};
        if (a != lon_s.size() || b != lat_s.size() || !geo::is_valid(p)) throw std::invalid_argument("range");
        return p;
    } catch (const UsageError&) {
        throw;
    } catch (const std::exception&) {
        throw UsageError(what + " must be lon,lat within [-180,180],[-90,90] (got '" + text + "')");
    }
}

double parse_coordinate(const std::string& text, const std::string& what, double limit) {
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(v) || std::fabs(v) > limit) throw std::invalid_argument("range");
        return v;
    } catch (const std::exception&) {
        throw UsageError(what + " must be a number within ±" + std::to_string(static_cast<int>(limit)) + " (got '" +
                         text + "')");
    }
}

}  // namespace

int geocode(const CommandArgs& argv) {
    const Args args(argv, {"--country", "--near", "--limit", "--data"});
    geo::GeocodeQuery q;
    q.text = args.require_positional(0, "QUERY");
    for (std::size_t i = 1; i < args.positional().size(); ++i) q.text += " " + args.positional()[i];
    if (auto c = args.value("--country")) {
        if (c->size() != 2) throw UsageError("--country must be an ISO 3166-1 alpha-2 code such as AZ");
        std::string up = *c;
        for (auto& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        q.country = up;
    }
    if (auto n = args.value("--near")) q.near = parse_lonlat(*n, "--near");
    const long limit = args.integer_or("--limit", 10);
    if (limit < 1 || limit > 1000) throw UsageError("--limit must be between 1 and 1000");
    q.limit = static_cast<int>(limit);
    const auto gazetteer = geo::Gazetteer::load(args.value_or("--data", default_data_dir()));
    const auto matches = gazetteer->geocode(q);
    if (matches.empty()) {
        std::cerr << "aras: no place matches '" << q.text << "'"
                  << (q.country ? " in " + *q.country : std::string()) << "\n";
        return 1;
    }
    geo::FeatureCollection fc;
    for (const auto& m : matches) fc.features.push_back(geo::to_feature(m));
    std::cout << geo::to_geojson(fc) << "\n";
    return 0;
}

int reverse(const CommandArgs& argv) {
    const Args args(argv, {"--data"});
    const geo::LonLat p{parse_coordinate(args.require_positional(0, "LON"), "LON", 180.0),
                        parse_coordinate(args.require_positional(1, "LAT"), "LAT", 90.0)};
    if (args.positional().size() > 2) throw UsageError("reverse takes LON LAT only");
    const auto gazetteer = geo::Gazetteer::load(args.value_or("--data", default_data_dir()));
    const auto r = gazetteer->reverse(p);
    geo::FeatureCollection fc;
    geo::Feature f;
    f.geometry = p;
    f.properties["country"] = r.country;
    f.properties["country_name"] = r.country_name;
    f.properties["province"] = r.province;
    if (r.nearest) {
        const auto nf = geo::to_feature(*r.nearest);
        f.properties["nearest"] = nf.properties;
        f.properties["nearest"]["lon"] = r.nearest->place->location.lon;
        f.properties["nearest"]["lat"] = r.nearest->place->location.lat;
        f.properties["distance_m"] = std::round(r.distance_m);
    }
    fc.features.push_back(std::move(f));
    if (r.nearest) fc.features.push_back(geo::to_feature(*r.nearest));
    std::cout << geo::to_geojson(fc) << "\n";
    return 0;
}

int geoparse(const CommandArgs& argv) {
    const Args args(argv, {"--data"});
    const std::string& file = args.require_positional(0, "FILE|-");
    std::string text;
    if (file == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read " + file);
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    }
    const geo::Geoparser parser(geo::Gazetteer::load(args.value_or("--data", default_data_dir())));
    std::cout << geo::to_geojson(geo::to_feature_collection(parser.parse(text))) << "\n";
    return 0;
}

}  // namespace aras::service::cli
