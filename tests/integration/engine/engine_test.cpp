// The engine (LocalRunner) in-process against a scripted loopback server: misbehaving targets, scenario
// exceptions, the user mix (the end of a run: engine_stop_test.cpp). Every run is bounded by its run time.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <thread>

#include "base/clock.hpp"
#include "engine_helpers.hpp"
#include "runner/local_runner.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::Response;
using cicada::Scenario;
using cicada::Task;
using cicada::TaskSpec;
using cicada::User;
using cicada::UserType;
using cicada::WaitTime;
using cicada::engine_test::get_task;
using cicada::engine_test::options;
using cicada::engine_test::user_type;
using cicada::runner::LocalRunner;
using cicada::runner::RunOptions;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;

namespace {

const cicada::stats::FailureRow* failure_containing(const cicada::stats::Snapshot& s, std::string_view text) {
  for (const auto& f : s.failures) {
    if (f.error.find(text) != std::string::npos) return &f;
  }
  return nullptr;
}

}  // namespace

// Resets, closes, garbage, stalls and 500s mixed in with 200s: every one is recorded with its text.
static void run_against_a_misbehaving_target(bool io_uring) {
  ScriptedServer server;
  server.set_recording(false);
  std::atomic<int> n{0};
  server.set_handler([&](const cicada::testing::RecordedRequest&) {
    switch (n.fetch_add(1) % 6) {
      case 0:
        return ScriptedReply::respond(200, "ok");
      case 1:
        return ScriptedReply::respond(500, "boom");
      case 2:
        return ScriptedReply::reset();
      case 3:
        return ScriptedReply::close();
      case 4:
        return ScriptedReply::garbage();
      default:
        return ScriptedReply::stall();
    }
  });
  Scenario s;
  s.source = "engine_test";
  s.user_types.push_back(user_type("U", {get_task("get", "/x")}));
  auto o = options(server.url(), 4, 2000ms);
  o.io_uring = io_uring;
  LocalRunner runner(s, o);
  ASSERT_TRUE(runner.prepare().ok());
  const auto started = cicada::mono_now();
  runner.run([](const cicada::stats::Snapshot&) {});
  EXPECT_LT(cicada::mono_now() - started, 5s);
  auto snap = runner.snapshot();
  ASSERT_TRUE(snap);
  EXPECT_GT(snap->total.num_requests, 20u);
  EXPECT_GT(snap->total.num_failures, 10u);
  EXPECT_LT(snap->total.num_failures, snap->total.num_requests);  // the 200s still count as successes
  EXPECT_NE(failure_containing(*snap, "500 Server Error"), nullptr);
  EXPECT_NE(failure_containing(*snap, "not an HTTP response"), nullptr);
  EXPECT_NE(failure_containing(*snap, "timeout"), nullptr);
  EXPECT_TRUE(failure_containing(*snap, "reset") || failure_containing(*snap, "closed connection"));
}

TEST(Engine, MisbehavingTargetNeverStopsTheRun) { run_against_a_misbehaving_target(false); }

TEST(Engine, MisbehavingTargetNeverStopsTheRunOnIoUring) { run_against_a_misbehaving_target(true); }

TEST(Engine, OnIoUringEveryRequestTheServerAnsweredIsRecordedOnce) {
  ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::respond(200, "ok"));
  Scenario s;
  s.source = "engine_test";
  s.user_types.push_back(user_type("U", {get_task("get", "/x")}));
  auto o = options(server.url(), 8, 1500ms);
  o.io_uring = true;
  o.stop_timeout = 10s;  // each user ends its request in flight, so the server's count is the truth
  LocalRunner runner(s, o);
  ASSERT_TRUE(runner.prepare().ok());
  runner.run([](const cicada::stats::Snapshot&) {});
  auto snap = runner.snapshot();
  ASSERT_TRUE(snap);
  EXPECT_GT(snap->total.num_requests, 100u);
  EXPECT_EQ(snap->total.num_requests, server.request_count());
  EXPECT_EQ(snap->total.num_failures, 0u);
}

