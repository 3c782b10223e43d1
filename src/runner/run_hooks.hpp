#pragma once
// RunHooks: a scenario's own code at moments inside a test (a locustfile's spawning_complete,
// test_stopping and reset_stats listeners, as Locust's runner fires them). RunControl calls them on its
// control thread; an empty one is skipped. They travel in RunOptions (not on the wire: a worker sets its
// own from the locustfile it loaded).
#include <functional>

namespace cicada::runner {

struct RunHooks {
  std::function<void(int users)> spawning_complete;  // each time a ramp reaches its target of users
  std::function<void()> stopping;                    // the test is about to stop its users
  std::function<void()> stats_reset;                 // the stats were reset (--reset-stats, the web UI)
};

}  // namespace cicada::runner
