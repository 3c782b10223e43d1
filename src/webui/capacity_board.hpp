#pragma once
// CapacityBoard: what the web UI shows of a capacity search (`cicada capacity` without --headless): the
// objectives and plan, each step as it ends, and the answer. The search's thread writes it, the UI's
// server reads it; GET /capacity is its JSON.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runner/capacity_search.hpp"

namespace cicada::webui {

struct CapacitySetup {
  std::string scenario;           // scenario file
  std::string host;               // system under test
  std::vector<std::string> slos;  // objectives as written
  runner::CapacityPlan plan;
};

class CapacityBoard {
 public:
  explicit CapacityBoard(CapacitySetup setup);

  void add_step(const runner::CapacityPoint& point);     // a step ended
  void revise_step(const runner::CapacityPoint& point);  // an earlier step's new verdict (same step number)
  void finish(const runner::CapacityResult& result);     // the search ended

  // {state ("running" or "done"), scenario, host, slos, mode, plan: {start, step, factor, precision,
  //  max_steps, repeat, warmup_s, window_s (0: automatic), stable_windows, stability, max_windows},
  //  points: [...], result: null or the curve JSON with limit: the step's objective}
  std::string json() const;

 private:
  const CapacitySetup setup_;
  mutable std::mutex mutex_;
  std::vector<runner::CapacityPoint> points_;
  std::optional<runner::CapacityResult> result_;
};

}  // namespace cicada::webui
