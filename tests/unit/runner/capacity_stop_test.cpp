// What ends a capacity search without a found limit, fed with synthetic windows: a target that fails
// every request (a pass no objective may give), and --max-steps reached before any step failed.
#include <gtest/gtest.h>

#include "capacity_test_windows.hpp"
#include "runner/capacity_search.hpp"

namespace cicada::runner {
namespace {

TEST(CapacitySearch, ATargetThatFailsEveryRequestQuicklyMeetsNoLatencyObjective) {
  // A target that is down: every connection refused within 0.2 ms. Its p95 is far under 50 ms, but no
  // load was sustained.
  CapacitySearch search(default_plan(), {*parse_slo("p95 < 50ms")});
  for (int i = 0; i < 200 && !search.done(); ++i) search.add_window(window(search.load(), 200, 1, 1.0));
  const auto r = search.result();
  EXPECT_FALSE(r.found);
  ASSERT_FALSE(r.curve.empty());
  EXPECT_EQ(r.curve.front().verdict, StepVerdict::kCrossed);
  EXPECT_EQ(r.curve.front().violated, "every request failed (20 of 20)")
      << "the two windows that ended the step";
  // Down to 1/s and failing still: a lower --start would not help, and the answer does not say it would.
  EXPECT_TRUE(r.lowest_load_failed);
  EXPECT_EQ(no_answer_text(r), "No load met every objective, not even the lowest tried");
  EXPECT_EQ(capacity_exit_code(r), 1);
  CapacityPlan two_steps = default_plan();
  two_steps.start = 1000;
  two_steps.max_steps = 2;
  CapacitySearch stopped(two_steps, {*parse_slo("p95 < 50ms")});
  for (int i = 0; i < 200 && !stopped.done(); ++i) stopped.add_window(window(stopped.load(), 200, 1, 1.0));
  EXPECT_FALSE(stopped.result().lowest_load_failed);
  EXPECT_EQ(no_answer_text(stopped.result()), "No step met every objective: lower --start");
  // One success in the window is a measurement like any other: the latency objective judges it.
  CapacitySearch partly(default_plan(), {*parse_slo("p95 < 50ms")});
  auto w = window(10, 200, 1, 1.0);
  w.failures = 9;
  partly.add_window(w);
  partly.add_window(w);
  partly.add_window(w);
  ASSERT_FALSE(partly.result().curve.empty());
  EXPECT_EQ(partly.result().curve.front().verdict, StepVerdict::kMet);
}

TEST(CapacitySearch, MaxStepsBeforeAnyStepFailedIsALowerBoundNotTheLimit) {
  CapacityPlan plan = default_plan();
  plan.max_steps = 3;  // 10, 30 and 90/s against a target that serves 1,000/s
  const auto out = search_against(SimulatedServer{1000, 1000}, plan, {*parse_slo("p95 < 50ms")});
  EXPECT_TRUE(out.result.found);
  EXPECT_TRUE(out.result.limit_not_reached);
  EXPECT_EQ(capacity_exit_code(out.result), 4) << "a lower bound is not a pass";
  EXPECT_DOUBLE_EQ(out.result.best.load, 90);
  EXPECT_EQ(answer_label(out.result),
            "Highest load measured, no step failed before --max-steps (a lower bound)");
  // Bracketed but not to the precision: the limit is known within the bracket, not a lower bound.
  plan.max_steps = 8;
  const auto bracketed = search_against(SimulatedServer{1000, 1000}, plan, {*parse_slo("p95 < 50ms")});
  EXPECT_NE(bracketed.result.stop_reason.find("--max-steps 8 reached"), std::string::npos)
      << bracketed.result.stop_reason;
  EXPECT_FALSE(bracketed.result.limit_not_reached);
  EXPECT_EQ(answer_label(bracketed.result), "Maximum sustainable load");
}

}  // namespace
}  // namespace cicada::runner
