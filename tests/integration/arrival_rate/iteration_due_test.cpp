// Inside one arrival-rate iteration, every request is measured from when it was due, not only the first:
// a request issued right after a response is due at that response's end. Here the task holds its event
// loop for 30 ms between its two requests (as a loop busy with other users would resume it late): the
// second request's latency from when it was due includes those 30 ms, its latency from the send does not.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "runner/local_runner.hpp"
#include "runner/stages.hpp"
#include "stats/snapshot.hpp"
#include "support/scripted_server.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

constexpr auto kLoopHeld = 30ms;

Scenario two_request_scenario() {
  Scenario scenario;
  scenario.source = "iteration_due_test";
  UserType type;
  type.name = "TwoSteps";
  type.tasks.push_back(TaskSpec{"two", 1, {}, [](User& user) -> Task<> {
                                  co_await user.client().get("/first");
                                  std::this_thread::sleep_for(kLoopHeld);  // the loop resumes us late
                                  co_await user.client().get("/second");
                                }});
  scenario.user_types.push_back(std::move(type));
  return scenario;
}

const stats::EntrySnapshot* entry(const stats::Snapshot& snap, const std::string& name) {
  for (const auto& e : snap.entries)
    if (e.name == name) return &e;
  return nullptr;
}

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

TEST(IterationDueTimes, ALaterRequestIsDueWhenThePreviousResponseEnded) {
  testing::ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(testing::ScriptedReply::respond(200, "ok"));
  runner::RunOptions o;
  o.host = server.url();
  o.run_time = 2s;
  o.threads = 1;
  o.seed = 7;
  o.stop_timeout = 1s;
  o.shape = runner::constant_rate_shape(10);  // 20 iterations, each holding the loop 30 ms: no overlap
  o.max_inflight = 10;
  runner::LocalRunner runner(two_request_scenario(), o);
  ASSERT_TRUE(runner.prepare());
  runner.run([](const stats::Snapshot&) {});
  const auto snap = runner.snapshot();

  const auto* second = entry(*snap, "/second");
  ASSERT_NE(second, nullptr);
  ASSERT_GE(second->num_requests, 15u);
  std::printf("/second: corrected min %.1f ms p50 %.1f ms; uncorrected p50 %.1f ms p99 %.1f ms\n",
              ms(second->min_us), ms(second->percentiles_us[0]), ms(second->uncorrected_percentiles_us[0]),
              ms(second->uncorrected_percentiles_us[7]));
  // Every second request waited for the loop: due when /first's response ended, sent 30 ms later.
  EXPECT_GE(ms(second->min_us), 30.0);
  // Each request's latency from when it was due is its latency from the send plus at least the 30 ms the
  // loop was held (more on a loaded machine, never less), so every rank of the corrected distribution is
  // at least 30 ms above the same rank measured from the send; 25 leaves room for the histogram's rounding.
  // Measured from the send, the hold would be in both and the difference near 0. No bound on how fast
  // loopback is: that depends on the machine.
  EXPECT_LT(ms(second->uncorrected_percentiles_us[0]) + 25.0, ms(second->percentiles_us[0]));
  EXPECT_LT(ms(second->uncorrected_percentiles_us[7]) + 25.0, ms(second->percentiles_us[7]));
}

}  // namespace
}  // namespace cicada
