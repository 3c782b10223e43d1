// Capacity search against a loopback server that answers one request at a time (the handler runs under
// the server's lock) after 5 ms of sleep: at most 200 requests/s, less on a busy machine. Its real
// ceiling is measured in the same test by a closed-loop flood, before and after the search (a shared
// machine's load moves it within a minute): the search must land at most 10% above it, bracket its answer
// to 5% with a step that failed, and not fall far below it (the bounds are explained in the test).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "runner/capacity_inflight.hpp"
#include "runner/capacity_run.hpp"
#include "runner/local_runner.hpp"
#include "support/scripted_server.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

Scenario one_get_scenario() {
  Scenario scenario;
  scenario.source = "capacity_search_test";
  UserType type;
  type.name = "Getter";
  type.tasks.push_back(TaskSpec{"get", 1, {}, [](User& user) -> Task<> { co_await user.client().get("/"); }});
  scenario.user_types.push_back(std::move(type));
  return scenario;
}

runner::RunOptions options_for(const std::string& url) {
  runner::RunOptions options;
  options.host = url;
  options.threads = 1;
  options.seed = 3;
  options.max_inflight = 400;
  options.stop_timeout = 1s;
  options.keep_entry_history = false;
  return options;
}

// Closed loop, 16 users without think time for 4 s: the completions of the last 3 s are the ceiling.
double flood_ceiling(const std::string& url) {
  runner::RunOptions options = options_for(url);
  options.users = 16;
  options.spawn_rate = 1000;
  options.run_time = 4s;
  runner::LocalRunner flood(one_get_scenario(), options);
  EXPECT_TRUE(flood.prepare());
  std::uint64_t at_1s = 0;
  double t_1s = 0;
  int second = 0;
  flood.run([&](const stats::Snapshot& snap) {
    if (++second == 1) {
      at_1s = snap.total.num_requests;
      t_1s = snap.now_unix_s;
    }
  });
  const auto end = flood.snapshot();
  return static_cast<double>(end->total.num_requests - at_1s) / (end->now_unix_s - t_1s);
}

