#pragma once
// RunHooks: a scenario's own code at moments inside a test (a locustfile's spawning_complete,
// test_stopping and reset_stats listeners, as Locust's runner fires them), and the app's words at one of
// them. RunControl calls them on its control thread; an empty one is skipped. They travel in RunOptions (not
// on the wire: a worker sets its own from the locustfile it loaded).
#include <functional>

namespace cicada::runner {

struct RunHooks {
  std::function<void(int users)> spawning_complete;  // each time a ramp reaches its target of users
  std::function<void()> stopping;                    // the test is about to stop its users
  std::function<void()> stats_reset;                 // the stats were reset (--reset-stats, the web UI)
  // The app's own words when --run-time ends the test (a headless run: Locust's "shutting down");
  // empty: "--run-time limit reached, stopping test", as Locust's web UI with --autostart says it.
  std::function<void()> run_time_reached;
};

}  // namespace cicada::runner
