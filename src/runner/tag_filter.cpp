#include "runner/tag_filter.hpp"

#include <algorithm>

namespace cicada::runner {
namespace {
bool has_any(const std::vector<std::string>& task_tags, const std::vector<std::string>& wanted) {
  return std::any_of(task_tags.begin(), task_tags.end(), [&](const std::string& t) {
    return std::find(wanted.begin(), wanted.end(), t) != wanted.end();
  });
}
std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}
}  // namespace

Result<void> apply_tag_filter(Scenario& scenario, const std::vector<std::string>& tags,
                              const std::vector<std::string>& exclude) {
  for (auto& type : scenario.user_types) {
    std::erase_if(type.tasks, [&](const TaskSpec& t) {
      if (!tags.empty() && !has_any(t.tags, tags)) return true;
      return !exclude.empty() && has_any(t.tags, exclude);
    });
  }
  std::erase_if(scenario.user_types, [](const UserType& t) { return t.tasks.empty(); });
  if (scenario.user_types.empty()) {
    std::string what = tags.empty() ? "" : "--tags " + join(tags);
    if (!exclude.empty())
      what += (what.empty() ? "" : " and ") + std::string("--exclude-tags ") + join(exclude);
    return make_error("no task left to run after " + what + " in " + scenario.source);
  }
  return {};
}

}  // namespace cicada::runner
