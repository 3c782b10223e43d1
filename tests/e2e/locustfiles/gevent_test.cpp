// gevent inside a locustfile's task (spawn, joinall, Pool, Group, get/value, timeout=, kill): the spawned
// greenlets' requests reach the target and are measured like any other, and the end-of-run kill stops
// them. The target's own log is the truth.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "locustfile_fixture.hpp"
#include "support/scripted_server.hpp"
#include "support/text_count.hpp"

using cicada::testing::count_occurrences;
using cicada::testing::find_row;
using cicada::testing::LocustfileTest;
using cicada::testing::RecordedRequest;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;

namespace {

std::map<std::string, int> requests_by_path(const ScriptedServer& target) {
  std::map<std::string, int> seen;
  for (const auto& r : target.requests()) ++seen[r.target.substr(0, r.target.find('?'))];
  return seen;
}

}  // namespace

TEST_F(LocustfileTest, GreenletsSpawnedInATaskMakeMeasuredRequestsAndReturnTheirResults) {
  ScriptedServer target;
  target.set_fallback(ScriptedReply::respond(200, "ok"));
  EXPECT_EQ(run_on(target.url(), "api/gevent_pool.py", {}, 1, 3), 0) << log();
  const auto seen = requests_by_path(target);
  const auto stats = csv("stats");
  for (const char* path : {"/pool/0", "/pool/1", "/pool/2", "/pool/3", "/spawned/a", "/spawned/b", "/slow",
                           "/map/1", "/map/2", "/left-running", "/report"}) {
    EXPECT_EQ(seen.count(path) ? seen.at(path) : 0, 1) << path << "\n" << log();
    const auto* row = find_row(stats, "GET", path);
    ASSERT_TRUE(row) << path << "\n" << log();
    EXPECT_EQ((*row)[2], "1") << path;  // measured like the task's own request
    EXPECT_EQ((*row)[3], "0") << path;
  }
  // What the task saw of its greenlets: the pool joined, three ended (one raised), their values, a
  // timeout that passed, a get(timeout=) that raised gevent.Timeout, a kill that ended the sleeper.
  std::string report;
  for (const auto& r : target.requests())
    if (r.target.rfind("/report?", 0) == 0) report = r.target;
  EXPECT_EQ(report,
            "/report?joined=True&finished=3&values=200,200&error=ValueError&slow=200&in_time=0&timed_out=True"
            "&killed=True&mapped=200,200")
      << log();
  // The exception in a greenlet is logged with its traceback, as gevent's hub prints it; the user goes on.
  EXPECT_NE(log().find("ValueError: boom in a greenlet"), std::string::npos) << log();
  EXPECT_NE(log().find("failed with ValueError"), std::string::npos) << log();
}

TEST_F(LocustfileTest, AUserKilledWhileItWaitsInPoolJoinStopsItsSpawnedGreenlets) {
  ScriptedServer target;
  target.set_handler([](const RecordedRequest& r) {
    return r.target == "/stall" ? ScriptedReply::stall() : ScriptedReply::respond(200, "ok");
  });
  // The stalled request waited the whole run (over 1 s): a failure of the run, so it exits 1.
  EXPECT_EQ(run_on(target.url(), "api/gevent_killed.py", {}, 2, 2), 1) << log();
  const auto seen = requests_by_path(target);
  const auto at = [&](const char* path) { return seen.count(path) ? seen.at(path) : 0; };
  EXPECT_EQ(at("/stall"), 2) << log();
  EXPECT_EQ(at("/after-stall"), 0) << log();
  EXPECT_EQ(at("/after-sleep"), 0) << log();
  EXPECT_EQ(at("/after-join"), 0) << log();
  EXPECT_EQ(at("/logout"), 2) << log();
  // Both spawned greenlets of both users were killed where they waited: their finally blocks ran.
  EXPECT_EQ(count_occurrences(last_->out(), "SPAWNED finally"), 4u) << log();
  const auto stats = csv("stats");
  const auto* stall = find_row(stats, "GET", "/stall");
  ASSERT_TRUE(stall) << log();
  EXPECT_EQ((*stall)[2], "2");
  EXPECT_EQ((*stall)[3], "2");  // cut at the kill: unanswered
  EXPECT_EQ(log().find("greenlet raised"), std::string::npos) << log();
}

