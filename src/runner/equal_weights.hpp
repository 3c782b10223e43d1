#pragma once
// Locust's --equal-weights: every user type and every task weighs the same, so each runs as often as any
// other (a smoke test of every task). A locustfile opens its task sets into their tasks itself, in
// Python (locust/_loader.py), as Locust's Environment.assign_equal_weights does.
#include "cicada/user.hpp"

namespace cicada::runner {

// Weight 1 for each user type without a fixed count (a fixed count stays: Locust keeps it too) and for
// each of every type's tasks.
void assign_equal_weights(Scenario& scenario);

}  // namespace cicada::runner
