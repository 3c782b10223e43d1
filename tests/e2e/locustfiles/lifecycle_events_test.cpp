// Locust's lifecycle events that a locustfile listens to, fired by cicada's run as Locust's runner and main
// fire them (tests/locustfiles/api/lifecycle_events.py prints one "EVENT ..." line per event on stdout).
#include <signal.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "locustfile_fixture.hpp"
#include "support/eventually.hpp"
#include "support/text_count.hpp"

using cicada::testing::count_occurrences;
using cicada::testing::LocustfileTest;

namespace {

// The "EVENT ..." lines of `out`, in order.
std::vector<std::string> events_in(const std::string& out) {
  std::vector<std::string> found;
  std::size_t at = 0;
  while ((at = out.find("EVENT ", at)) != std::string::npos) {
    const auto end = out.find('\n', at);
    found.push_back(out.substr(at + 6, end - at - 6));
    at = end;
  }
  return found;
}

// --class-picker with a LoadTestShape: picked again in a later test, its clock starts with that test (one
// shape serves every test of the process: its clock once ran on from the first test, so a short shape
// picked again had ended before it began); and an automatic start runs the shape, as Locust's does.
constexpr const char* kPickedShape =
    "from locust import HttpUser, LoadTestShape, constant, task\n"
    "class Visitor(HttpUser):\n"
    "    wait_time = constant(0.05)\n"
    "    @task\n"
    "    def health(self):\n"
    "        self.client.get('/health')\n"
    "class Short(LoadTestShape):\n"
    "    def tick(self):\n"
    "        return (3, 10) if self.get_run_time() < 4 else None\n";

TEST_F(LocustfileTest, AShapePickedInALaterTestStartsItsClockWithIt) {
  const auto file = write("short.py", kPickedShape);
  last_ = cicada({"-f", file, "--host", server_->url(), "--web-host", "127.0.0.1", "--web-port", "0",
                  "--class-picker", "--no-history"});
  const auto started = last_->wait_for_output("cicada web UI: ", std::chrono::seconds(60));
  ASSERT_TRUE(started) << log();
  const auto at = started->find("cicada web UI: ") + 15;
  const std::string url = started->substr(at, started->find('\n', at) - at);
  const auto curl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/curl", "-s", "-o", "/dev/null"});
    cicada::testing::ChildProcess c(args);
    return c.wait(std::chrono::seconds(30));
  };
  const std::string spawned = "All users spawned: {\"Visitor\": 3} (3 total users)";
  EXPECT_EQ(curl({url + "/config"}), 0);  // the form's look at the shape
  EXPECT_EQ(curl({"-d", "shape_class=Short", url + "/swarm"}), 0);
  ASSERT_TRUE(last_->wait_for_output(spawned, std::chrono::seconds(30))) << log();
  ASSERT_TRUE(last_->wait_for_output("Test stopped", std::chrono::seconds(30))) << log();  // its 4 s are over
  // The same shape again: 4 s of its own, not a clock already past its end.
  EXPECT_EQ(curl({"-d", "shape_class=Short", url + "/swarm"}), 0);
  EXPECT_TRUE(cicada::testing::eventually([&] { return count_occurrences(last_->err(), spawned) == 2; },
                                          std::chrono::seconds(30)))
      << log();
  last_->signal(SIGINT);
  EXPECT_TRUE(last_->wait(std::chrono::seconds(60))) << log();
}

TEST_F(LocustfileTest, AnAutomaticStartWithTheClassPickerRunsTheShape) {
  const auto file = write("short.py", kPickedShape);
  last_ = cicada({"-f", file, "--host", server_->url(), "--web-host", "127.0.0.1", "--web-port", "0",
                  "--class-picker", "--autostart", "--autoquit", "0", "--no-history"});
  EXPECT_EQ(last_->wait(std::chrono::seconds(60)), 0) << log();
  EXPECT_NE(log().find("All users spawned: {\"Visitor\": 3} (3 total users)"), std::string::npos) << log();
}

}  // namespace

