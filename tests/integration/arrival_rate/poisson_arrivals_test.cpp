// --arrival-distribution poisson through the real runner and loopback HTTP: iterations start at
// exponential gaps of the rate's mean (runner/arrival_executor.hpp), where the default schedule starts
// them an interval apart. Ground truth is the same run's constant schedule; the figures compared are
// quantiles of the gaps between iteration starts, which a loaded machine's wake-up delays (a few ms, and
// equally in both runs) move far less than the distribution does: at 50/s the interval is 20 ms, a Poisson
// stream's quartile gap 5.8 ms and its median 13.9 ms.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "one_get_scenario.hpp"
#include "runner/local_runner.hpp"
#include "runner/stages.hpp"
#include "stats/snapshot.hpp"
#include "support/scripted_server.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr double kRate = 50;
constexpr double kIntervalMs = 1000 / kRate;

struct Starts {
  std::vector<double> gaps_ms;  // between consecutive iteration starts
  std::uint64_t due = 0, started = 0, dropped = 0;
};

Starts run_schedule(testing::ScriptedServer& server, bool poisson) {
  auto times = std::make_shared<std::vector<Clock::time_point>>();
  times->reserve(1000);
  Scenario scenario;
  scenario.source = "poisson_arrivals_test";
  UserType type;
  type.name = "Getter";
  type.tasks.push_back(TaskSpec{"get", 1, {}, [times](User& user) -> Task<> {
                                  times->push_back(Clock::now());  // one loop: no other writer
                                  co_await user.client().get("/");
                                }});
  scenario.user_types.push_back(std::move(type));
  runner::RunOptions o;
  o.host = server.url();
  o.run_time = 5s;
  o.threads = 1;
  o.seed = 11;
  o.stop_timeout = 1s;
  o.keep_entry_history = false;
  o.shape = runner::constant_rate_shape(kRate);
  o.poisson_arrivals = poisson;
  runner::LocalRunner runner(std::move(scenario), std::move(o));
  EXPECT_TRUE(runner.prepare());
  runner.run([](const stats::Snapshot&) {});
  const auto snap = runner.snapshot();
  Starts s;
  s.due = snap->due_iterations;
  s.started = snap->started_iterations;
  s.dropped = snap->dropped_iterations;
  for (std::size_t i = 1; i < times->size(); ++i)
    s.gaps_ms.push_back(std::chrono::duration<double, std::milli>((*times)[i] - (*times)[i - 1]).count());
  std::sort(s.gaps_ms.begin(), s.gaps_ms.end());
  return s;
}

double quantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

TEST(PoissonArrivals, IterationsStartAtExponentialGapsOfTheRatesMeanAndEveryOneIsCounted) {
  testing::ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(testing::ScriptedReply::respond(200, "ok"));
  const Starts constant = run_schedule(server, false);
  const Starts poisson = run_schedule(server, true);
  ASSERT_GE(constant.gaps_ms.size(), 150u);
  // 250 arrivals expected in 5 s: a Poisson count's standard deviation is 16, so 150 is 6 below.
  ASSERT_GE(poisson.gaps_ms.size(), 150u);
  std::printf("gaps ms: constant p25 %.1f p50 %.1f; poisson p25 %.1f p50 %.1f p90 %.1f (n %zu)\n",
              quantile(constant.gaps_ms, 0.25), quantile(constant.gaps_ms, 0.5),
              quantile(poisson.gaps_ms, 0.25), quantile(poisson.gaps_ms, 0.5), quantile(poisson.gaps_ms, 0.9),
              poisson.gaps_ms.size());
  // The constant schedule: most gaps are the interval, whatever a wake-up delayed.
  EXPECT_GT(quantile(constant.gaps_ms, 0.5), 0.75 * kIntervalMs);
  // Poisson: a quarter of the gaps below 29% of the interval (P(gap < interval/2) = 39%)...
  EXPECT_LT(quantile(poisson.gaps_ms, 0.25), 0.5 * kIntervalMs);
  // ... and a tenth above 2.3 intervals (P(gap > 1.5 intervals) = 22%), so the mean still holds.
  EXPECT_GT(quantile(poisson.gaps_ms, 0.9), 1.5 * kIntervalMs);
  // The rate holds (250 expected; 6 standard deviations either side) and every arrival is accounted for.
  EXPECT_GT(poisson.due, 150u);
  EXPECT_LT(poisson.due, 350u);
  EXPECT_EQ(poisson.due, poisson.started + poisson.dropped);
}

// A ramp changes the rate every few milliseconds (runner/stages.hpp): each change draws the next gap at
// the new rate, so the count is the ramp's, as the paced schedule's is. (Capping each drawn gap at the
// new mean, the paced rule, ran 270 arrivals for 164 here.)
TEST(PoissonArrivals, ARampOffersItsRateNotMore) {
  testing::ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(testing::ScriptedReply::respond(200, "ok"));
  auto count = [&](bool poisson) {
    auto stages = runner::parse_stages("6s:30..31/s");
    EXPECT_TRUE(stages) << stages.error().message;
    runner::RunOptions o;
    o.host = server.url();
    o.threads = 2;  // two loops, each its own stream at half the rate
    o.seed = 3;
    o.stop_timeout = 1s;
    o.keep_entry_history = false;
    o.shape = runner::stages_shape(*stages, 1);
    o.poisson_arrivals = poisson;
    runner::LocalRunner runner(testing::one_get_scenario("poisson_ramp_test"), std::move(o));
    EXPECT_TRUE(runner.prepare());
    runner.run([](const stats::Snapshot&) {});
    return runner.snapshot()->due_iterations;
  };
  const auto paced = count(false);
  const auto poisson = count(true);
  std::printf("ramp 30..31/s for 6 s: paced %llu, Poisson %llu due (183 expected)\n",
              static_cast<unsigned long long>(paced), static_cast<unsigned long long>(poisson));
  // 183 expected; a Poisson count's standard deviation is 13.5, so 5 of them either side.
  EXPECT_GT(poisson, 115u);
  EXPECT_LT(poisson, 250u);
  EXPECT_NEAR(static_cast<double>(paced), 183, 15);  // the paced schedule, ground truth of the same run
}

}  // namespace
}  // namespace cicada
