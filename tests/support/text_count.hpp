#pragma once
// How often a piece of text occurs in reports and command output the tests read (HTML, console tables).
#include <cstddef>
#include <string_view>

namespace cicada::testing {

// Occurrences of needle in text, overlapping ones included; needle must not be empty.
inline std::size_t count_occurrences(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace cicada::testing