TEST_F(LocustfileTest, LifecycleEventsFireInLocustsOrderWithLocustsArguments) {
  // The shape ramps to 2 users, then to 3, then ends the test; --reset-stats resets at each ramp's end.
  // The quitting listener sets exit code 3, which quit then hears.
  const int code = run("api/lifecycle_events.py", {}, 1, 30, {"--reset-stats"});
  EXPECT_EQ(code, 3) << log();
  std::vector<std::string> events;
  for (const auto& e : events_in(last_->out()))
    if (e != "user on_stop") events.push_back(e);
  const std::vector<std::string> expected{
      "spawning_complete user_count=2",
      "reset_stats",
      "spawning_complete user_count=3",
      "reset_stats",
      "test_stopping state=running",
      "test_stop state=stopped",
      "quitting",
  };
  ASSERT_GE(events.size(), expected.size() + 1) << log();
  EXPECT_EQ(std::vector<std::string>(events.begin(), events.begin() + 7), expected) << log();
  // quit comes last, after quitting, with the final exit code; the deprecated request_success heard the
  // successful requests (every request of this run succeeds).
  ASSERT_EQ(events.size(), expected.size() + 1) << log();
  EXPECT_EQ(events.back().rfind("quit exit_code=3 request_success=", 0), 0u) << events.back();
  EXPECT_GT(std::stoull(events.back().substr(events.back().rfind('=') + 1)), 0u) << events.back();
  // test_stopping fires before the users are stopped: every on_stop comes after it.
  const std::string out = last_->out();
  EXPECT_EQ(count_occurrences(out, "EVENT user on_stop"), 3u) << out;
  EXPECT_LT(out.find("EVENT test_stopping"), out.find("EVENT user on_stop")) << out;
  EXPECT_LT(out.find("EVENT user on_stop"), out.find("EVENT test_stop state")) << out;
}

TEST_F(LocustfileTest, AListenerOnAnEventCicadaNeverFiresIsNamedOnceInTheLog) {
  const int code = run("api/lifecycle_events.py", {}, 1, 30);
  EXPECT_EQ(code, 3) << log();
  const std::string text = log();
  EXPECT_EQ(count_occurrences(text, "events.cpu_warning: cicada never fires this event"), 1u) << text;
  EXPECT_EQ(count_occurrences(text, "events.report_to_master: cicada never fires this event"), 1u) << text;
  EXPECT_EQ(count_occurrences(text, "never called"), 0u) << text;
  // Without --reset-stats, the stats are never reset.
  EXPECT_EQ(count_occurrences(last_->out(), "EVENT reset_stats"), 0u) << text;
  EXPECT_EQ(count_occurrences(last_->out(), "EVENT spawning_complete"), 2u) << text;
}

TEST_F(LocustfileTest, TheWebUisResetFiresResetStats) {
  const auto file = write("reset.py",
                          "from locust import HttpUser, constant, events, task\n"
                          "@events.reset_stats.add_listener\n"
                          "def on_reset_stats(**kwargs):\n"
                          "    print('EVENT reset_stats', flush=True)\n"
                          "class Visitor(HttpUser):\n"
                          "    wait_time = constant(0.05)\n"
                          "    @task\n"
                          "    def health(self):\n"
                          "        self.client.get('/health')\n");
  last_ = cicada({"-f", file, "--host", server_->url(), "--web-host", "127.0.0.1", "--web-port", "0",
                  "--autostart", "--autoquit", "0", "-u", "1", "-r", "1", "-t", "60s", "--no-history"});
  const auto started = last_->wait_for_output("cicada web UI: ", std::chrono::seconds(60));
  ASSERT_TRUE(started) << log();
  const auto at = started->find("cicada web UI: ") + 15;
  const std::string url = started->substr(at, started->find('\n', at) - at);
  const auto get = [&](const std::string& path) {
    cicada::testing::ChildProcess curl({"/usr/bin/curl", "-s", "-o", "/dev/null", url + path});
    return curl.wait(std::chrono::seconds(30));
  };
  EXPECT_EQ(count_occurrences(last_->out(), "EVENT reset_stats"), 0u) << log();
  EXPECT_EQ(get("/stats/reset"), 0);
  EXPECT_TRUE(last_->wait_for_output("EVENT reset_stats", std::chrono::seconds(30))) << log();
  EXPECT_EQ(get("/stop"), 0);  // the test ends; --autoquit 0 then quits
  EXPECT_EQ(last_->wait(std::chrono::seconds(60)), 0) << log();
  EXPECT_EQ(count_occurrences(last_->out(), "EVENT reset_stats"), 1u) << log();
}

