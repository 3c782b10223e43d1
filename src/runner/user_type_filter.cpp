#include "runner/user_type_filter.hpp"

#include <algorithm>

namespace cicada::runner {

Result<void> keep_user_types(Scenario& scenario, const std::vector<std::string>& names) {
  if (names.empty()) return {};
  auto defined = [&](const std::string& name) {
    return std::any_of(scenario.user_types.begin(), scenario.user_types.end(),
                       [&](const UserType& t) { return t.name == name; });
  };
  std::string unknown;
  for (const auto& name : names)
    if (!defined(name)) unknown += (unknown.empty() ? "" : ", ") + name;
  if (!unknown.empty()) {
    std::string known;
    for (const auto& t : scenario.user_types) known += (known.empty() ? "" : ", ") + t.name;
    return make_error("Unknown User(s): " + unknown + " (" + scenario.source + " defines " + known + ")");
  }
  std::erase_if(scenario.user_types, [&](const UserType& t) {
    return std::find(names.begin(), names.end(), t.name) == names.end();
  });
  return {};
}

}  // namespace cicada::runner