TEST(Engine, ScenarioExceptionsAreCountedAndTheUserKeepsRunning) {
  ScriptedServer server;
  server.set_recording(false);
  Scenario s;
  s.source = "engine_test";
  TaskSpec broken;
  broken.name = "broken";
  broken.fn = [](User& u) -> Task<> {
    if (u.random().chance(0.5)) throw std::runtime_error("deliberate error raised inside a task");
    co_await u.client().get("/ok");
  };
  s.user_types.push_back(user_type("GoldenUser", {broken}, WaitTime::constant(0.002)));
  LocalRunner runner(s, options(server.url(), 2, 1500ms));
  ASSERT_TRUE(runner.prepare().ok());
  runner.run([](const cicada::stats::Snapshot&) {});
  auto snap = runner.snapshot();
  ASSERT_EQ(snap->exceptions.size(), 1u);
  EXPECT_EQ(snap->exceptions[0].message, "deliberate error raised inside a task");
  EXPECT_EQ(snap->exceptions[0].traceback,
            "  in GoldenUser.broken\n  std::runtime_error: deliberate error raised inside a task\n");
  EXPECT_GT(snap->exceptions[0].count, 20u);
  // The same users went on making requests after raising.
  EXPECT_GT(snap->total.num_requests, 20u);
  EXPECT_EQ(snap->total.num_failures, 0u);
}

TEST(Engine, UserTypesFollowTheirWeightsAndFixedCounts) {
  ScriptedServer server;
  server.set_recording(false);
  static std::atomic<int> started[3];
  for (auto& c : started) c = 0;
  struct Counting : User {
    explicit Counting(int i) : index(i) {}
    Task<> on_start() override {
      started[index].fetch_add(1);
      co_return;
    }
    int index;
  };
  Scenario s;
  s.source = "engine_test";
  for (int i = 0; i < 3; ++i) {
    auto t = user_type("T" + std::to_string(i), {get_task("get", "/t" + std::to_string(i))},
                       WaitTime::constant(0.05));
    t.factory = [i] { return std::make_unique<Counting>(i); };
    s.user_types.push_back(t);
  }
  s.user_types[0].weight = 4;
  s.user_types[1].weight = 1;
  s.user_types[2].fixed_count = 2;
  LocalRunner runner(s, options(server.url(), 12, 800ms));
  ASSERT_TRUE(runner.prepare().ok());
  runner.run([](const cicada::stats::Snapshot&) {});
  EXPECT_EQ(started[2].load(), 2);
  EXPECT_EQ(started[0].load(), 8);
  EXPECT_EQ(started[1].load(), 2);
}

// Users of two types that count themselves: live between on_start and on_stop, and every start.
struct LiveCounts {
  std::atomic<int> live[2] = {0, 0};
  std::atomic<int> starts{0};
};
struct CountingUser : User {
  CountingUser(LiveCounts& c, int i) : counts(c), index(i) {}
  Task<> on_start() override {
    counts.live[index].fetch_add(1);
    counts.starts.fetch_add(1);
    co_return;
  }
  Task<> on_stop() override {
    counts.live[index].fetch_sub(1);
    co_return;
  }
  LiveCounts& counts;
  int index;
};
// Types `first` and `second` (index 0 and 1), each a GET of /t<index> every 50 ms, counted in `counts`.
Scenario two_counting_types(LiveCounts& counts, const std::string& first, const std::string& second) {
  Scenario s;
  s.source = "engine_test";
  for (int i = 0; i < 2; ++i) {
    auto t = user_type(i == 0 ? first : second, {get_task("get", "/t" + std::to_string(i))},
                       WaitTime::constant(0.05));
    t.factory = [&counts, i] { return std::make_unique<CountingUser>(counts, i); };
    s.user_types.push_back(t);
  }
  return s;
}