// A user whose on_start raises dies, as Locust's greenlet does: no task and no on_stop after it (it once
// went on with its tasks, without the session its on_start was to make, and doubled the probe's load).
// cicada records the exception (Locust only logs it). StopUser there still runs on_stop.
TEST_F(LocustfileTest, AUserWhoseOnStartRaisesRunsNoTaskAndNoOnStop) {
  const auto file = write("dies.py",
                          "import itertools\n"
                          "from locust import HttpUser, constant, task\n"
                          "from locust.exception import StopUser\n"
                          "N = itertools.count()\n"
                          "class Member(HttpUser):\n"
                          "    wait_time = constant(0.01)\n"
                          "    def on_start(self):\n"
                          "        self.i = next(N)\n"
                          "        if self.i % 3 == 0:\n"
                          "            raise RuntimeError('cannot go on without a session')\n"
                          "        if self.i % 3 == 1:\n"
                          "            raise StopUser()\n"
                          "    def on_stop(self):\n"
                          "        self.client.get('/health', name=f'on_stop {self.i % 3}')\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        self.client.get('/health', name=f'task {self.i % 3}')\n");
  EXPECT_EQ(run(file, {}, 6, 2), 1) << log();  // the recorded exceptions: --exit-code-on-error's 1
  const auto stats = csv("stats");
  EXPECT_EQ(cicada::testing::find_row(stats, "GET", "task 0"), nullptr) << log();
  EXPECT_EQ(cicada::testing::find_row(stats, "GET", "on_stop 0"), nullptr) << log();
  EXPECT_EQ(cicada::testing::find_row(stats, "GET", "task 1"), nullptr) << log();
  const auto* stopped = cicada::testing::find_row(stats, "GET", "on_stop 1");
  ASSERT_NE(stopped, nullptr) << log();
  EXPECT_EQ((*stopped)[2], "2");  // users 1 and 4
  const auto* live = cicada::testing::find_row(stats, "GET", "on_stop 2");
  ASSERT_NE(live, nullptr) << log();
  EXPECT_EQ((*live)[2], "2");  // users 2 and 5, at the run's end
  EXPECT_NE(cicada::testing::find_row(stats, "GET", "task 2"), nullptr) << log();
  const auto exceptions = csv("exceptions");
  ASSERT_EQ(exceptions.size(), 2u) << log();
  EXPECT_EQ(exceptions[1][0], "2");
  EXPECT_NE(exceptions[1][1].find("cannot go on without a session"), std::string::npos) << exceptions[1][1];
}

// runner.user_count is live, as Locust's: a task never reads 0 (itself runs), and it follows the ramp. It
// was the latest closed second's: 0 through the first second, then up to a second behind (a probe's 2-user
// run read 0 and 1).
TEST_F(LocustfileTest, RunnerUserCountIsTheUsersRunningNow) {
  const auto file = write("count.py",
                          "from locust import HttpUser, constant, events, task\n"
                          "seen = []\n"
                          "class U(HttpUser):\n"
                          "    wait_time = constant(0.05)\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        seen.append(self.environment.runner.user_count)\n"
                          "        self.client.get('/health')\n"
                          "@events.test_stop.add_listener\n"
                          "def _(environment, **kw):\n"
                          "    print('SEEN', min(seen), max(seen), flush=True)\n");
  EXPECT_EQ(run(file, {}, 3, 3), 0) << log();
  std::smatch seen;
  const std::string text = log();
  ASSERT_TRUE(std::regex_search(text, seen, std::regex("SEEN ([0-9]+) ([0-9]+)\n"))) << text;
  EXPECT_GE(std::stoi(seen[1]), 1) << text;  // a slow machine may start the 2nd user before the 1st reads
  EXPECT_EQ(std::stoi(seen[2]), 3) << text;
}
