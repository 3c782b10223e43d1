#pragma once
// The known name a mistyped one most likely meant ("CICADA_USER" -> "CICADA_USERS"), for "did you mean"
// hints: the nearest by edit distance (Levenshtein, case-insensitive), if it is near enough to be a typo
// (two edits, or a third of the longer name's characters) and no other candidate is as near.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cicada {

std::size_t edit_distance(std::string_view a, std::string_view b);  // case-insensitive
std::optional<std::string> closest_name(std::string_view typed, const std::vector<std::string>& known);

}  // namespace cicada
