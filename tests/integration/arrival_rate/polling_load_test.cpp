// The open model's polling loops say how much of their time was work (runner/polling_load.hpp), the
// signal the capacity search uses above the polling rate, where a loop's core reads 100% busy whatever
// its load. Both cases are decided by the schedule, not by how fast this machine is.
#include "runner/polling_load.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "base/clock.hpp"
#include "runner/local_runner.hpp"
#include "runner/stages.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

// One user type whose only task keeps its thread busy for `work` without any I/O.
Scenario busy_scenario(std::chrono::microseconds work) {
  Scenario scenario;
  scenario.source = "polling_load_test";
  UserType type;
  type.name = "Busy";
  type.tasks.push_back(TaskSpec{"spin", 1, {}, [work](User&) -> Task<> {
                                  const MonoTime until = mono_now() + work;
                                  while (mono_now() < until) {
                                  }
                                  co_return;
                                }});
  scenario.user_types.push_back(std::move(type));
  return scenario;
}

double busy_share_of_a_run(std::chrono::microseconds work, double rate) {
  runner::RunOptions o;
  o.host = "http://127.0.0.1:9";  // never contacted: the task makes no request
  o.run_time = 1500ms;
  o.threads = 1;
  o.seed = 7;
  o.stop_timeout = 1s;
  o.keep_entry_history = false;
  o.shape = runner::constant_rate_shape(rate);
  const runner::PollingLoad before = runner::polling_load_total();
  runner::LocalRunner runner(busy_scenario(work), std::move(o));
  auto prepared = runner.prepare();
  EXPECT_TRUE(prepared) << prepared.error().message;
  runner.run([](const stats::Snapshot&) {});
  return runner::polling_busy_share(before, runner::polling_load_total(), 1);
}

// 30,000 arrivals/s of 100 us of work each need three cores' worth of time from one loop: it is always
// behind, every pass starts arrivals, and so every gap between its passes was work.
TEST(PollingLoad, ALoopThatCannotKeepUpWithItsScheduleWorksAllOfItsPolledTime) {
  const double busy = busy_share_of_a_run(100us, 30'000);
  std::printf("busy share %.3f\n", busy);
  EXPECT_GE(busy, 0.95);
}

// Below the polling rate (20,000/s per loop) the loop sleeps on its timer between arrivals: it never
// polls, so there is no polled time to judge and the share is unknown, never a guess.
TEST(PollingLoad, ALoopThatSleepsBetweenArrivalsReportsNoPolledTime) {
  EXPECT_LT(busy_share_of_a_run(0us, 200), 0);
}

TEST(PollingLoad, TheShareIsWorkOverPolledTimeAndUnknownBelowTheMinimumSpan) {
  const runner::PollingLoad a{1'000, 200};
  EXPECT_DOUBLE_EQ(runner::polling_busy_share(a, {11'000, 2'700}, 1), 0.75);
  EXPECT_LT(runner::polling_busy_share(a, {1'500, 300}, 1'000), 0);  // 500 ns polled: too little
  EXPECT_LT(runner::polling_busy_share(a, a, 0), 0);                 // nothing polled
}

}  // namespace
}  // namespace cicada
