// The end of a run in the engine (LocalRunner) against a scripted loopback server: a stop timeout lets
// tasks finish, none cuts requests in flight, and the kill at the stop leaves on_stop its requests. Every
// run is bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "base/clock.hpp"
#include "engine_helpers.hpp"
#include "runner/local_runner.hpp"
#include "runner/stages.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::Scenario;
using cicada::Task;
using cicada::TaskSpec;
using cicada::User;
using cicada::WaitTime;
using cicada::engine_test::get_task;
using cicada::engine_test::options;
using cicada::engine_test::user_type;
using cicada::runner::LocalRunner;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;

TEST(Engine, StopTimeoutLetsTheRunningTaskFinish) {
  ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::respond(200, "slow").after(1000ms));
  Scenario s;
  s.source = "engine_test";
  s.user_types.push_back(user_type("U", {get_task("slow", "/slow")}));
  auto o = options(server.url(), 3, 120s);  // ended by stop() below
  o.request_timeout = 60s;
  // Far more than the 1 s answers need however slow the machine: the stop ends once the tasks have.
  o.stop_timeout = 60s;
  LocalRunner graceful(s, o);
  ASSERT_TRUE(graceful.prepare().ok());
  bool all_in_flight = false;
  std::thread stopper([&] {
    all_in_flight = server.wait_for_requests(3, 20s);
    graceful.stop();
  });
  graceful.run([](const cicada::stats::Snapshot&) {});
  stopper.join();
  EXPECT_TRUE(all_in_flight) << "every user had its request in flight when the run was stopped";
  // Stopped while every user's first request (1 s) was in flight: each was allowed to finish, and recorded.
  EXPECT_EQ(graceful.snapshot()->total.num_requests, 3u);
  EXPECT_EQ(graceful.snapshot()->total.num_failures, 0u);
}

// The server never answers, and the requests' own timeout is 60 s: a run that waited for them would
// last a minute; any shorter run, however loaded the machine, shows it did not.
static void stop_with_requests_in_flight(bool io_uring) {
  ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::stall());
  Scenario s;
  s.source = "engine_test";
  s.user_types.push_back(user_type("U", {get_task("stalled", "/stalled")}));
  auto o = options(server.url(), 3, 120s);  // ended by stop() below
  o.request_timeout = 60s;
  o.stop_timeout = 0s;    // Locust's default: stop at once, unfinished requests are not measured
  o.io_uring = io_uring;  // the ring's receives still in flight when its loop stops
  LocalRunner abrupt(s, o);
  ASSERT_TRUE(abrupt.prepare().ok());
  bool all_in_flight = false;
  cicada::MonoTime stop_asked{};
  std::thread stopper([&] {
    // Once the server holds every user's request (or 20 s, a bound for a broken engine), stop the run.
    all_in_flight = server.wait_for_requests(3, 20s);
    stop_asked = cicada::mono_now();
    abrupt.stop();
  });
  abrupt.run([](const cicada::stats::Snapshot&) {});
  const auto ended = cicada::mono_now();
  stopper.join();
  EXPECT_TRUE(all_in_flight) << "every user had its request in flight when the run was stopped";
  EXPECT_LT(ended - stop_asked, 30s);
  EXPECT_EQ(abrupt.snapshot()->total.num_requests, 0u);
}

TEST(Engine, WithoutAStopTimeoutTheRunEndsWithoutWaitingForRequestsInFlight) {
  stop_with_requests_in_flight(false);
}

TEST(Engine, WithoutAStopTimeoutARunOnIoUringEndsWithoutWaitingForRequestsInFlight) {
  stop_with_requests_in_flight(true);
}

