#pragma once
// Locust's user classes chosen for a run (the command line's positional names, the web UI's class picker,
// a master's choice sent to its workers) applied to a scenario before the run.
#include <string>
#include <vector>

#include "base/result.hpp"
#include "cicada/user.hpp"

namespace cicada::runner {

// Keeps only the user types named (in the scenario's order); none named keeps them all. A name the
// scenario does not define is an error that says which it does define (Locust's "Unknown User(s)"), and
// leaves the scenario as it was.
Result<void> keep_user_types(Scenario& scenario, const std::vector<std::string>& names);

}  // namespace cicada::runner
