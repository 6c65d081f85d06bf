// Gazetteer tests on the committed data: multilingual geocoding, ranking traps, reverse geocoding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "aras/geo/gazetteer.hpp"
#include "../../geo/src/text_normalize.hpp"
#include "support/run_command.hpp"

using namespace aras::geo;

namespace {

std::shared_ptr<const Gazetteer> gaz() {
    static const auto g = Gazetteer::load(ARAS_DATA_DIR);
    return g;
}

std::vector<GeocodeMatch> find(const std::string& text, std::optional<std::string> country = {},
                               std::optional<LonLat> near = {}, int limit = 10) {
    GeocodeQuery q;
    q.text = text;
    q.country = std::move(country);
    q.near = near;
    q.limit = limit;
    return gaz()->geocode(q);
}

double km(const LonLat& a, const LonLat& b) {
    const double dlat = (a.lat - b.lat) * 111.2;
    const double dlon = (a.lon - b.lon) * 111.2 * std::cos(a.lat * 3.14159265 / 180.0);
    return std::hypot(dlat, dlon);
}

// The first match of kind city/town/village, or nullptr.
const GeocodeMatch* first_populated(const std::vector<GeocodeMatch>& ms) {
    for (const auto& m : ms)
        if (m.place->kind == "city" || m.place->kind == "town" || m.place->kind == "village") return &m;
    return nullptr;
}

const LonLat kAstaraAZ{48.875, 38.456};
const LonLat kAstaraIR{48.870, 38.431};

}  // namespace

TEST(TextNormalize, FoldsDiacriticsScriptsAndMarks) {
    EXPECT_EQ(text::fold_key("Ərdəbil"), "ardabil");
    EXPECT_EQ(text::fold_key("Şəki"), "saki");
    EXPECT_EQ(text::fold_key("Bakı"), "baki");
    EXPECT_EQ(text::fold_key("Āstārā"), "astara");
    EXPECT_EQ(text::fold_key("Nurdüz"), "nurduz");
    EXPECT_EQ(text::fold_key("  Verkhny-Lars  "), "verkhny lars");
    EXPECT_EQ(text::fold_key("كرمان"), text::fold_key("کرمان"));       // Arabic kaf → Persian keheh
    EXPECT_EQ(text::fold_key("علي"), text::fold_key("علی"));           // Arabic yeh → Persian yeh
    EXPECT_EQ(text::fold_key("آستارا"), text::fold_key("استارا"));     // madda dropped
    EXPECT_EQ(text::fold_key("تبریز‌ها"), text::fold_key("تبریزها"));  // ZWNJ dropped
    EXPECT_EQ(text::fold_key("گـیـلان"), text::fold_key("گیلان"));     // tatweel dropped
    EXPECT_EQ(text::fold_key("גאנג'ה"), text::fold_key("גאנג׳ה"));     // apostrophe vs geresh
    EXPECT_EQ(text::fold_key("יְרוּשָׁלַיִם"), text::fold_key("ירושלים"));  // niqqud
    EXPECT_EQ(text::fold_key("ТЕБРИЗ"), "тебриз");
}

TEST(TextNormalize, BoundedEditDistance) {
    EXPECT_EQ(text::bounded_edit_distance("tabriiz", "tabriz", 1), 1);
    EXPECT_EQ(text::bounded_edit_distance("nakhchivan", "nakhichevan", 2), 2);
    EXPECT_GT(text::bounded_edit_distance("astara", "ankara", 1), 1);
}

TEST(Gazetteer, LoadsCompactAndLarge) {
    EXPECT_GT(gaz()->size(), 200000u);
    EXPECT_THROW(Gazetteer::load("/nonexistent-aras-data"), GazetteerError);
}

TEST(Gazetteer, AstaraIsAmbiguousBothTownsAndTheCrossing) {
    const auto ms = find("Astara");
    ASSERT_GE(ms.size(), 3u);
    bool az = false, ir = false, crossing = false;
    for (std::size_t i = 0; i < std::min<std::size_t>(ms.size(), 5); ++i) {
        const auto& p = *ms[i].place;
        EXPECT_GT(ms[i].score, 0.0);
        EXPECT_LE(ms[i].score, 1.0);
        if (p.kind == "crossing" && p.crossing_id == "astara") crossing = true;
        if (p.kind != "crossing" && p.country == "AZ" && km(p.location, kAstaraAZ) < 5) az = true;
        if (p.kind != "crossing" && p.country == "IR" && km(p.location, kAstaraIR) < 5) ir = true;
    }
    EXPECT_TRUE(az);
    EXPECT_TRUE(ir);
    EXPECT_TRUE(crossing);
    EXPECT_EQ(ms[0].match_type, "exact");
    for (std::size_t i = 1; i < ms.size(); ++i) EXPECT_GE(ms[i - 1].score, ms[i].score);
}

