// Geoparsing: finding place mentions in prose and resolving them with document-level context.
//
// Pass 1 tokenises the text (code-point offsets kept), folds each token with the gazetteer's key
// function and looks up n-grams of up to four tokens, longest first, in a geoparse index: the
// gazetteer's keys restricted to places prominent enough to be worth finding in prose. Inflected
// forms (Russian cases, Turkish/Azerbaijani suffixes, Hebrew prefix letters) are tried when the
// plain token is unknown. Pass 2 weighs the countries and positions of the mentions and resolves
// each ambiguous mention towards the document's dominant countries.
#include "aras/geo/geoparser.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <unicode/uchar.h>

#include "gazetteer_index.hpp"
#include "text_normalize.hpp"

namespace aras::geo {
namespace {

using text::Script;

enum class Evidence { Plain, Inflected, Prefixed };

struct Token {
    std::size_t cp_start = 0, cp_end = 0;
    std::size_t byte_start = 0, byte_end = 0;
    std::string key;  // folded
    Script script = Script::Other;
    bool capitalised = false;
    bool sentence_start = false;
    bool joinable_next = false;  // only spaces or a hyphen before the next token
    std::string stem_key;        // Persian: the part before the first ZWNJ ("" when none)
    std::size_t stem_byte_end = 0, stem_cp_end = 0;
};

struct Candidate {
    std::uint32_t place = 0;
    double quality = 0;  // name evidence
};

struct RawMention {
    std::size_t first = 0, last = 0;  // token range
    std::size_t cp_start = 0, cp_end = 0;
    std::size_t byte_start = 0, byte_end = 0;
    Evidence evidence = Evidence::Plain;
    bool weak = false;              // a common word: needs the document's support
    bool sentence_initial = false;  // a capital that proves nothing (Latin/Cyrillic, first word)
    std::string matched;
    std::vector<Candidate> candidates;
};

bool is_apostrophe(char32_t c) {
    return c == U'\'' || c == 0x2019 || c == 0x02BC || c == 0x05F3 || c == 0x2018;
}

constexpr double kPi = 3.14159265358979323846;

double approx_km(const LonLat& a, const LonLat& b) {
    const double dlat = (a.lat - b.lat) * 111.2;
    const double dlon = (a.lon - b.lon) * 111.2 * std::cos((a.lat + b.lat) / 2 * kPi / 180.0);
    return std::hypot(dlat, dlon);
}

// Common words that are also names of places somewhere: never a mention on their own.
const char* const kStopWords[] = {
    // English
    "the", "and", "for", "but", "not", "all", "any", "one", "two", "new", "old", "red", "war", "day", "may",
    "man", "can", "has", "was", "are", "its", "our", "her", "his", "him", "bar", "of", "sur", "ban", "bad",
    "bay", "big", "hot", "oil", "gas", "sea", "aid", "art", "end", "far", "law", "map", "net", "sun", "tax",
    "via", "win", "yes", "city", "border", "river", "road", "north", "south", "east", "west", "central",
    "union", "lake", "mount", "port", "bridge", "crossing", "state", "capital", "province", "region",
    "district", "village", "town", "center", "centre", "army", "police", "media", "news", "press", "march",
    "june", "july", "april", "august", "monday", "sunday", "friday", "hope", "victory", "liberty", "mobile",
    "reading", "nice", "split", "bath", "buses", "many", "most", "more", "some", "after", "before", "during",
    "about", "from", "with", "into", "over", "under", "near", "they", "them", "their", "there", "then",
    "when", "where", "which", "while", "since", "until", "also", "both", "each", "other", "such", "only",
    "ministry", "minister", "president", "government", "embassy", "foreign", "people", "families",
    "evacuation", "evacuees", "officials", "citizens", "israeli", "israelis", "iranian", "russian", "turkish",
    "azerbaijani", "armenian", "georgian", "persian", "hebrew", "english", "airport", "highway", "station",
    "ali", "victoria", "mark", "justin", "donald", "david", "paul", "john", "james", "maria", "elizabeth",
    "alexander", "hasan", "hussein", "mohammad", "reza", "ahmad", "omar", "said", "salem", "grace", "florence",
    "kurdish", "caspian", "black", "white", "green", "golden", "silver", "salt", "stone", "rock", "sand",
    // Turkish / Azerbaijani
    "ana", "kale", "gol", "dag", "kent", "koy", "su", "yol", "kapi", "kara", "ak",
    "bir", "iki", "ev", "yeni", "orta", "asagi", "yuxari", "kand", "qala", "bala", "boyuk", "kicik", "sahil",
    "liman", "daniz", "deniz", "bazar", "cay", "park", "sinir", "sarhad", "ve", "ile", "bu", "da", "de",
    "haziran", "iyun", "aprel", "may", "gun", "saat", "insan", "millet", "devlet", "dovlat", "xalq", "seher",
    "saher", "sahar", "olke", "olka", "bolge", "bolga", "rayon", "merkez", "markaz", "gumruk", "gomruk",
    "kopru", "korpu", "nehir", "ozan", "ulus", "baris", "sulh", "zafer", "qalaba", "istiqlal", "azadliq",
    // Russian
    "мир", "мост", "город", "река", "граница", "село", "дом", "поле", "бор", "луг", "юг", "север", "восток",
    "запад", "центр", "война", "армия", "мая", "марта", "май", "март", "июнь", "июня", "путь", "море",
    "новый", "победа", "свобода", "заря", "рассвет", "дружба", "россия",
    // Persian
    "شهر", "مرز", "رود", "اب", "بندر", "کوه", "ده", "دره", "باغ", "چشمه", "قلعه", "اباد", "بازار", "میدان",
    "پل", "راه", "جاده", "ایستگاه", "سر", "بر", "در", "از", "به", "که", "این", "ان", "با", "تا", "را", "هم",
    "یا", "نو", "بالا", "پایین", "سفید", "سیاه", "سبز", "امام", "شهید", "انقلاب", "ازادی", "مرکز", "استان",
    "شهرستان", "روستا", "کشور", "دولت", "مردم", "ملت", "خانه", "گمرک", "پایانه", "نیرو", "سپاه", "دریا",
    "خرداد", "تیر", "اول", "دوم", "سوم", "شمال", "جنوب", "شرق", "غرب", "خط", "اتوبوس", "مسافر", "مسافران",
    "اتباع", "خارجی", "ایرانی", "اسرائیلی", "وزارت", "خارجه", "روز", "شب", "ساعت", "هزار", "صد", "نفر",
    // Hebrew
    "ים", "הר", "עין", "נהר", "עיר", "גבול", "גשר", "בית", "כפר", "מעבר", "ראש", "אור", "שדה", "גן", "תל",
    "נווה", "קריית", "מזרח", "מערב", "צפון", "דרום", "ארץ", "מדינה", "עם", "כל", "על", "אל", "את", "של",
    "גם", "לא", "כי", "אם", "או", "רק", "זה", "זו", "הם", "הן", "יום", "שנה", "ערב", "בוקר", "לילה", "שלום",
    "מלחמה", "צבא", "משטרה", "אוטובוס", "אוטובוסים", "ישראלים", "ישראלי", "משפחות", "שגרירות", "חוץ",
    "משרד", "יוני", "דרך", "כביש", "שער", "עד", "אחרי", "לפני", "מאות", "אלפי",
};

// Names that are common words in some language and also real towns: kept only with document support.
const char* const kWeakNames[] = {"van", "ordu", "mart", "of", "bar", "kars", "mus", "rize", "sinop", "batman",
                                   "bitlis", "agri", "tatvan", "ahlat", "goris", "mir", "gence", "ganca",
                                   "nice", "ararat", "masis", "sevan"};

const char* const kRussianEndings[] = {"ами", "ями", "ом", "ем", "ой", "ей", "ою", "ею", "ах", "ях", "ам",
                                       "ям", "е", "у", "а", "ы", "и", "ю", "я", "ь"};
const char* const kRussianNominative[] = {"", "а", "я", "ь", "й", "и", "ы"};
// Turkish and Azerbaijani case and derivational suffixes, as folded (ə→a, ı→i, ü→u...).
const char* const kTurkicSuffixes[] = {"dakilar", "dakiler", "daki", "deki", "dan", "den", "tan", "ten",
                                       "nin", "nun", "yla", "yle", "la", "le", "da", "de", "ta", "te",
                                       "ya", "ye", "na", "ne", "in", "un", "a", "e", "i", "u"};

}  // namespace

struct Geoparser::Impl {
    std::shared_ptr<const Gazetteer> gazetteer;
    const GazetteerIndex* index = nullptr;
    std::unordered_set<std::string, StringHash, std::equal_to<>> stop;
    std::unordered_set<std::string, StringHash, std::equal_to<>> weak;
    std::vector<std::string> ru_endings, ru_nominative;  // folded (й → и)