TEST(CapacitySearch, BracketsASerialServersLimitToFivePercentBelowItsMeasuredCeiling) {
  testing::ScriptedServer server;
  server.set_recording(false);
  server.set_handler([](const testing::RecordedRequest&) {
    std::this_thread::sleep_for(5ms);  // under the server's lock: a single worker, 200/s at most
    return testing::ScriptedReply::respond(200, "ok");
  });
  const double ceiling_before = flood_ceiling(server.url());
  ASSERT_GT(ceiling_before, 20);
  runner::CapacityPlan plan;
  plan.start = 60;
  plan.window = 1s;
  std::vector<runner::Slo> slos = {*runner::parse_slo("p95 < 100ms"), *runner::parse_slo("fail_ratio < 1%")};
  int steps_seen = 0;
  runner::CapacityProbes probes;
  probes.on_step = [&](const runner::CapacityPoint& p) {
    ++steps_seen;
    std::printf("step %d: %.0f/s offered, %.1f/s done, p95 %.1f ms, %zu windows%s %s\n", p.step, p.load,
                p.throughput_rps, static_cast<double>(p.percentiles_us[5]) / 1000.0, p.windows.size(),
                p.stable ? " stable" : "", p.violated.c_str());
    for (const auto& w : p.windows)
      std::printf("    window: %.1f/s p50 %.1f ms p95 %.1f ms late %.1f ms\n", w.throughput_rps,
                  static_cast<double>(w.p50_us) / 1000.0, static_cast<double>(w.p95_us) / 1000.0,
                  static_cast<double>(w.lateness_p50_us) / 1000.0);
  };
  runner::LocalTestRunSource source;
  auto searched =
      runner::run_capacity_search(source, one_get_scenario(), options_for(server.url()), plan, slos, probes);
  ASSERT_TRUE(searched) << searched.error().message;
  const auto& result = *searched;
  const double ceiling_after = flood_ceiling(server.url());
  std::printf("ceiling %.1f req/s before, %.1f after; capacity found: %.0f/s (%s)\n", ceiling_before,
              ceiling_after, result.best.load, result.stop_reason.c_str());
  if (result.generator_saturated) {
    // The search measured its own iterations starting late (this loaded machine held the generator off
    // the CPU) and refused to call that the server's limit: the right answer, but no bracket to check.
    // Shown as skipped, never as passed, as the capacity e2e test does.
    GTEST_SKIP() << "the search found its load generator saturated: " << result.stop_reason;
  }
  ASSERT_TRUE(result.found);
  EXPECT_EQ(static_cast<int>(result.curve.size()), steps_seen);
  // No load above what the server serves is sustainable, on any machine.
  const double ceiling = std::min(ceiling_before, ceiling_after);
  EXPECT_LE(result.best.load, 1.1 * std::max(ceiling_before, ceiling_after));
  EXPECT_NEAR(result.best.throughput_rps, result.best.load, result.best.load * 0.1);
  EXPECT_NE(result.stop_reason.find("bisected"), std::string::npos) << result.stop_reason;
  // The bracket: the lowest failed load is within the default 5% of the answer (loads are whole numbers).
  const runner::CapacityPoint* limit = nullptr;
  for (const auto& p : result.curve) {
    if (!p.within_slo && p.load > result.best.load && (limit == nullptr || p.load < limit->load)) limit = &p;
  }
  ASSERT_NE(limit, nullptr);
  EXPECT_LE(limit->load, result.best.load * 1.05 + 2);
  // Below the ceiling no bound holds on a busy machine: two windows in a row over the objective fail a
  // step, and a machine that holds the server or the generator off the CPU for two seconds does that at
  // any load (under ASan, p95 169 and 122 ms at 60/s for a 180/s server; the search then ended at 58/s).
  // What such a failure cannot be is a throughput one: far below the ceiling the server keeps up, so only
  // latency may have failed there, with the load still served.
  if (result.best.load < 0.75 * ceiling) {
    std::printf("the limit step at %.0f/s is far below the measured ceiling: a disturbance (%s)\n",
                limit->load, limit->violated.c_str());
    EXPECT_NE(limit->violated.find("p95"), std::string::npos) << limit->violated;
    // Served, or one of its windows served far less than offered: at a load far below the ceiling measured
    // in this run, only a machine holding the server off the CPU does that, and the backlog then lowers the
    // whole step's throughput (under ASan on a loaded machine: a 51/s window in a 104/s step of a 180/s
    // server, the step 72/s). A step far below its load with no such window (a counting error) still fails.
    bool starved_window = false;
    for (const auto& w : limit->windows)
      starved_window = starved_window || w.throughput_rps < 0.75 * limit->load;
    EXPECT_TRUE(std::abs(limit->throughput_rps - limit->load) <= limit->load * 0.2 || starved_window)
        << "served far below the ceiling (" << limit->throughput_rps << "/s) with no window held off";
  }
  // The whole search is one test: its stats hold every step's requests.
  ASSERT_TRUE(result.final_stats);
  EXPECT_GT(result.final_stats->total.num_requests, 0u);
}

// A generator with no time to spare never raises its own cap on iterations in flight, neither within a
// step nor at the start of the next (capacity_inflight.hpp): more connections would only make each request
// dearer for both sides. Against a target that answers after 100 ms on a thread per connection, a search
// whose loops say they are full (the probe) keeps the floor of 64 at every step, where one with time to
// spare raises it to 4 x load x 100 ms (CapacityE2e.TheInFlightCapFollowsASlowParallelTargetFromItsFloor):
// at 300/s, 120.
TEST(CapacitySearch, AGeneratorWithNoTimeToSpareNeverRaisesTheInFlightCap) {
  testing::ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(testing::ScriptedReply::respond(200, "ok").after(100ms));
  runner::CapacityPlan plan;
  plan.start = 100;
  plan.factor = 3;
  plan.max_steps = 3;
  plan.window = 1s;
  runner::CapacityProbes probes;
  probes.generator_busy = [] { return 0.99; };  // its polling loops working 99% of their time
  runner::LocalTestRunSource source;
  auto searched = runner::run_capacity_search(source, one_get_scenario(), options_for(server.url()), plan,
                                              {*runner::parse_slo("p95 < 2s")}, probes);
  ASSERT_TRUE(searched) << searched.error().message;
  const auto& curve = searched->curve;
  ASSERT_EQ(curve.size(), 3u) << searched->stop_reason;
  for (const auto& p : curve)
    EXPECT_EQ(p.inflight_cap, runner::kInflightFloor) << p.load << "/s: " << p.violated;
  // Held at 64 against 100 ms answers, the 900/s step served at most 640 req/s: the cap was what limited it.
  EXPECT_EQ(curve[2].load, 900);
  EXPECT_LE(curve[2].throughput_rps, 640 * 1.05) << curve[2].violated;
}

}  // namespace
}  // namespace cicada
