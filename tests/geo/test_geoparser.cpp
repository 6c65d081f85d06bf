// Geoparser tests: mentions in running prose in six languages, inflections, prefixes, document-level
// disambiguation, precision traps, and precision/recall on the labelled corpus in tests/data/geoparse/.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <map>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "aras/geo/geoparser.hpp"
#include "../../geo/src/text_normalize.hpp"

using namespace aras::geo;

namespace {

const Geoparser& parser() {
    static const Geoparser p(Gazetteer::load(ARAS_DATA_DIR));
    return p;
}

struct Found {
    std::string mention;
    std::string country;
    std::string kind;
};

std::vector<Found> parse(const std::string& text) {
    std::vector<Found> out;
    for (const auto& m : parser().parse(text).mentions)
        out.push_back({m.text, m.resolved.place->country, m.resolved.place->kind});
    return out;
}

const Found* find_mention(const std::vector<Found>& fs, const std::string& mention) {
    for (const auto& f : fs)
        if (f.mention == mention) return &f;
    return nullptr;
}

struct Gold {
    std::size_t start, end;  // code points
    std::string country;
    std::string surface;
};

struct Doc {
    std::string lang;
    std::string text;
    std::vector<Gold> gold;
};

// Strips [[surface|CC]] markup, recording gold spans in code points.
Doc parse_markup(const std::string& lang, const std::string& marked) {
    Doc d;
    d.lang = lang;
    std::size_t cp = 0;
    for (std::size_t i = 0; i < marked.size();) {
        if (marked.compare(i, 2, "[[") == 0) {
            const auto bar = marked.find('|', i);
            const auto close = marked.find("]]", i);
            const std::string surface = marked.substr(i + 2, bar - i - 2);
            const std::string cc = marked.substr(bar + 1, close - bar - 1);
            const std::size_t n = text::count_code_points(surface);
            d.gold.push_back({cp, cp + n, cc, surface});
            d.text += surface;
            cp += n;
            i = close + 2;
            continue;
        }
        const auto c = static_cast<unsigned char>(marked[i]);
        if ((c & 0xC0) != 0x80) ++cp;
        d.text.push_back(marked[i]);
        ++i;
    }
    return d;
}

std::vector<Doc> load_corpus() {
    std::vector<Doc> docs;
    for (const std::string lang : {"en", "tr", "az", "ru", "fa", "he"}) {
        std::ifstream in(std::string(ARAS_TEST_DATA_DIR) + "/geoparse/" + lang + ".txt");
        EXPECT_TRUE(in) << lang;
        std::string line, cur;
        auto flush = [&] {
            if (!cur.empty()) docs.push_back(parse_markup(lang, cur));
            cur.clear();
        };
        while (std::getline(in, line)) {
            if (!line.empty() && line[0] == '#') continue;
            if (line == "---") {
                flush();
                continue;
            }
            cur += line + "\n";
        }
        flush();
    }
    return docs;
}

}  // namespace

TEST(Geoparser, EnglishProseWithContext) {
    const auto fs = parse("Evacuees reached Astara, then drove through Lankaran to Baku before flying home.");
    const auto* astara = find_mention(fs, "Astara");
    ASSERT_NE(astara, nullptr);
    EXPECT_EQ(astara->country, "AZ");
    ASSERT_NE(find_mention(fs, "Baku"), nullptr);
    EXPECT_EQ(fs.size(), 3u);
}

TEST(Geoparser, DocumentContextFlipsAstaraToIran) {
    const auto fs = parse("Traffic jams in Gilan: cars from Rasht queued for hours to reach Astara.");
    const auto* astara = find_mention(fs, "Astara");
    ASSERT_NE(astara, nullptr);
    EXPECT_EQ(astara->country, "IR");
}

TEST(Geoparser, RussianCases) {
    const auto fs = parse("Из Тебриза автобусы шли в Баку, а на границе в Астаре была очередь.");
    const auto* t = find_mention(fs, "Тебриза");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->country, "IR");
    ASSERT_NE(find_mention(fs, "Баку"), nullptr);
    const auto* a = find_mention(fs, "Астаре");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->country, "AZ");
}

TEST(Geoparser, TurkishAndAzerbaijaniSuffixes) {
    const auto tr = parse("Yolcular Tebriz'e gitti, sonra Bakü'den uçtular.");
    const auto* t = find_mention(tr, "Tebriz");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->country, "IR");
    ASSERT_NE(find_mention(tr, "Bakü"), nullptr);
    const auto az = parse("Avtobuslar Bakıya getdi, Astarada isə növbə var idi. Lənkərandan da maşınlar gəldi.");
    ASSERT_NE(find_mention(az, "Bakıya"), nullptr);
    const auto* a = find_mention(az, "Astarada");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->country, "AZ");
}

TEST(Geoparser, PersianSeparatePrefixesAndZwnj) {
    const auto fs = parse("مسافران از تبریز به آستارا رفتند و از اردبیل‌ها خبری نبود. آنها از بیله‌سوار هم گذشتند.");
    ASSERT_NE(find_mention(fs, "تبریز"), nullptr);
    ASSERT_NE(find_mention(fs, "آستارا"), nullptr);
    ASSERT_NE(find_mention(fs, "اردبیل"), nullptr);  // stem before the ZWNJ
    ASSERT_NE(find_mention(fs, "بیله‌سوار"), nullptr);  // a name containing a ZWNJ
}