// Locust kills each user's greenlet at the stop (at once with --stop-timeout 0, else once the timeout has
// passed) and runs its on_stop. Each user here is stuck in a request that never gets an answer: the kill
// cuts it (counted as unanswered), the rest of the task does not run, and on_stop's logout is made.
static void stop_kills_and_runs_on_stop(std::chrono::milliseconds stop_timeout) {
  ScriptedServer server;
  server.set_handler([](const cicada::testing::RecordedRequest& r) {
    return r.target == "/logout" ? ScriptedReply::respond(200, "bye") : ScriptedReply::stall();
  });
  static std::atomic<int> after_stall;
  after_stall = 0;
  struct LoggingOut : User {
    Task<> on_stop() override { co_await client().get("/logout"); }
  };
  TaskSpec stalled;
  stalled.name = "stalled";
  stalled.fn = [](User& u) -> Task<> {
    co_await u.client().get("/stalled");
    after_stall.fetch_add(1);
  };
  Scenario s;
  s.source = "engine_test";
  s.user_types.push_back(user_type("U", {stalled}));
  s.user_types[0].factory = [] { return std::make_unique<LoggingOut>(); };
  auto o = options(server.url(), 3, 120s);  // ended by stop() below
  o.request_timeout = 60s;
  o.stop_timeout = stop_timeout;
  LocalRunner runner(s, o);
  ASSERT_TRUE(runner.prepare().ok());
  bool all_in_flight = false;
  std::thread stopper([&] {
    all_in_flight = server.wait_for_requests(3, 20s);
    runner.stop();
  });
  runner.run([](const cicada::stats::Snapshot&) {});
  stopper.join();
  ASSERT_TRUE(all_in_flight) << "every user had its request in flight when the run was stopped";
  std::size_t logouts = 0;
  for (const auto& r : server.requests()) logouts += r.target == "/logout";
  EXPECT_EQ(logouts, 3u);
  EXPECT_EQ(after_stall.load(), 0);
  const auto snap = runner.snapshot();
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->unanswered_requests, 3u);
  const cicada::stats::EntrySnapshot* logout = nullptr;
  for (const auto& e : snap->entries)
    if (e.name == "/logout") logout = &e;
  ASSERT_NE(logout, nullptr);
  EXPECT_EQ(logout->num_requests, 3u);
  EXPECT_EQ(logout->num_failures, 0u);
}

TEST(Engine, WithoutAStopTimeoutEachUserIsKilledInItsRequestAndItsOnStopRuns) {
  stop_kills_and_runs_on_stop(0ms);
}

TEST(Engine, AUserStillInItsTaskWhenTheStopTimeoutPassesIsKilledAndItsOnStopRuns) {
  stop_kills_and_runs_on_stop(300ms);
}

// Users waiting between tasks when the run stops begin on_stop at the stop request; with --stop-timeout
// 0 the kill follows at once, and it cut their logouts (a probe lost 3-5 of 5 on a healthy server, the
// server answering each, the run reporting them unanswered). on_stop keeps its own bound after the kill.
static void users_between_tasks_log_out_at_the_stop(bool open_model) {
  ScriptedServer server;
  server.set_handler([](const cicada::testing::RecordedRequest& r) {
    return r.target == "/logout" ? ScriptedReply::respond(200, "bye").after(200ms)
                                 : ScriptedReply::respond(200, "ok");
  });
  struct LoggingOut : User {
    Task<> on_stop() override { co_await client().get("/logout"); }
  };
  Scenario s;
  s.source = "engine_test";
  s.user_types.push_back(user_type("U", {get_task("work", "/work")}, WaitTime::constant(60)));
  s.user_types[0].factory = [] { return std::make_unique<LoggingOut>(); };
  auto o = options(server.url(), 3, 120s);  // ended by stop() below
  o.request_timeout = 60s;
  o.stop_timeout = 0s;
  if (open_model) {
    o.shape = cicada::runner::constant_rate_shape(20);  // iterations of one request: slots park between
    o.max_inflight = 3;
  }
  LocalRunner runner(s, o);
  ASSERT_TRUE(runner.prepare().ok());
  bool worked = false;
  std::thread stopper([&] {
    worked = server.wait_for_requests(3, 20s);
    runner.stop();
  });
  runner.run([](const cicada::stats::Snapshot&) {});
  stopper.join();
  ASSERT_TRUE(worked) << "the users made their first requests";
  const auto snap = runner.snapshot();
  ASSERT_TRUE(snap);
  std::size_t logouts_served = 0;
  for (const auto& r : server.requests()) logouts_served += r.target == "/logout";
  const cicada::stats::EntrySnapshot* logout = nullptr;
  for (const auto& e : snap->entries)
    if (e.name == "/logout") logout = &e;
  ASSERT_NE(logout, nullptr) << "no logout recorded";
  EXPECT_EQ(logout->num_requests, logouts_served) << "every logout the server got is recorded";
  EXPECT_GE(logout->num_requests, open_model ? 1u : 3u);  // one per slot or user started
  EXPECT_EQ(logout->num_failures, 0u);
  // (A /work request in flight at the stop may be cut and count as unanswered: that is the kill's job.)
}

TEST(Engine, WithoutAStopTimeoutUsersWaitingBetweenTasksStillMakeTheirOnStopRequests) {
  users_between_tasks_log_out_at_the_stop(false);
}

TEST(Engine, WithoutAStopTimeoutParkedOpenModelSlotsStillMakeTheirOnStopRequests) {
  users_between_tasks_log_out_at_the_stop(true);
}
