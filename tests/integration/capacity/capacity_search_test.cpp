// Capacity search against a loopback server whose capacity is known by construction: one request at a
// time (the handler runs under the server's lock) and 5 ms of work each, so at most 200 requests/s.
#include "runner/capacity_search.hpp"

#include <gtest/gtest.h>

#include <thread>

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

TEST(CapacitySearch, FindsTheCapacityOfASerialServerWithinFifteenPercent) {
  testing::ScriptedServer server;
  server.set_recording(false);
  server.set_handler([](const testing::RecordedRequest&) {
    std::this_thread::sleep_for(5ms);  // under the server's lock: a single worker, 200/s at most
    return testing::ScriptedReply::respond(200, "ok");
  });
  runner::RunOptions options;
  options.host = server.url();
  options.threads = 1;
  options.seed = 3;
  options.max_inflight = 400;
  options.stop_timeout = 1s;
  options.keep_entry_history = false;
  runner::CapacityPlan plan;
  plan.open_model = true;
  plan.start = 140;
  plan.step = 20;
  plan.max_steps = 8;
  plan.warmup = 1s;
  plan.hold = 2s;
  std::vector<runner::Slo> slos = {*runner::parse_slo("p95 < 50ms"), *runner::parse_slo("fail_ratio < 1%")};
  int steps_seen = 0;
  auto result = runner::run_capacity_search(
      one_get_scenario(), options, plan, slos, [&](const runner::CapacityPoint& p) {
        ++steps_seen;
        std::printf("step %d: %.0f/s offered, %.1f/s done, p95 %.1f ms %s\n", p.step, p.load,
                    p.throughput_rps, static_cast<double>(p.percentiles_us[5]) / 1000.0, p.violated.c_str());
      });
  std::printf("capacity: %.0f/s (%s)\n", result.best.load, result.stop_reason.c_str());
  ASSERT_TRUE(result.found);
  EXPECT_EQ(static_cast<int>(result.curve.size()), steps_seen);
  EXPECT_NEAR(result.best.load, 200.0, 200.0 * 0.15);
  EXPECT_NEAR(result.best.throughput_rps, result.best.load, result.best.load * 0.1);
  EXPECT_FALSE(result.curve.back().within_slo);  // it stopped because a limit was crossed
}

}  // namespace
}  // namespace cicada
