#pragma once
// Stages: the load shape most tests need, a list of (duration, target) steps, as Locust's StagesShape and
// k6's stages. Written in YAML (`stages:`) or on the command line (`--stages`):
//
//   "30s:10@5,1m:100@10"     closed model: hold 10 users (spawned at 5/s) for 30 s, then 100 at 10/s for 1 m
//   "30s:10"                 the spawn rate defaults to the run's -r
//   "30s:50/s,1m:50..200/s"  open model: 50 iterations/s for 30 s, then a linear ramp from 50 to 200/s
//
// One list is either all users or all rates. The test ends when the last stage does.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "cicada/shape.hpp"

namespace cicada::runner {

// The arrival rates and user counts cicada accepts, wherever they come from (command line, web UI,
// stages, a shape). Ten million iterations a second is a hundred times what one event loop sends; beyond
// it the schedule's arithmetic, not the target, would be measured. Ten million users at ~10 KB each
// would take 100 GB.
inline constexpr double kMaxArrivalRate = 1e7;
inline constexpr double kMaxUsers = 1e7;
// "" when rate is an arrival rate cicada runs (0 allowed where a stage pauses: allow_zero), else why not.
std::string arrival_rate_problem(double rate, bool allow_zero = false);

struct Stage {
  std::chrono::microseconds duration{0};
  // Closed model.
  int users = 0;
  std::optional<double> spawn_rate;  // none: the run's -r
  // Open model: iterations per second at the end of the stage; rate_from: at its start (a linear ramp).
  std::optional<double> arrival_rate;
  std::optional<double> rate_from;

  bool open_model() const { return arrival_rate.has_value(); }
};

// Parses one stage ("30s:10@5", "1m:200/s", "1m:50..200/s").
Result<Stage> parse_stage(std::string_view text);
// Parses a comma-separated list; checks durations are positive and models are not mixed.
Result<std::vector<Stage>> parse_stages(std::string_view text);
Result<void> validate_stages(const std::vector<Stage>& stages);

// "stage 2/3: 100 users @ 10/s", "stage 1/2: 50..200/s": labels for logs and chart marks.
std::string stage_label(const std::vector<Stage>& stages, std::size_t index);

// Step load: start_users, then step_users more every step_duration, `steps` steps in all.
std::vector<Stage> step_stages(int start_users, int step_users, int steps,
                               std::chrono::microseconds step_duration, double spawn_rate);
// Spike: base users for `before`, spike users for `spike`, base users again for `after`.
std::vector<Stage> spike_stages(int base_users, int spike_users, std::chrono::microseconds before,
                                std::chrono::microseconds spike, std::chrono::microseconds after,
                                double spawn_rate);

// The shape that follows stages; default_spawn_rate fills stages without one.
ShapeFn stages_shape(std::vector<Stage> stages, double default_spawn_rate);
// A constant arrival rate for the whole run (--arrival-rate without --stages).
ShapeFn constant_rate_shape(double per_second);

// Whether a test following `shape` runs the open model: its first target chooses the model for the whole
// test (RunControl::begin_shape). False for no shape or an empty one.
bool opens_with_arrival_rate(const ShapeFn& shape);

}  // namespace cicada::runner