TEST(Geoparser, HebrewPrefixesAndGeresh) {
    const auto fs = parse("הם נסעו מטבריז לאסטארה ומשם לבאקו. בגאנג'ה ובגאנג׳ה היה שקט.");
    const auto* t = find_mention(fs, "מטבריז");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->country, "IR");
    ASSERT_NE(find_mention(fs, "לאסטארה"), nullptr);
    ASSERT_NE(find_mention(fs, "לבאקו"), nullptr);
    const auto* g = find_mention(fs, "בגאנג'ה");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->country, "AZ");
    ASSERT_NE(find_mention(fs, "ובגאנג׳ה"), nullptr);
}

TEST(Geoparser, MixedScriptsInOneDocument) {
    const auto fs = parse("The convoy left Tabriz (تبریز) for Baku — в Баку its passengers took flights to Israel.");
    EXPECT_NE(find_mention(fs, "Tabriz"), nullptr);
    EXPECT_NE(find_mention(fs, "تبریز"), nullptr);
    EXPECT_NE(find_mention(fs, "Баку"), nullptr);
    EXPECT_NE(find_mention(fs, "Israel"), nullptr);
}

TEST(Geoparser, CommonWordsDoNotFlood) {
    EXPECT_TRUE(parse("Of course the bar was closed. A van came in March and the Bar was full.").empty());
    EXPECT_TRUE(parse("Ordu komutanı mart ayında açıklama yaptı.").empty());
    EXPECT_TRUE(parse("the city of peace is a new hope for many people").empty());
    EXPECT_TRUE(parse("در این شهر مردم به خانه رفتند").empty());
    EXPECT_TRUE(parse("זה היה יום של שלום בעיר").empty());
}

TEST(Geoparser, OffsetsAreCodePoints) {
    const std::string t = "שלום! נסענו לבאקו.";
    const auto r = parser().parse(t);
    ASSERT_EQ(r.mentions.size(), 1u);
    const auto& m = r.mentions[0];
    EXPECT_EQ(m.text, "לבאקו");
    EXPECT_EQ(m.start, 12u);
    EXPECT_EQ(m.end, 17u);
    EXPECT_GT(m.confidence, 0.0);
    EXPECT_LE(m.confidence, 1.0);
}

TEST(Geoparser, BadInputIsHarmless) {
    EXPECT_TRUE(parser().parse("").mentions.empty());
    const std::string junk = "\xff\xfe\xc3 Baku \xe2\x82";
    const auto r = parser().parse(junk);
    EXPECT_EQ(r.mentions.size(), 1u);
    std::string big(200000, 'a');
    EXPECT_TRUE(parser().parse(big).mentions.empty());
}

TEST(Geoparser, FeatureCollection) {
    const auto fc = to_feature_collection(parser().parse("Flights left Baku for Tel Aviv."));
    ASSERT_EQ(fc.features.size(), 2u);
    const auto& p = fc.features[0].properties;
    for (const char* k : {"mention", "start", "end", "name", "country", "kind", "confidence"})
        EXPECT_TRUE(p.contains(k)) << k;
    EXPECT_TRUE(fc.foreign_members.contains("context"));
}

TEST(Geoparser, LabelledCorpusPrecisionAndRecall) {
    const auto docs = load_corpus();
    std::size_t gold_total = 0, predicted = 0, tp_pred = 0, tp_gold = 0;
    std::map<std::string, std::array<std::size_t, 4>> by_lang;  // gold, pred, tp_pred, tp_gold
    for (const auto& d : docs) {
        const auto r = parser().parse(d.text);
        std::vector<bool> gold_hit(d.gold.size(), false);
        for (const auto& m : r.mentions) {
            bool ok = false;
            for (std::size_t g = 0; g < d.gold.size(); ++g) {
                const auto& gd = d.gold[g];
                if (m.start < gd.end && gd.start < m.end && m.resolved.place->country == gd.country) {
                    ok = true;
                    gold_hit[g] = true;
                }
            }
            if (!ok)
                std::cout << "[" << d.lang << "] false positive: " << m.text << " -> " << m.resolved.place->name
                          << " (" << m.resolved.place->country << ")\n";
            ++predicted;
            by_lang[d.lang][1]++;
            if (ok) {
                ++tp_pred;
                by_lang[d.lang][2]++;
            }
        }
        for (std::size_t g = 0; g < d.gold.size(); ++g) {
            ++gold_total;
            by_lang[d.lang][0]++;
            if (gold_hit[g]) {
                ++tp_gold;
                by_lang[d.lang][3]++;
            } else {
                std::cout << "[" << d.lang << "] missed: " << d.gold[g].surface << " (" << d.gold[g].country << ")\n";
            }
        }
    }
    ASSERT_GE(gold_total, 60u);
    const double precision = predicted ? static_cast<double>(tp_pred) / static_cast<double>(predicted) : 0.0;
    const double recall = static_cast<double>(tp_gold) / static_cast<double>(gold_total);
    for (const auto& [lang, c] : by_lang)
        std::cout << lang << ": gold " << c[0] << " predicted " << c[1] << " precision "
                  << (c[1] ? static_cast<double>(c[2]) / static_cast<double>(c[1]) : 0.0) << " recall "
                  << static_cast<double>(c[3]) / static_cast<double>(c[0]) << "\n";
    std::cout << "overall: gold " << gold_total << " predicted " << predicted << " precision " << precision
              << " recall " << recall << "\n";
    EXPECT_GE(precision, 0.9);
    EXPECT_GE(recall, 0.9);
}