    // Whether a variant is worth finding in prose, and how strong the name evidence is.
    double eligible(const NameVariant& v, std::string_view key) const {
        const Place& p = index->place(v.place);
        const std::size_t len = text::count_code_points(key);
        if (len < 3) return 0;
        const auto& k = p.kind;
        const bool in_region = p.location.lon >= 38.0 && p.location.lon <= 58.0 && p.location.lat >= 33.0 &&
                               p.location.lat <= 45.0;
        double q = v.curated ? 1.0 : (v.preferred ? 0.95 : 0.85);
        // Untagged alternates are where the odd spellings live ("Ali" for Ağrı, "Victoria" for Hong Kong):
        // in prose they count only for places in the region and only when they are not short.
        if (!v.curated && !v.preferred && v.lang.empty() && (len <= 5 || !in_region) && p.kind != "country")
            return 0;
        if (k == "country") return q;
        if (k == "crossing" || k == "customs") return key.find(' ') != std::string_view::npos ? q : 0;
        if (k == "region" || k == "corridor" || k == "river" || k == "bridge") return in_region || k == "region" ? q : 0;
        if (k == "county") return 0;
        const auto pop = p.population;
        if (len <= 4 && pop < 50000 && !v.curated) return 0;
        if (in_region) {
            // GeoNames towns and cities (district seats included) count even without a population.
            if (pop >= 1000 || v.curated || k == "town" || k == "city") return q;
            return 0;
        }
        return pop >= 100000 ? q * 0.9 : 0;
    }

