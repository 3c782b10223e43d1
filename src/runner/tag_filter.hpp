#pragma once
// Locust's --tags / --exclude-tags applied to a scenario before the run.
#include <string>
#include <vector>

#include "base/result.hpp"
#include "cicada/user.hpp"

namespace cicada::runner {

// Keeps only tasks having at least one of `tags` (untagged tasks are dropped) when tags is not empty,
// then drops tasks carrying any of `exclude`. User types left without tasks are removed; an error
// names the tags when nothing at all is left to run.
Result<void> apply_tag_filter(Scenario& scenario, const std::vector<std::string>& tags,
                              const std::vector<std::string>& exclude);

}  // namespace cicada::runner
