#include "base/closest_name.hpp"

#include <algorithm>
#include <cctype>

namespace cicada {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  // One row of the dynamic-programming table at a time: row[j] is the distance of a[0..i) to b[0..j).
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitute = diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_name(std::string_view typed, const std::vector<std::string>& known) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  bool tie = false;
  for (const auto& name : known) {
    const std::size_t d = edit_distance(typed, name);
    // Two edits (a swapped pair of letters) or a third of the name, and never the whole typed name.
    const std::size_t limit = std::max<std::size_t>(2, std::max(typed.size(), name.size()) / 3);
    if (d > limit || d >= typed.size()) continue;
    if (!best || d < best_distance) {
      best = name, best_distance = d, tie = false;
    } else if (d == best_distance && name != *best) {
      tie = true;
    }
  }
  if (tie) return std::nullopt;  // two equally likely meanings: a hint would be a guess
  return best;
}

}  // namespace cicada
