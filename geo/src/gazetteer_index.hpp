// The in-memory gazetteer behind aras::geo::Gazetteer: places, name variants and the fold-key index.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "aras/geo/gazetteer.hpp"

namespace aras::geo {

struct NameVariant {
    std::string_view name;  // views into the gazetteer's loaded text
    std::string_view lang;  // "" when untagged
    std::uint32_t place = 0;
    bool curated = false;    // editorially confirmed (curated CSVs)
    bool preferred = false;  // the place's main name or a language's preferred name
};

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct AdminArea {
    std::string kind;  // country | province
    std::string iso2;
    std::string name;
    std::vector<std::vector<std::vector<LonLat>>> polygons;  // polygon → rings
    BBox bbox;
};

class GazetteerIndex final : public Gazetteer {
public:
    explicit GazetteerIndex(const std::string& data_dir);

    std::vector<GeocodeMatch> geocode(const GeocodeQuery& query) const override;
    ReverseResult reverse(const LonLat& position) const override;
    const Place& place(std::uint32_t id) const override { return places_.at(id); }
    std::size_t size() const override { return places_.size(); }

    // Calls fn(variant_id) for each variant whose fold key equals `key`.
    template <class Fn>
    void for_each_variant(std::string_view key, Fn&& fn) const {
        const auto it = index_.find(key);
        if (it == index_.end()) return;
        for (std::uint32_t v = it->second; v != kNone; v = next_[v]) fn(v);
    }
    bool has_key(std::string_view key) const { return index_.find(key) != index_.end(); }
    const NameVariant& variant(std::uint32_t id) const { return variants_[id]; }
    // 0..1: how prominent a place is (kind, population, capital status, curated feature).
    double importance(const Place& p) const;
    std::string country_name(const std::string& iso2) const;

private:
    void load_places(const std::string& path);
    void load_admin_areas(const std::string& path);
    void add_match(std::vector<GeocodeMatch>& out, std::uint32_t variant_id, const std::string& query_fold,
                   double quality_override) const;

    static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
    std::string text_;  // the decompressed gazetteer; variants view into it
    std::vector<std::unique_ptr<std::string>> key_arena_;  // fold keys, in stable chunks
    std::string_view store_key(std::string_view key);
    std::vector<Place> places_;
    std::vector<int> capital_;  // 0 none, 1 province capital, 2 national capital, 3 country
    std::vector<NameVariant> variants_;
    std::unordered_map<std::string_view, std::uint32_t, StringHash> index_;  // key → first variant
    std::vector<std::uint32_t> next_;  // next variant with the same key
    std::vector<std::vector<std::string_view>> ascii_keys_by_length_;
    std::unordered_map<std::int64_t, std::vector<std::uint32_t>> grid_;  // populated places by cell
    std::vector<AdminArea> admin_;
    std::unordered_map<std::string, std::uint32_t> country_places_;
};

// Hebrew one-letter prefixes (ב ל מ ו ה ש כ and their combinations, up to three) that can be
// stripped from a folded Hebrew word, longest remainder first; the remainder keeps >= 3 letters.
std::vector<std::string> hebrew_prefix_remainders(std::string_view folded_word);

}  // namespace aras::geo
