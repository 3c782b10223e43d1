// The capacity search where the generator saturated: what such a step still shows of the target (its
// throughput within the objectives, a lower bound) and when it shows nothing.
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "capacity_test_windows.hpp"
#include "runner/capacity_search.hpp"

namespace cicada::runner {
namespace {

// A closed-loop search where `at(users)` gives each window; returns the finished search's result.
template <class Window>
CapacityResult closed_loop_search(std::vector<Slo> slos, Window at) {
  CapacityPlan plan = default_plan();
  plan.open_model = false;
  plan.start = 10;
  CapacitySearch search(plan, std::move(slos));
  int windows = 0;
  while (!search.done() && ++windows < 1000) search.add_window(at(search.load(), windows));
  EXPECT_TRUE(search.done());
  return search.result();
}

// In a closed loop without think time the generator is busy at any user count against a fast target
// (measured: 10 users, 86,000/s, cicada and cicada-model each at 99% of their core). The search then
// bisects down to one user, a weak answer; the step where the generator saturated but every objective
// held still shows what the target served, and the result says so.
TEST(CapacitySearch, AClosedLoopSaturatedGeneratorStillShowsTheThroughputServedWithinTheObjectives) {
  const auto r =
      closed_loop_search({*parse_slo("p95 < 50ms"), *parse_slo("fail_ratio < 1%")}, [](double users, int) {
        // One user keeps the generator half busy at 24,000/s; two or more fill its core at 64,000-86,000/s.
        auto w = window(users < 2 ? 24'000 : users < 5 ? 64'000 : 86'000, 100);
        w.generator_cpu = users < 2 ? 0.6 : 0.99;
        return w;
      });
  ASSERT_TRUE(r.found) << r.stop_reason;
  EXPECT_TRUE(r.generator_saturated);
  EXPECT_EQ(capacity_exit_code(r), 3);
  EXPECT_DOUBLE_EQ(r.best.load, 1);
  EXPECT_EQ(r.curve.front().verdict, StepVerdict::kGeneratorSaturated);
  EXPECT_FALSE(r.curve.front().within_slo);
  EXPECT_TRUE(r.curve.front().objectives_held);
  const CapacityPoint* bound = r.saturated_bound();
  ASSERT_NE(bound, nullptr);
  EXPECT_DOUBLE_EQ(bound->load, 10);
  EXPECT_DOUBLE_EQ(bound->goodput_rps, 86'000);
  CapacityPlan plan;
  plan.open_model = false;
  EXPECT_EQ(
      saturated_bound_text(plan, r),
      "86000.0 req/s at 10 users, where the generator saturated (p95 0.1 ms): a lower bound of what the "
      "target serves in a closed loop");
  EXPECT_EQ(answer_label(r), "Highest load measured before the generator saturated");
}

// Where the generator saturated, objectives that failed, windows that disagree or a window with nothing
// completed are no evidence of what the target serves within the objectives.
TEST(CapacitySearch, ASaturatedStepShowsAThroughputOnlyWhenItsWindowsAgreeAndKeptTheObjectives) {
  const Slo p95 = *parse_slo("p95 < 50ms");
  const auto crossed = closed_loop_search({p95}, [](double users, int) {
    auto w = window(users < 2 ? 24'000 : 86'000, users < 2 ? 100 : 80'000);
    w.generator_cpu = users < 2 ? 0.6 : 0.99;
    return w;
  });
  for (const auto& p : crossed.curve) EXPECT_EQ(p.objectives_held, p.load < 2) << p.load;
  EXPECT_EQ(crossed.saturated_bound(), nullptr);

  const auto swinging = closed_loop_search({p95}, [](double users, int n) {
    auto w = window(users < 2 ? 24'000 : n % 2 ? 86'000 : 50'000, 100);  // ±26% window to window
    w.generator_cpu = users < 2 ? 0.6 : 0.99;
    return w;
  });
  for (const auto& p : swinging.curve) EXPECT_EQ(p.objectives_held, p.load < 2) << p.load;
  EXPECT_EQ(swinging.saturated_bound(), nullptr);

  const auto stalled = closed_loop_search({p95}, [](double users, int n) {
    auto w = window(users < 2 ? 24'000 : n % 2 ? 86'000 : 0, 100);  // a saturated window, then nothing
    w.generator_cpu = users < 2 ? 0.6 : 0.99;
    return w;
  });
  for (const auto& p : stalled.curve) {
    if (p.verdict == StepVerdict::kGeneratorSaturated) {
      EXPECT_FALSE(p.objectives_held) << p.load;
    }
  }
  EXPECT_EQ(stalled.saturated_bound(), nullptr);
}

// Saturated at every user count, one included: nothing is "met", but the objectives held where it
// saturated, which is said instead of advising a lower start.
TEST(CapacitySearch, SaturatedAtEveryLoadStillShowsTheThroughputServedWithinTheObjectives) {
  const auto r = closed_loop_search({*parse_slo("p95 < 50ms")}, [](double users, int) {
    auto w = window(users < 2 ? 30'000 : 86'000, 100);
    w.generator_cpu = 0.99;
    return w;
  });
  EXPECT_FALSE(r.found);
  EXPECT_TRUE(r.generator_saturated);
  ASSERT_NE(r.saturated_bound(), nullptr);
  EXPECT_DOUBLE_EQ(r.saturated_bound()->goodput_rps, 86'000);
  EXPECT_EQ(no_answer_text(r), "No step met every objective with the generator keeping up");
}

}  // namespace
}  // namespace cicada::runner