// What each closed second saw of a two_counting_types run: (live users of type 0, of type 1), and the
// on_start calls by then.
struct CountedSeconds {
  std::vector<std::pair<int, int>> live;
  std::vector<int> started;
};
// Runs `s` (counted in `counts`) with `users` for `run_time` against a loopback server; `each_second`
// (optional) is called after each second with the runner and the seconds seen so far.
CountedSeconds run_counted(const Scenario& s, LiveCounts& counts, int users,
                           std::chrono::milliseconds run_time,
                           const std::function<void(LocalRunner&, std::size_t)>& each_second = {}) {
  ScriptedServer server;
  server.set_recording(false);
  LocalRunner runner(s, options(server.url(), users, run_time));
  EXPECT_TRUE(runner.prepare().ok());
  CountedSeconds seen;
  runner.run([&](const cicada::stats::Snapshot&) {
    seen.live.emplace_back(counts.live[0].load(), counts.live[1].load());
    seen.started.push_back(counts.starts.load());
    if (each_second) each_second(runner, seen.live.size());
  });
  return seen;
}

// A distributed worker's new share: set_users with new fixed counts mid-run starts or stops users of
// those types, fixed ones first within the target, and the weighted users make room.
TEST(Engine, NewFixedCountsMidRunStartAndStopUsersOfThoseTypes) {
  LiveCounts counts;
  Scenario s = two_counting_types(counts, "Pinned", "Getter");
  s.user_types[0].fixed_count = 1;
  // (pinned, getters) at each second. Same total, more fixed users: getters are stopped to make room. Then
  // fewer fixed users and more users in all: the weighted type takes the rest. (The first second may close
  // a few ms after the start: the second one is the first full one.)
  const auto seen =
      run_counted(s, counts, 5, 5200ms, [](LocalRunner& runner, std::size_t seconds) {
        if (seconds == 2)
          runner.set_users(5, 1000, {.fixed = {{"Pinned", 3}}, .weighted = {}, .named_types = {}});
        if (seconds == 3)
          runner.set_users(6, 1000, {.fixed = {{"Pinned", 2}}, .weighted = {}, .named_types = {}});
      }).live;
  ASSERT_GE(seen.size(), 4u);
  EXPECT_EQ(seen[1], std::make_pair(1, 4));
  EXPECT_EQ(seen[2], std::make_pair(3, 2));
  EXPECT_EQ(seen[3], std::make_pair(2, 4));
  EXPECT_EQ(seen.back(), std::make_pair(2, 4));
}

// A distributed worker told its users of each weighted type (the master's deal, TypeShares::weighted) runs
// exactly those, starting and stopping users of each type to match; a type it does not have (its tag
// filter dropped it) is not made up by another: no user is started and stopped over and over.
TEST(Engine, AWorkersWeightedCountsAreItsUsersOfEachTypeAndNoMore) {
  LiveCounts counts;
  Scenario s = two_counting_types(counts, "Reader", "Breaker");
  s.user_types[0].weight = 3;
  s.user_types[1].weight = 1;
  const auto seen = run_counted(s, counts, 4, 5200ms, [](LocalRunner& runner, std::size_t seconds) {
    if (seconds == 2)
      runner.set_users(4, 1000,
                       {.fixed = {}, .weighted = {{"Reader", 1}, {"Breaker", 3}}, .named_types = {}});
    if (seconds == 3)
      runner.set_users(4, 1000, {.fixed = {}, .weighted = {{"Reader", 1}, {"Gone", 3}}, .named_types = {}});
  });
  ASSERT_GE(seen.live.size(), 5u);
  EXPECT_EQ(seen.live[1], std::make_pair(3, 1));  // the weights, 3:1
  EXPECT_EQ(seen.live[2], std::make_pair(1, 3));  // the deal
  EXPECT_EQ(seen.live[3], std::make_pair(1, 0));  // one Reader: nothing stands in for "Gone"
  EXPECT_EQ(seen.live.back(), std::make_pair(1, 0));
  EXPECT_EQ(seen.started.back(), seen.started[3]) << "users were started again after the last share";
}