TEST(Gazetteer, CountryFilterAndNearBias) {
    auto ir = find("Astara", std::string("IR"));
    ASSERT_FALSE(ir.empty());
    for (const auto& m : ir) EXPECT_EQ(m.place->country, "IR");
    auto az = find("Astara", std::string("AZ"));
    ASSERT_FALSE(az.empty());
    for (const auto& m : az) EXPECT_EQ(m.place->country, "AZ");
    // Near Rasht (Iran) the Iranian town comes first among the towns; near Lankaran the Azerbaijani one.
    const auto ms_ir = find("Astara", {}, LonLat{49.58, 37.28});
    const auto near_ir = first_populated(ms_ir);
    ASSERT_NE(near_ir, nullptr);
    EXPECT_EQ(near_ir->place->country, "IR");
    const auto ms_az = find("Astara", {}, LonLat{48.85, 38.75});
    const auto near_az = first_populated(ms_az);
    ASSERT_NE(near_az, nullptr);
    EXPECT_EQ(near_az->place->country, "AZ");
    // Rasht: Iran's city by default, the Tajik town when asked for TJ.
    const auto rasht = find("Rasht");
    ASSERT_FALSE(rasht.empty());
    EXPECT_EQ(rasht[0].place->country, "IR");
    const auto rasht_tj = find("Rasht", std::string("TJ"));
    ASSERT_FALSE(rasht_tj.empty());
    EXPECT_EQ(rasht_tj[0].place->country, "TJ");
}

TEST(Gazetteer, MultilingualAstara) {
    for (const std::string q : {"אסטארה", "באסטארה", "آستارا", "Астара"}) {
        const auto ms = find(q);
        ASSERT_FALSE(ms.empty()) << q;
        const auto* p = first_populated(ms);
        ASSERT_NE(p, nullptr) << q;
        const bool near_astara = km(p->place->location, kAstaraAZ) < 10 || km(p->place->location, kAstaraIR) < 10;
        EXPECT_TRUE(near_astara) << q << " -> " << p->place->name;
    }
    const auto prefixed = find("באסטארה");
    EXPECT_EQ(prefixed[0].match_type, "folded");
}

TEST(Gazetteer, ArdabilInAzerbaijaniAndEnglish) {
    for (const std::string q : {"Ərdəbil", "Ardabil", "Ardebil", "ארדביל", "اردبیل", "Ардебиль"}) {
        const auto ms = find(q);
        ASSERT_FALSE(ms.empty()) << q;
        const auto* p = first_populated(ms);
        ASSERT_NE(p, nullptr) << q;
        EXPECT_EQ(p->place->country, "IR") << q;
        EXPECT_LT(km(p->place->location, {48.29, 38.25}), 10) << q << " -> " << p->place->name;
    }
}

TEST(Gazetteer, TypoTolerance) {
    const auto ms = find("Tabriiz");
    ASSERT_FALSE(ms.empty());
    EXPECT_EQ(ms[0].match_type, "fuzzy");
    EXPECT_EQ(ms[0].place->country, "IR");
    EXPECT_LT(km(ms[0].place->location, {46.29, 38.08}), 10);
    const auto two = find("Nakhchivvaan");  // two edits on a long name
    ASSERT_FALSE(two.empty());
    EXPECT_EQ(two[0].place->country, "AZ");
    // Short names get no fuzzy matching.
    for (const auto& m : find("Bakx")) EXPECT_NE(m.match_type, "fuzzy");
}

TEST(Gazetteer, TrapsResolveToTheRightFeatures) {
    const auto z = find("Zangezur");
    ASSERT_FALSE(z.empty());
    EXPECT_EQ(z[0].place->kind, "corridor");
    const auto n = find("Norduz");
    ASSERT_FALSE(n.empty());
    EXPECT_EQ(n[0].place->country, "IR");
    EXPECT_LT(km(n[0].place->location, {46.2085, 38.8386}), 10);
    const auto u = find("Urmu");
    ASSERT_FALSE(u.empty());
    EXPECT_EQ(u[0].place->country, "IR");
    EXPECT_LT(km(u[0].place->location, {45.07, 37.55}), 15) << u[0].place->name;
    const auto q = find("Qafan");
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q[0].place->country, "AM");
    const auto zz = find("Zanzan");
    ASSERT_FALSE(zz.empty());
    EXPECT_LT(km(zz[0].place->location, {48.49, 36.68}), 10);
}

