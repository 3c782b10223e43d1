// Every due iteration is started or dropped (docs/metrics.md, "Every iteration accounted for"), against a
// server that accepts connections and never answers, whichever way the run stops.
#include <gtest/gtest.h>

#include <chrono>

#include "one_get_scenario.hpp"
#include "runner/local_runner.hpp"
#include "runner/stages.hpp"
#include "stats/snapshot.hpp"
#include "support/scripted_server.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedReply;
using testing::ScriptedServer;

stats::Snapshot run_against_hung_server(std::chrono::microseconds stop_timeout,
                                        std::chrono::microseconds max_lateness) {
  ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::stall());
  runner::RunOptions o;
  o.host = server.url();
  o.run_time = 2s;
  o.threads = 1;
  o.seed = 3;
  o.stop_timeout = stop_timeout;
  o.keep_entry_history = false;
  o.shape = runner::constant_rate_shape(40);  // 80 due in 2 s
  o.max_inflight = 10;
  o.max_lateness = max_lateness;
  runner::LocalRunner runner(testing::one_get_scenario("iteration_accounting_test"), std::move(o));
  EXPECT_TRUE(runner.prepare());
  runner.run([](const stats::Snapshot&) {});
  return *runner.snapshot();
}

void expect_accounted(const stats::Snapshot& snap) {
  EXPECT_EQ(snap.started_iterations, 10u);  // the 10 slots, each stuck on its first request
  EXPECT_EQ(snap.due_iterations, snap.started_iterations + snap.dropped_iterations);
  EXPECT_NEAR(static_cast<double>(snap.due_iterations), 80.0, 4.0);
  // Nothing was answered: the 10 requests are unanswered at the end, and those that waited 1 s or more
  // (all of them, 1.75 s or longer here) are failures (docs/metrics.md, "Requests without an answer").
  EXPECT_EQ(snap.unanswered_requests, 10u);
  EXPECT_LE(snap.total.num_requests, 10u);
  EXPECT_EQ(snap.total.num_failures, snap.total.num_requests);
}

// The case that reported "Dropped iterations: 0": the loops stop at once (no --stop-timeout), before the
// executor's own stop ran.
TEST(IterationAccounting, NoStopTimeoutStillDropsEveryWaitingIteration) {
  expect_accounted(run_against_hung_server(0s, 10s));
}

TEST(IterationAccounting, AStopTimeoutDropsTheWaitingOnesAtTheStop) {
  expect_accounted(run_against_hung_server(500ms, 10s));
}

TEST(IterationAccounting, LatenessDropsDuringTheRunAddUpToo) {
  const auto snap = run_against_hung_server(0s, 300ms);
  expect_accounted(snap);
  EXPECT_GT(snap.dropped_iterations, 60u);
}

}  // namespace
}  // namespace cicada