    // The eligible candidates for a folded key, best name per place.
    std::vector<Candidate> candidates(std::string_view key) const {
        std::vector<Candidate> out;
        if (stop.count(key)) return out;
        index->for_each_variant(key, [&](std::uint32_t vid) {
            const auto& v = index->variant(vid);
            const double q = eligible(v, key);
            if (q <= 0) return;
            auto it = std::find_if(out.begin(), out.end(), [&](const Candidate& c) { return c.place == v.place; });
            if (it == out.end())
                out.push_back({v.place, q});
            else
                it->quality = std::max(it->quality, q);
        });
        return out;
    }

    std::vector<Token> tokenize(std::string_view s) const;
    std::vector<RawMention> find_mentions(std::string_view s, const std::vector<Token>& toks) const;
    std::vector<Candidate> inflected(const std::string& k, const Token& t, Evidence& evidence) const;
};

std::vector<Token> Geoparser::Impl::tokenize(std::string_view s) const {
    std::vector<Token> toks;
    std::size_t i = 0, cp = 0;
    bool sentence_start = true;
    bool joinable = false;  // since the last token, only spaces/hyphen seen
    while (i < s.size()) {
        const std::size_t b0 = i;
        const char32_t c = text::decode_utf8(s, i);
        if (!text::is_word_char(c) || is_apostrophe(c)) {
            if (c == U'.' || c == U'!' || c == U'?' || c == U'\n' || c == 0x061F || c == U'։' || c == U'…' ||
                c == U':' || c == U'"' || c == 0x00AB || c == 0x00BB || c == 0x201C || c == 0x201E)
                sentence_start = true;
            if (!(c == U' ' || c == U'-' || c == 0x00A0 || c == 0x2011)) joinable = false;
            ++cp;
            continue;
        }
        if (!toks.empty()) toks.back().joinable_next = joinable;
        Token t;
        t.byte_start = b0;
        t.cp_start = cp;
        t.script = text::script_of(c);
        t.capitalised = u_isupper(static_cast<UChar32>(c)) || u_istitle(static_cast<UChar32>(c));
        t.sentence_start = sentence_start;
        text::append_folded(t.key, c);
        ++cp;
        std::size_t end_byte = i, end_cp = cp;
        Script last_script = t.script;
        while (i < s.size()) {
            std::size_t j = i;
            const char32_t d = text::decode_utf8(s, j);
            if (is_apostrophe(d)) {
                // Hebrew geresh (ג'ה) stays inside the word; a Latin apostrophe starts a Turkish suffix
                // (Tebriz'e, Bakü'den) which belongs to the word but not to the name.
                if (last_script == Script::Hebrew) {
                    i = j;
                    ++cp;
                    end_byte = i;
                    end_cp = cp;
                    continue;
                }
                std::size_t k = j, kcp = cp + 1;
                bool any = false;
                while (k < s.size()) {
                    std::size_t m = k;
                    const char32_t e = text::decode_utf8(s, m);
                    if (!text::is_word_char(e)) break;
                    k = m;
                    ++kcp;
                    any = true;
                }
                if (!any) break;
                i = k;
                cp = kcp;
                break;
            }
            if (!text::is_word_char(d)) break;
            i = j;
            ++cp;
            if (d != 0x200C && d != 0x200D) {
                text::append_folded(t.key, d);
                const Script sc = text::script_of(d);
                if (sc != Script::Other && sc != Script::Digit) last_script = sc;
            } else if (t.script == Script::Arabic && t.stem_key.empty()) {
                // ZWNJ: Persian plural/possessive suffixes may follow it (تبریز‌ها); remember the stem,
                // but names can contain one too (بیله‌سوار), so the whole word is tried first.
                t.stem_key = t.key;
                t.stem_byte_end = i - 3;  // ZWNJ is three bytes
                t.stem_cp_end = cp - 1;
            }
            end_byte = i;
            end_cp = cp;
        }
        t.byte_end = end_byte;
        t.cp_end = end_cp;
        // Strip separators that folding may have produced inside the token.
        t.key.erase(std::remove(t.key.begin(), t.key.end(), ' '), t.key.end());
        sentence_start = false;
        joinable = true;
        if (!t.key.empty()) toks.push_back(std::move(t));
    }
    return toks;
}

// Inflected forms of the n-gram key `k` whose first token is `t`: Hebrew prefixes attach to the first
// word (לתל אביב), Russian and Turkic endings to the last (Təl-Əvivə).
std::vector<Candidate> Geoparser::Impl::inflected(const std::string& k, const Token& t, Evidence& evidence) const {
    std::vector<Candidate> out;
    if (t.script == Script::Hebrew) {
        for (const auto& rest : hebrew_prefix_remainders(k)) {
            out = candidates(rest);
            if (!out.empty()) {
                evidence = Evidence::Prefixed;
                return out;
            }
        }
        return out;
    }
    if (t.script == Script::Cyrillic && t.capitalised) {
        for (const std::string& e : ru_endings) {
            const std::string_view end(e);
            if (k.size() <= end.size() + 6 || k.compare(k.size() - end.size(), end.size(), end) != 0) continue;
            const std::string stem = k.substr(0, k.size() - end.size());
            for (const std::string& nom : ru_nominative) {
                out = candidates(stem + nom);
                if (!out.empty()) {
                    evidence = Evidence::Inflected;
                    return out;
                }
            }
        }
        return out;
    }
    if (t.script == Script::Latin && t.capitalised) {
        for (const char* e : kTurkicSuffixes) {
            const std::string_view end(e);
            if (k.size() < end.size() + 4 || k.compare(k.size() - end.size(), end.size(), end) != 0) continue;
            std::string stem = k.substr(0, k.size() - end.size());
            out = candidates(stem);
            if (out.empty() && stem.size() > 4 && (stem.back() == 'y' || stem.back() == 'n' || stem.back() == 's'))
                out = candidates(stem.substr(0, stem.size() - 1));  // buffer consonants: Bakı-y-a, Gəncə-n-in
            if (!out.empty()) {
                evidence = Evidence::Inflected;
                return out;
            }
        }
    }
    return out;
}

std::vector<RawMention> Geoparser::Impl::find_mentions(std::string_view, const std::vector<Token>& toks) const {
    std::vector<RawMention> out;
    std::string key;
    for (std::size_t i = 0; i < toks.size();) {
        const Token& t = toks[i];
        const bool cased = t.script == Script::Latin || t.script == Script::Cyrillic;
        if (t.script == Script::Digit || (cased && !t.capitalised)) {
            ++i;
            continue;
        }
        bool found = false;
        const std::size_t max_n = std::min<std::size_t>(4, toks.size() - i);
        for (std::size_t n = max_n; n >= 1 && !found; --n) {
            bool joinable = true;
            for (std::size_t j = i; j + 1 < i + n; ++j) joinable = joinable && toks[j].joinable_next;
            // "شهر آستارا" (the city of Astara) is a mention of Astara, not of a place named "Astara City".
            if (!joinable || (n > 1 && stop.count(t.key))) continue;
            key = t.key;
            for (std::size_t j = i + 1; j < i + n; ++j) {
                key.push_back(' ');
                key += toks[j].key;
            }
            Evidence ev = Evidence::Plain;
            auto cands = candidates(key);
            bool stem_only = false;
            if (cands.empty() && n == 1 && !t.stem_key.empty()) {
                cands = candidates(t.stem_key);
                stem_only = !cands.empty();
            }
            if (cands.empty()) cands = inflected(key, t, ev);
            if (cands.empty()) continue;
            RawMention m;
            m.first = i;
            m.last = i + n - 1;
            m.cp_start = t.cp_start;
            m.cp_end = stem_only ? t.stem_cp_end : toks[m.last].cp_end;
            m.byte_start = t.byte_start;
            m.byte_end = stem_only ? t.stem_byte_end : toks[m.last].byte_end;
            m.evidence = ev;
            m.candidates = std::move(cands);
            m.weak = weak.count(key) > 0;
            m.sentence_initial = cased && t.sentence_start && n == 1;
            out.push_back(std::move(m));
            i += n;
            found = true;
        }
        if (!found) ++i;
    }
    return out;
}

Geoparser::Geoparser(std::shared_ptr<const Gazetteer> gazetteer) : impl_(std::make_unique<Impl>()) {
    if (!gazetteer) throw std::invalid_argument("Geoparser: no gazetteer");
    impl_->index = dynamic_cast<const GazetteerIndex*>(gazetteer.get());
    if (!impl_->index) throw GazetteerError("Geoparser needs the gazetteer from Gazetteer::load");
    impl_->gazetteer = std::move(gazetteer);
    for (const char* w : kStopWords) impl_->stop.insert(text::fold_key(w));
    for (const char* w : kWeakNames) impl_->weak.insert(text::fold_key(w));
    for (const char* w : kRussianEndings) impl_->ru_endings.push_back(text::fold_key(w));
    for (const char* w : kRussianNominative) impl_->ru_nominative.push_back(text::fold_key(w));
}
Geoparser::~Geoparser() = default;
Geoparser::Geoparser(Geoparser&&) noexcept = default;
Geoparser& Geoparser::operator=(Geoparser&&) noexcept = default;

GeoparseResult Geoparser::parse(std::string_view utf8_text) const {
    const Impl& im = *impl_;
    const auto toks = im.tokenize(utf8_text);
    auto raw = im.find_mentions(utf8_text, toks);

    // Document context: each mention spreads one unit of weight over its candidates' countries,
    // favouring prominent candidates; unambiguous mentions therefore count fully.
    std::map<std::string, double> weight;
    std::vector<std::map<std::string, double>> own(raw.size());
    double lon_sum = 0, lat_sum = 0, pos_w = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        double total = 0;
        for (const auto& c : raw[i].candidates) total += im.index->importance(im.index->place(c.place));
        if (total <= 0) continue;
        for (const auto& c : raw[i].candidates) {
            const Place& p = im.index->place(c.place);
            const double w = im.index->importance(p) / total * (raw[i].weak ? 0.3 : 1.0);
            own[i][p.country] += w;
            weight[p.country] += w;
            if (raw[i].candidates.size() == 1 && p.kind != "country") {
                lon_sum += p.location.lon;
                lat_sum += p.location.lat;
                pos_w += 1;
            }
        }
    }
    const bool has_centre = pos_w > 0;
    const LonLat centre = has_centre ? LonLat{lon_sum / pos_w, lat_sum / pos_w} : LonLat{};