// A load shape that names user types (a locustfile's tick() returning user classes): the target's users are
// of those types alone, in their own mix; a target that names none keeps the last named; one that names
// every type brings back the weights' mix.
TEST(Engine, ALoadShapesNamedTypesAreTheOnlyTypesOfItsUsers) {
  LiveCounts counts;
  Scenario s = two_counting_types(counts, "Reader", "Breaker");
  s.user_types[0].weight = 3;
  s.user_types[1].weight = 1;
  const auto named = [](std::vector<std::string> types) {
    return cicada::runner::TypeShares{.fixed = {}, .weighted = {}, .named_types = std::move(types)};
  };
  const auto seen = run_counted(s, counts, 4, 6200ms, [&named](LocalRunner& runner, std::size_t seconds) {
    if (seconds == 2) runner.set_users(4, 1000, named({"Breaker"}));
    if (seconds == 3) runner.set_users(6, 1000, {});
    if (seconds == 4) runner.set_users(4, 1000, named({"Breaker", "Reader"}));
  });
  ASSERT_GE(seen.live.size(), 5u);
  EXPECT_EQ(seen.live[1], std::make_pair(3, 1));  // the weights, 3:1
  EXPECT_EQ(seen.live[2], std::make_pair(0, 4));  // Breaker alone: the Readers stopped
  EXPECT_EQ(seen.live[3], std::make_pair(0, 6));  // still Breaker alone
  EXPECT_EQ(seen.live[4], std::make_pair(3, 1));  // both named: the weights' mix again
}

// Fewer users than the fixed counts: the first of them in Locust's order (F, G, F, G for two of each), and
// they stay: the type the order skips is not started and stopped over and over.
TEST(Engine, UsersUnderTheFixedCountsAreTheFirstInLocustsOrderAndStay) {
  LiveCounts counts;
  Scenario s = two_counting_types(counts, "F", "G");
  s.user_types[0].fixed_count = 2;
  s.user_types[1].fixed_count = 2;
  const auto seen = run_counted(s, counts, 2, 3200ms);
  ASSERT_GE(seen.live.size(), 3u);
  EXPECT_EQ(seen.live[1], std::make_pair(1, 1));
  EXPECT_EQ(seen.live.back(), std::make_pair(1, 1));
  EXPECT_EQ(seen.started.back(), 2) << "users were started again";
}

// Only fixed-count types and more users than their sum: their sum runs, as Locust's dispatcher runs it
// (the first type took the rest: 4 and 2 at 6 users), and the ramp still ends (spawned at 3).
TEST(Engine, OnlyFixedCountTypesRunTheirSumWhateverTheUsers) {
  LiveCounts counts;
  Scenario s = two_counting_types(counts, "A", "B");
  s.user_types[0].fixed_count = 1;
  s.user_types[1].fixed_count = 2;
  int spawned_at = -1;
  testing::internal::CaptureStderr();
  const auto seen = run_counted(s, counts, 6, 3200ms, [&](LocalRunner& runner, std::size_t) {
    if (runner.state() == cicada::runner::RunState::kRunning)
      spawned_at = static_cast<int>(runner.snapshot()->user_count);
  });
  const std::string log = testing::internal::GetCapturedStderr();
  // The user is told why fewer users run than asked for.
  EXPECT_NE(log.find("3 users run, not the 6 asked for: every user type that runs has a fixed count"),
            std::string::npos)
      << log;
  ASSERT_GE(seen.live.size(), 2u);
  EXPECT_EQ(seen.live.back(), std::make_pair(1, 2));
  EXPECT_EQ(seen.started.back(), 3) << "users beyond the fixed counts were started";
  EXPECT_EQ(spawned_at, 3) << "the ramp never ended";
  // A locustfile's spawning_complete hears the users that run, as Locust's (the sum of its dealt counts).
  ScriptedServer server;
  server.set_recording(false);
  auto o = options(server.url(), 6, 1500ms);
  std::vector<int> heard;
  o.hooks.spawning_complete = [&](int users) { heard.push_back(users); };
  LocalRunner runner(s, o);
  ASSERT_TRUE(runner.prepare().ok());
  runner.run([](const cicada::stats::Snapshot&) {});
  EXPECT_EQ(heard, std::vector<int>{3});
}

