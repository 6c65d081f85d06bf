// Unicode text normalisation for name matching: fold keys, UTF-8 decoding, script detection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aras::geo::text {

enum class Script { Other, Latin, Cyrillic, Hebrew, Arabic, Armenian, Georgian, Digit };

Script script_of(char32_t c);

// Decodes one code point at s[i] and advances i; invalid bytes decode as U+FFFD (one byte each).
char32_t decode_utf8(std::string_view s, std::size_t& i);
void append_utf8(std::string& out, char32_t c);
std::size_t count_code_points(std::string_view s);

// The matching key of a name: case folded, diacritics removed (ə→a, ı→i, ş→s, ā→a), Arabic-script
// letters unified (ي→ی, ك→ک, tatweel and ZWNJ dropped), Hebrew niqqud, geresh and apostrophes
// dropped, punctuation and spaces collapsed to one space. Table driven, so cheap per call.
std::string fold_key(std::string_view utf8);
// The same into `out` (cleared first), reusing its storage.
void fold_key_into(std::string_view utf8, std::string& out);

// Appends the fold of one code point to `out` (may append nothing or a space for separators).
void append_folded(std::string& out, char32_t c);

// True when the code point is part of a word (letter, digit, mark, or a word-internal joiner).
bool is_word_char(char32_t c);

// Case folding and NFC only, for telling exact matches from folded ones.
std::string case_fold(std::string_view utf8);

// Levenshtein distance of two ASCII strings when it is <= max_distance, else max_distance + 1.
int bounded_edit_distance(std::string_view a, std::string_view b, int max_distance);

}  // namespace aras::geo::text
