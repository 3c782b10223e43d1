#pragma once
// cicada as a library (Locust's "use as a library"): run a load test in this process and get the final
// statistics back. Link cicada::cicada (find_package(cicada)); define user types with ScenarioBuilder.
//
//   cicada::Scenario scenario;
//   cicada::ScenarioBuilder(scenario).user<HealthUser>("HealthUser").task("health", &HealthUser::health);
//   auto summary = cicada::run(std::move(scenario), {.host = "http://127.0.0.1:8080", .users = 10,
//                                                    .spawn_rate = 10, .run_time = std::chrono::seconds(5)});
//   if (summary.total.failures > 0) ...
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cicada/scenario.hpp"

namespace cicada {

struct RunConfig {
  std::string host;                              // base URL for relative paths; empty: the scenario's host
  int users = 1;                                 // peak number of users
  double spawn_rate = 1;                         // users started per second
  std::chrono::duration<double> run_time{};      // required: a library run always ends by itself
  std::chrono::duration<double> stop_timeout{};  // users may finish their task this long on stop
  std::vector<std::string> tags;                 // run only tasks with one of these tags
  std::vector<std::string> exclude_tags;         // drop tasks with any of these tags
  std::size_t threads = 0;                       // event loops; 0: one per usable CPU
  std::uint64_t seed = 0;                        // 0: random
};

// One request stats entry at the end of the run (a row of Locust's _stats.csv). Times in milliseconds.
struct EntrySummary {
  std::string method;  // "GET", ...; empty for the aggregated row
  std::string name;    // the path or the name= given; "Aggregated" for the total
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;  // subset of requests
  double median_ms = 0, average_ms = 0, min_ms = 0, max_ms = 0;
  double p90_ms = 0, p95_ms = 0, p99_ms = 0;
  double requests_per_s = 0;        // over the measured time
  double average_content_size = 0;  // bytes
};

struct FailureSummary {
  std::string method, name, error;
  std::uint64_t occurrences = 0;
};

struct RunSummary {
  std::vector<EntrySummary> entries;  // sorted by name then method, as in _stats.csv
  EntrySummary total;                 // all entries together
  std::vector<FailureSummary> failures;
  std::uint64_t exceptions = 0;  // exceptions that escaped scenario code
  double duration_s = 0;         // measured time the rates are over
};

// Runs the test to its run time and returns the final statistics. Throws std::invalid_argument when the
// scenario or config cannot run (no user type, no host, no run time...), before any load starts.
RunSummary run(Scenario scenario, const RunConfig& config);

}  // namespace cicada
