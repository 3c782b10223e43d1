#pragma once
// Text from the target (entry names, error messages) on its way into formats that require valid UTF-8
// (XML, Prometheus exposition): broken byte sequences become U+FFFD instead of making the file unreadable.
#include <cstddef>
#include <string>
#include <string_view>

namespace cicada::report {

// Length of the valid UTF-8 sequence starting at s[i] (1..4), or 0 when it is not one. Rejects overlong
// forms, surrogates, U+FFFE/U+FFFF and code points above U+10FFFF, as XML and Prometheus parsers do.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// s with every invalid sequence (each byte of it) replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

}  // namespace cicada::report