// gevent.lock, gevent.event and gevent.queue shared by users (tests/locustfiles/api/gevent_sync.py, which
// sends the same requests and report under Locust 2.12): Locust's semaphore_wait example holds every user
// in on_start until spawning_complete; a queue filled at test_start is shared out with each item taken
// once; a bounded queue hands the producer's items to the consumers one by one; what an Event and an
// AsyncResult carry reaches the users waiting for them; the timeouts give what gevent's give; and
// consumers still waiting on an empty queue when the run ends are stopped with it (exit 0).
TEST_F(LocustfileTest, GeventLocksEventsAndQueuesAreSharedByUsers) {
  ScriptedServer target;
  target.set_fallback(ScriptedReply::respond(200, "ok"));
  EXPECT_EQ(run_on(target.url(), "api/gevent_sync.py", {}, 4, 3), 0) << log();
  const auto seen = requests_by_path(target);
  const auto at = [&](const std::string& path) { return seen.count(path) ? seen.at(path) : 0; };
  for (const char* item : {"a", "b", "c", "d", "e", "f"})
    EXPECT_EQ(at(std::string("/work/") + item), 1) << log();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(at("/consumed/" + std::to_string(i)), 1) << log();
  EXPECT_EQ(at("/produced"), 1) << log();
  EXPECT_EQ(at("/open"), 1) << log();
  const auto requests = target.requests();
  std::size_t open_at = requests.size(), waits = 0, opened_seen = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const std::string& t = requests[i].target;
    if (t == "/open") open_at = i;
    if (t.rfind("/after-wait?entered=", 0) == 0) {
      ++waits;
      // Users were started 0.25 s apart: one that went on before the last ones were spawned would have
      // counted 1 or 2 users in on_start (the fourth may enter just after the release: 3 or 4).
      EXPECT_GE(std::stoi(t.substr(20)), 3) << t << "\n" << log();
    }
    if (t.rfind("/after-open", 0) == 0) {
      ++opened_seen;
      EXPECT_EQ(t, "/after-open?token=t-123");
      EXPECT_GT(i, open_at) << "a consumer went on before the Event was set\n" << log();
    }
  }
  EXPECT_EQ(waits, 4u) << log();
  EXPECT_EQ(opened_seen, 2u) << log();
  std::string report;
  for (const auto& r : requests)
    if (r.target.rfind("/report?", 0) == 0) report = r.target;
  EXPECT_EQ(report,
            "/report?outside=False&sem=False&sem_nowait=False&event=False&async_wait=None&counter=2"
            "&async_get=Timeout&get=Empty&get_nowait=Empty&put=Full&bounded=ValueError&reentrant=1"
            "&unowned=RuntimeError&lifo=132&prio=123&join_early=False&join=True")
      << log();
}

// Greenlets spawned outside users (tests/locustfiles/api/background_greenlet.py): Locust's documented
// background checker, started by an init listener, quits the run once its fail ratio passes 20%, long
// before its time limit; a user gets the values of greenlets an init listener spawned (one with
// spawn_later), kills one that never ends and puts what another waits for in a queue (it waits on its
// thread, without a timeout); a test_stop listener joins two. Before, spawn outside a
// user raised RuntimeError and the file could not run.
TEST_F(LocustfileTest, GreenletsSpawnedByListenersRunBesideTheUsersAndTheirCheckerCanQuitTheRun) {
  ScriptedServer target;
  target.set_handler([](const RecordedRequest& r) {
    return r.target == "/fail" ? ScriptedReply::respond(500, "no") : ScriptedReply::respond(200, "ok");
  });
  // Failures make the exit code 1 (--exit-code-on-error), as Locust's.
  EXPECT_EQ(run_on(target.url(), "api/background_greenlet.py", {}, 2, 120, {"--json", "run.json"}), 1)
      << log();
  EXPECT_NE(log().find("quitting"), std::string::npos) << log();
  EXPECT_NE(log().find("test_stop joined 2"), std::string::npos) << log();
  const auto json = nlohmann::json::parse(cicada::testing::read_file(dir_.path() / "run.json"));
  EXPECT_EQ(json["run"]["ended_by"], "quit") << json.dump();
  std::string report;
  for (const auto& r : target.requests())
    if (r.target.rfind("/report?", 0) == 0) report = r.target;
  EXPECT_EQ(report, "/report?value=42&later=42&killed=True&collected=got-x") << log();
}
