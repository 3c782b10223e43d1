#include "runner/named_types.hpp"

#include <algorithm>

#include "runner/user_mix.hpp"

namespace cicada::runner {

bool is_named(const std::vector<std::string>& named, const std::string& name) {
  return std::find(named.begin(), named.end(), name) != named.end();
}

std::vector<std::string> unknown_types(const std::vector<UserType>& types,
                                       const std::vector<std::string>& named) {
  std::vector<std::string> unknown;
  for (const auto& name : named) {
    const bool known =
        std::any_of(types.begin(), types.end(), [&name](const UserType& t) { return t.name == name; });
    if (!known) unknown.push_back(name);
  }
  return unknown;
}

std::vector<UserType> restrict_to_named(const std::vector<UserType>& types,
                                        const std::vector<std::string>& named) {
  std::vector<UserType> kept;
  for (const auto& t : types) {
    const bool in = is_named(named, t.name);
    if (!in && !t.fixed_count) continue;
    UserType k;
    k.name = t.name;
    k.weight = t.weight;
    if (t.fixed_count) k.fixed_count = in ? *t.fixed_count : 0;
    kept.push_back(std::move(k));
  }
  return kept;
}

TypeShares shares_of_named_types(const std::vector<UserType>& types, const std::vector<std::string>& named,
                                 int users) {
  TypeShares shares;
  for (const auto& t : types) (t.fixed_count ? shares.fixed : shares.weighted)[t.name] = 0;
  int fixed_total = 0;
  std::vector<UserType> weighted;  // the named weighted types, as the round robin sees them
  for (auto& t : restrict_to_named(types, named)) {
    if (!t.fixed_count) {
      weighted.push_back(std::move(t));
      continue;
    }
    const int count = std::max(0, *t.fixed_count);
    shares.fixed[t.name] = count;
    fixed_total += count;
  }
  const int rest = std::max(0, users - fixed_total);
  if (weighted.empty() || rest == 0) return shares;
  const UserMix mix(weighted);
  const auto& cycle = mix.cycle();
  if (cycle.empty()) return shares;  // every named weight 0
  // Whole cycles, then the first positions of one more: the mix of the first `rest` users.
  std::vector<int> counts(weighted.size(), 0);
  const auto whole = static_cast<std::size_t>(rest) / cycle.size();
  const auto part = static_cast<std::size_t>(rest) % cycle.size();
  for (std::size_t k = 0; k < cycle.size(); ++k)
    counts[cycle[k]] += static_cast<int>(whole) + (k < part ? 1 : 0);
  for (std::size_t i = 0; i < weighted.size(); ++i) shares.weighted[weighted[i].name] = counts[i];
  return shares;
}

}  // namespace cicada::runner
