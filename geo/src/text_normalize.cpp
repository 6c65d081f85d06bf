// Unicode folding for name matching, built once into a per-code-point table with ICU.
#include "text_normalize.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <vector>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace aras::geo::text {

Script script_of(char32_t c) {
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Script::Latin;
        if (c >= '0' && c <= '9') return Script::Digit;
        return Script::Other;
    }
    if (c < 0x250 || (c >= 0x1E00 && c <= 0x1EFF)) return Script::Latin;
    if (c >= 0x400 && c <= 0x52F) return Script::Cyrillic;
    if ((c >= 0x590 && c <= 0x5FF) || (c >= 0xFB1D && c <= 0xFB4F)) return Script::Hebrew;
    if ((c >= 0x600 && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F) || (c >= 0xFB50 && c <= 0xFDFF) ||
        (c >= 0xFE70 && c <= 0xFEFF))
        return Script::Arabic;
    if (c >= 0x530 && c <= 0x58F) return Script::Armenian;
    if (c >= 0x10A0 && c <= 0x10FF) return Script::Georgian;
    return Script::Other;
}

char32_t decode_utf8(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int len = 0;
    char32_t c = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        c = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        c = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        c = b0 & 0x07;
    } else {
        ++i;
        return 0xFFFD;
    }
    if (i + static_cast<std::size_t>(len) > s.size()) {
        ++i;
        return 0xFFFD;
    }
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        c = (c << 6) | (b & 0x3F);
    }
    i += static_cast<std::size_t>(len);
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0xFFFD;
    return c;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::size_t count_code_points(std::string_view s) {
    std::size_t n = 0;
    for (char ch : s)
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
    return n;
}

namespace {

// Characters that vanish from keys: joiners, tatweel, apostrophes, Hebrew geresh/gershayim, quotes.
bool dropped(char32_t c) {
    switch (c) {
        case 0x200C: case 0x200D: case 0x200E: case 0x200F: case 0x0640: case 0x00AD: case 0xFEFF:
        case 0x0027: case 0x2019: case 0x2018: case 0x02BC: case 0x02BB: case 0x05F3: case 0x05F4:
        case 0x0022: case 0x0060: case 0x00B4: case 0x201C: case 0x201D:
            return true;
        default:
            return false;
    }
}

char32_t remap(char32_t c) {
    switch (c) {
        case 0x0259: case 0x018F: return U'a';  // ə Ə
        case 0x0131: return U'i';               // dotless ı
        case 0x064A: case 0x0649: return 0x06CC;  // Arabic yeh, alef maksura → Persian yeh
        case 0x0643: return 0x06A9;               // Arabic kaf → Persian keheh
        case 0x0629: case 0x06C0: return 0x0647;  // teh marbuta, heh with yeh → heh
        case 0x0671: return 0x0627;               // alef wasla → alef
        default: return c;
    }
}

struct FoldTable {
    std::vector<std::string> bmp;  // fold of each BMP code point
    FoldTable() : bmp(0x10000) {
        UErrorCode status = U_ZERO_ERROR;
        const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
        for (char32_t c = 0; c < 0x10000; ++c) {
            if (c >= 0xD800 && c <= 0xDFFF) {
                bmp[c].push_back(' ');
                continue;
            }
            bmp[c] = compute(c, nfkd);
        }
    }
    static std::string compute(char32_t c, const icu::Normalizer2* nfkd) {
        if (dropped(c)) return {};
        const auto type = u_charType(static_cast<UChar32>(c));
        if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) return {};
        if (!is_word_char(c)) return " ";
        icu::UnicodeString u(static_cast<UChar32>(c));
        u.foldCase();
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString d = nfkd ? nfkd->normalize(u, status) : u;
        if (U_FAILURE(status)) d = u;
        std::string out;
        for (int32_t i = 0; i < d.length();) {
            const UChar32 cp = d.char32At(i);
            i += U16_LENGTH(cp);
            const auto t = u_charType(cp);
            if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK) continue;
            const char32_t m = remap(static_cast<char32_t>(u_foldCase(cp, U_FOLD_CASE_DEFAULT)));
            if (dropped(m)) continue;
            append_utf8(out, m);
        }
        return out;
    }
};

const FoldTable& table() {
    static const FoldTable t;
    return t;
}

}  // namespace

bool is_word_char(char32_t c) {
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c == 0x200C || c == 0x200D || c == 0x0640 || c == 0x05F3 || c == 0x05F4) return true;
    const auto cp = static_cast<UChar32>(c);
    if (u_isalnum(cp)) return true;
    const auto t = u_charType(cp);
    return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

void append_folded(std::string& out, char32_t c) {
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
            return;
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out.push_back(static_cast<char>(c));
            return;
        }
        if (!dropped(c)) out.push_back(' ');
        return;
    }
    if (c < 0x10000) {
        out += table().bmp[c];
        return;
    }
    if (is_word_char(c))
        append_utf8(out, c);
    else
        out.push_back(' ');
}

std::string fold_key(std::string_view utf8) {
    std::string out;
    fold_key_into(utf8, out);
    return out;
}

void fold_key_into(std::string_view utf8, std::string& out) {
    thread_local std::string raw;
    raw.clear();
    for (std::size_t i = 0; i < utf8.size();) append_folded(raw, decode_utf8(utf8, i));
    // Collapse separators to single spaces and trim.
    out.clear();
    bool space = false;
    for (char ch : raw) {
        if (ch == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(ch);
    }
}

std::string case_fold(std::string_view utf8) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    u.foldCase();
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (nfc && U_SUCCESS(status)) {
        icu::UnicodeString n = nfc->normalize(u, status);
        if (U_SUCCESS(status)) u = n;
    }
    std::string out;
    u.toUTF8String(out);
    return out;
}

int bounded_edit_distance(std::string_view a, std::string_view b, int max_distance) {
    const int n = static_cast<int>(a.size());
    const int m = static_cast<int>(b.size());
    if (std::abs(n - m) > max_distance) return max_distance + 1;
    std::array<int, 64> prev{}, cur{};
    if (m >= 63) return max_distance + 1;
    for (int j = 0; j <= m; ++j) prev[static_cast<std::size_t>(j)] = j;
    for (int i = 1; i <= n; ++i) {
        cur[0] = i;
        int row_min = cur[0];
        for (int j = 1; j <= m; ++j) {
            const int cost = a[static_cast<std::size_t>(i - 1)] == b[static_cast<std::size_t>(j - 1)] ? 0 : 1;
            const auto uj = static_cast<std::size_t>(j);
            cur[uj] = std::min({prev[uj] + 1, cur[uj - 1] + 1, prev[uj - 1] + cost});
            row_min = std::min(row_min, cur[uj]);
        }
        if (row_min > max_distance) return max_distance + 1;
        std::swap(prev, cur);
    }
    return std::min(prev[static_cast<std::size_t>(m)], max_distance + 1);
}

}  // namespace aras::geo::text