TEST(Gazetteer, CuratedFeaturesAndHebrewNewsSpellings) {
    const auto k = find("קרבאך");
    ASSERT_FALSE(k.empty());
    EXPECT_EQ(k[0].place->kind, "region");
    EXPECT_EQ(k[0].place->country, "AZ");
    const auto g = find("גאנג'ה");
    ASSERT_FALSE(g.empty());
    EXPECT_EQ(g[0].place->country, "AZ");
    const auto g2 = find("גאנג׳ה");
    ASSERT_FALSE(g2.empty());
    EXPECT_EQ(g2[0].place->id, g[0].place->id);
    const auto nx = find("נחצ'יוואן");
    ASSERT_FALSE(nx.empty());
    EXPECT_EQ(nx[0].place->country, "AZ");
    const auto kb = find("Khudafarin bridges");
    ASSERT_FALSE(kb.empty());
    EXPECT_EQ(kb[0].place->kind, "bridge");
    const auto xu = find("Xudafərin");
    ASSERT_FALSE(xu.empty());
    EXPECT_EQ(xu[0].place->country, "AZ");
    const auto ea = find("East Azerbaijan");
    ASSERT_FALSE(ea.empty());
    EXPECT_EQ(ea[0].place->kind, "region");
    EXPECT_EQ(ea[0].place->country, "IR");
    const auto syunik = find("Syunik");
    ASSERT_FALSE(syunik.empty());
    EXPECT_EQ(syunik[0].place->country, "AM");
    for (const char* id : {"astara", "bilasuvar", "julfa", "nurduz", "poldasht", "sadarak", "verkhny_lars",
                           "red_bridge", "bagratashen", "bazargan", "razi", "sarp"}) {
        bool found = false;
        for (std::uint32_t i = 0; i < gaz()->size() && !found; ++i)
            found = gaz()->place(i).kind == "crossing" && gaz()->place(i).crossing_id == id;
        EXPECT_TRUE(found) << id;
    }
}

TEST(Gazetteer, CountriesInSixLanguages) {
    for (const std::string q : {"Azerbaijan", "אזרבייג'ן", "آذربایجان", "Азербайджан", "Azərbaycan", "Azerbaycan"}) {
        const auto ms = find(q);
        ASSERT_FALSE(ms.empty()) << q;
        EXPECT_EQ(ms[0].place->kind, "country") << q << " -> " << ms[0].place->name;
        EXPECT_EQ(ms[0].place->country, "AZ") << q;
    }
}

TEST(Gazetteer, UnknownAndEmptyQueries) {
    EXPECT_TRUE(find("Xqzzyvvkk").empty());
    EXPECT_TRUE(find("").empty());
    EXPECT_TRUE(find("   ,,, ").empty());
    EXPECT_TRUE(find("Astara", std::string("ZZ")).empty());
}

TEST(Gazetteer, ToFeatureCarriesTheContract) {
    const auto ms = find("Baku");
    ASSERT_FALSE(ms.empty());
    const auto f = to_feature(ms[0]);
    EXPECT_EQ(f.properties.at("name"), "Baku");
    EXPECT_EQ(f.properties.at("country"), "AZ");
    EXPECT_EQ(f.properties.at("kind"), "city");
    EXPECT_GT(f.properties.at("population").get<long>(), 1000000);
    EXPECT_TRUE(f.properties.at("names").contains("ru"));
    EXPECT_TRUE(f.properties.contains("score"));
    EXPECT_TRUE(f.properties.contains("matched"));
    EXPECT_TRUE(std::holds_alternative<LonLat>(f.geometry));
}

TEST(Gazetteer, ReverseNearArdabilAndInNakhchivan) {
    const auto r = gaz()->reverse({48.30, 38.26});
    EXPECT_EQ(r.country, "IR");
    EXPECT_NE(r.province.find("Ardabil"), std::string::npos) << r.province;
    ASSERT_TRUE(r.nearest);
    EXPECT_LT(r.distance_m, 5000);
    const auto n = gaz()->reverse({45.41, 39.21});
    EXPECT_EQ(n.country, "AZ");
    EXPECT_EQ(n.country_name, "Azerbaijan");
    ASSERT_TRUE(n.nearest);
    EXPECT_EQ(n.nearest->place->country, "AZ");
    const auto yerevan = gaz()->reverse({44.51, 40.18});
    EXPECT_EQ(yerevan.country, "AM");
    const auto sea = gaz()->reverse({50.5, 41.0});  // the Caspian Sea
    EXPECT_EQ(sea.country, "");
    EXPECT_THROW(gaz()->reverse({200.0, 0.0}), std::invalid_argument);
}

TEST(GazetteerCli, GeocodeAndReverseCommands) {
    const std::string bin = ARAS_BINARY;
    if (!std::filesystem::exists(bin)) GTEST_SKIP() << "build the aras target first: " << bin;
    auto run = [](const std::string& cmd, std::string& out) {
        auto r = aras::test::run_command(cmd);
        out = std::move(r.out);
        return r.status;
    };
    std::string out;
    EXPECT_EQ(run(bin + " geocode Astara --limit 3 --data " ARAS_DATA_DIR, out), 0);
    auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j.at("type"), "FeatureCollection");
    EXPECT_EQ(j.at("features").size(), 3u);
    EXPECT_TRUE(j["features"][0]["properties"].contains("score"));
    EXPECT_EQ(run(bin + " geocode Xqzzyvvkk 2>/dev/null", out), 1);
    EXPECT_EQ(run(bin + " geocode Astara --near 1,2,3 2>/dev/null", out), 2);
    EXPECT_EQ(run(bin + " reverse 45.41 39.21", out), 0);
    j = nlohmann::json::parse(out);
    EXPECT_EQ(j["features"][0]["properties"]["country"], "AZ");
    EXPECT_EQ(run(bin + " reverse 999 0 2>/dev/null", out), 2);
}