    GeoparseResult result;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        auto& m = raw[i];
        // Country support from the other mentions only.
        auto support = [&](const std::string& cc) {
            const auto it = weight.find(cc);
            const double w = (it == weight.end() ? 0.0 : it->second) - own[i][cc];
            return w;
        };
        double best = -1, second = -1;
        const Candidate* chosen = nullptr;
        double others_total = 0;
        for (const auto& [cc, w] : weight) others_total += std::max(0.0, w - own[i][cc]);
        for (const auto& c : m.candidates) {
            const Place& p = im.index->place(c.place);
            const double ctx = others_total > 0 ? std::max(0.0, support(p.country)) / others_total : 0.0;
            double prox = 0;
            if (has_centre && p.kind != "country") prox = std::exp(-approx_km(centre, p.location) / 300.0);
            const double s = 0.45 * im.index->importance(p) + 0.15 * c.quality + 0.3 * ctx + 0.1 * prox;
            if (s > best) {
                second = best;
                best = s;
                chosen = &c;
            } else if (s > second) {
                second = s;
            }
        }
        if (!chosen) continue;
        const Place& p = im.index->place(chosen->place);
        // Weak mentions and small places need support from the rest of the document.
        const double doc_support = support(p.country);
        const bool small = (p.kind == "village" || p.kind == "town") && p.population < 10000;
        if (m.weak && doc_support < 0.9) continue;
        const bool minor = p.kind != "country" && p.kind != "region" && p.population < 100000;
        if (m.sentence_initial && minor && doc_support < 0.9) continue;
        if (small && m.evidence != Evidence::Plain && doc_support < 0.9) continue;
        double evidence = m.evidence == Evidence::Plain ? 0.95 : (m.evidence == Evidence::Prefixed ? 0.85 : 0.8);
        if (m.weak) evidence -= 0.15;
        const double margin = second < 0 ? 1.0 : std::clamp((best - second) / std::max(best, 1e-9) * 4.0, 0.0, 1.0);
        Mention out;
        out.text = std::string(utf8_text.substr(m.byte_start, m.byte_end - m.byte_start));
        out.start = m.cp_start;
        out.end = m.cp_end;
        out.resolved.place = &p;
        out.resolved.score = std::round(best * 1000.0) / 1000.0;
        out.resolved.matched = out.text;
        out.resolved.match_type = m.evidence == Evidence::Plain ? "folded" : "inflected";
        out.confidence = std::round(evidence * (0.6 + 0.4 * margin) * 1000.0) / 1000.0;
        result.mentions.push_back(std::move(out));
    }
    nlohmann::json countries = nlohmann::json::object();
    std::string dominant;
    double top = 0;
    for (const auto& [cc, w] : weight) {
        countries[cc] = std::round(w * 1000.0) / 1000.0;
        if (w > top) {
            top = w;
            dominant = cc;
        }
    }
    result.context["countries"] = countries;
    result.context["dominant_country"] = dominant;
    result.context["mentions"] = result.mentions.size();
    if (has_centre) result.context["centre"] = {centre.lon, centre.lat};
    return result;
}

FeatureCollection to_feature_collection(const GeoparseResult& result) {
    FeatureCollection fc;
    for (const auto& m : result.mentions) {
        Feature f = to_feature(m.resolved);
        f.properties["mention"] = m.text;
        f.properties["start"] = m.start;
        f.properties["end"] = m.end;
        f.properties["confidence"] = m.confidence;
        fc.features.push_back(std::move(f));
    }
    fc.foreign_members["context"] = result.context;
    return fc;
}

}  // namespace aras::geo