TEST(Engine, SpawnRateIsFollowed) {
  ScriptedServer server;
  server.set_recording(false);
  Scenario s;
  s.source = "engine_test";
  s.user_types.push_back(user_type("U", {get_task("get", "/")}, WaitTime::constant(0.1)));
  auto o = options(server.url(), 10, 3500ms);
  o.spawn_rate = 4;  // the first user at once, then 4 per second: 10 users after 2.25 s
  std::vector<std::pair<double, int>> seen;
  LocalRunner runner(s, o);
  ASSERT_TRUE(runner.prepare().ok());
  const auto started = cicada::mono_now();
  runner.run([&](const cicada::stats::Snapshot& snap) {
    seen.emplace_back(std::chrono::duration<double>(cicada::mono_now() - started).count(), snap.user_count);
  });
  ASSERT_GE(seen.size(), 3u);
  for (auto [t, users] : seen) {
    const double expected = std::min(10.0, 1.0 + std::floor(4.0 * t));
    EXPECT_NEAR(users, expected, 2.5) << "at " << t << " s";
  }
  EXPECT_EQ(seen.back().second, 10);
}

TEST(Engine, ResetStatsStartsAnEmptyWindowWithExactRates) {
  ScriptedServer server;
  server.set_recording(false);
  Scenario s;
  s.source = "engine_test";
  // 4 users, each paced at 25 tasks/s: 100 requests per second in all once all are running.
  s.user_types.push_back(user_type("U", {get_task("get", "/")}, WaitTime::constant_throughput(25)));
  auto o = options(server.url(), 4, 4000ms);
  o.spawn_rate = 2;      // the first user at once, the 4th 1.5 s later at the earliest
  o.reset_stats = true;  // once all users are spawned
  LocalRunner runner(s, o);
  ASSERT_TRUE(runner.prepare().ok());
  const double run_started_unix_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  runner.run([](const cicada::stats::Snapshot&) {});
  auto snap = runner.snapshot();
  ASSERT_GT(snap->total.num_requests, 0u);
  // The window starts at the reset, which no machine reaches before the 4th user is due; the requests
  // the first users made before it are gone (the server answered them; the window does not hold them).
  EXPECT_GE(snap->start_unix_s - run_started_unix_s, 1.45);
  EXPECT_LT(snap->total.num_requests, server.request_count());
  // The rate is that window's own: its requests over its span, to rounding, on any machine.
  const double span = snap->last_request_unix_s - snap->start_unix_s;
  ASSERT_GT(span, 0.0);
  EXPECT_NEAR(snap->total.total_rps, static_cast<double>(snap->total.num_requests) / span,
              1e-6 * snap->total.total_rps);
  // Pacing never runs faster than 100/s in all (a slow machine only lowers it): samples kept from before
  // the reset, counted over the new window, would show a higher rate.
  EXPECT_LE(snap->total.total_rps, 115.0);
}

// Users stopped by a lower target are freed with their connections (issue 12): 30 -> 0 -> 30 -> 0 users
// must leave no connection open at the server, not 60.
TEST(Engine, UsersStoppedByALowerTargetAreFreedWithTheirConnections) {
  ScriptedServer server;
  server.set_recording(false);
  Scenario s;
  s.source = "engine_test";
  s.user_types.push_back(user_type("U", {get_task("get", "/")}, WaitTime::constant(0.05)));
  LocalRunner runner(s, options(server.url(), 30, 30s));
  ASSERT_TRUE(runner.prepare().ok());
  // Each step waits for the server to see the connections it expects, then moves the target on.
  const std::vector<std::pair<std::size_t, int>> steps = {{30, 0}, {0, 30}, {30, 0}, {0, -1}};
  std::size_t step = 0;
  std::vector<std::size_t> open_seen;
  runner.run([&](const cicada::stats::Snapshot&) {
    const std::size_t open = server.connections_open();
    open_seen.push_back(open);
    if (step >= steps.size() || open != steps[step].first) return;
    if (steps[step].second < 0)
      runner.stop();
    else
      runner.set_users(steps[step].second, 1000);
    ++step;
  });
  std::string seen;
  for (auto n : open_seen) seen += std::to_string(n) + " ";
  EXPECT_EQ(step, steps.size()) << "connections open at each second: " << seen;
  EXPECT_EQ(server.connections_open(), 0u);
  EXPECT_GE(server.connections_accepted(), 60u);  // the second 30 users opened connections of their own
}
