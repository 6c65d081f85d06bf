#include "http/formats.hpp"

#include <algorithm>
#include <stdexcept>

#include "http/error_table.hpp"

namespace aras::service::http {

std::optional<geo::VectorFormat> requested_format(const Request& req) {
    const std::string* f = req.param("format");
    if (!f) return std::nullopt;
    std::string lower = *f;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "geojson" || lower == "json") return std::nullopt;
    try {
        return geo::parse_vector_format(lower);
    } catch (const std::invalid_argument&) {
        throw ApiError("unsupported_format", {f->substr(0, 40)});
    }
}

Response download(const geo::Layer& layer, geo::VectorFormat format, const std::string& basename) {
    Response r;
    r.body = geo::write_layer_bytes(layer, format);
    std::string ext(geo::file_extension(format));
    if (format == geo::VectorFormat::Shapefile) {
        ext = ".zip";
        r.content_type = "application/zip";
    } else {
        r.content_type = std::string(geo::media_type(format));
    }
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + basename + ext + "\"");
    return r;
}

geo::Layer layer_from(const geo::FeatureCollection& fc, const std::string& name) {
    geo::Layer layer;
    layer.name = name;
    for (const auto& f : fc.features) {
        geo::Feature copy;
        copy.geometry = f.geometry;
        copy.id = f.id;
        copy.properties = nlohmann::json::object();
        for (const auto& [key, value] : f.properties.items()) {
            auto it = std::find_if(layer.fields.begin(), layer.fields.end(),
                                   [&k = key](const geo::Field& field) { return field.name == k; });
            if (it == layer.fields.end() && !value.is_null()) {
                geo::FieldType type = geo::FieldType::String;
                if (value.is_boolean()) type = geo::FieldType::Boolean;
                else if (value.is_number_integer()) type = geo::FieldType::Integer;
                else if (value.is_number()) type = geo::FieldType::Real;
                layer.fields.push_back({key, type});
            }
            copy.properties[key] = (value.is_object() || value.is_array()) ? nlohmann::json(value.dump()) : value;
        }
        layer.features.push_back(std::move(copy));
    }
    return layer;
}

}  // namespace aras::service::http
