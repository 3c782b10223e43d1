// The current req/s a user watches follows the offered load (docs/metrics.md, "Current rates"): within
// 10% of it at most 3 s after a change, through the real runner and loopback HTTP. Ground truth is the
// schedule itself: the open model offers exactly the stage's rate, and the target answers at once.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "one_get_scenario.hpp"
#include "runner/local_runner.hpp"
#include "runner/stages.hpp"
#include "stats/snapshot.hpp"
#include "support/scripted_server.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

TEST(LiveRate, CurrentRateIsWithinTenPercentOfTheOfferedLoadThreeSecondsAfterAChange) {
  testing::ScriptedServer server;
  server.set_recording(false);
  auto stages = runner::parse_stages("5s:40/s,6s:10/s");
  ASSERT_TRUE(stages) << stages.error().message;
  runner::RunOptions o;
  o.host = server.url();
  o.threads = 1;
  o.seed = 5;
  o.keep_entry_history = false;
  o.shape = runner::stages_shape(*stages, 1);
  runner::LocalRunner runner(testing::one_get_scenario("live_rate_test"), std::move(o));
  ASSERT_TRUE(runner.prepare());
  struct Reading {
    double at, rps;
  };
  std::vector<Reading> seen;
  std::vector<stats::StageMark> marks;
  runner.run([&](const stats::Snapshot& s) {
    seen.push_back({s.now_unix_s, s.total.current_rps});
    marks = s.stages;
  });
  ASSERT_EQ(marks.size(), 2u);
  const double start = marks[0].start_unix_s, change = marks[1].start_unix_s;
  int checked = 0;
  for (const auto& r : seen) {
    const double offered = r.at < change ? 40.0 : 10.0;
    const double since = r.at - (r.at < change ? start : change);
    if (since < 3.0) continue;
    EXPECT_NEAR(r.rps, offered, offered * 0.1) << "at " << since << " s into the " << offered << "/s stage";
    ++checked;
  }
  EXPECT_GE(checked, 3) << "too few seconds were judged";
}

}  // namespace
}  // namespace cicada
