#pragma once
// Load shapes (Locust's LoadTestShape.tick): a pure function of the elapsed run time that returns the
// target the runner should follow now, or nothing to end the test.
//
// A C++ scenario sets Scenario::shape; YAML `stages:` and `--stages` build one. A target with an
// arrival_rate switches the runner to the open model (iterations started on a schedule, see
// docs/metrics.md "Coordinated omission"); otherwise it sets users and spawn rate as Locust does.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cicada {

struct ShapeTarget {
  int users = 0;                       // closed model: users to reach
  double spawn_rate = 1;               // closed model: users started (or stopped) per second
  std::optional<double> arrival_rate;  // open model: iterations started per second (users ignored)
  std::string stage;                   // label of the current stage; a new label marks a chart boundary
  // Closed model: the user types the target's users are of (a locustfile's tick() returning user classes
  // as a third item): users of other types are stopped and the named ones run in their own mix. nullopt:
  // as the last target that named some said (every type until one does), as Locust keeps them.
  std::optional<std::vector<std::string>> user_types;
};

using ShapeFn = std::function<std::optional<ShapeTarget>(std::chrono::duration<double> elapsed)>;

}  // namespace cicada
