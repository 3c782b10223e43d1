#pragma once
// Well-formed UTF-8 (RFC 3629), as JSON writers require it: nlohmann::json throws on anything else, and
// the server's own JSON writer replaces it. One definition for both.
#include <cstddef>
#include <string>
#include <string_view>

namespace cicada {

// Length of the well-formed UTF-8 sequence starting at s[i] (1..4: no overlongs, no surrogates, at most
// U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// True when all of s is well-formed UTF-8.
bool is_utf8(std::string_view s);

// s with each byte that does not start a valid sequence replaced by U+FFFD. sequence_length says what
// is valid (a stricter rule for XML: report/utf8_text.hpp); by default, well-formed UTF-8.
using Utf8SequenceLength = std::size_t (*)(std::string_view s, std::size_t i);
std::string utf8_or_replacement(std::string_view s,
                                Utf8SequenceLength sequence_length = utf8_sequence_length);

}  // namespace cicada
