// The Locust API beyond tasks: custom arguments (init_command_line_parser, LOCUST_* variables), the
// lifecycle events, request listeners and custom samples recorded in the native statistics.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "locustfile_fixture.hpp"
#include "support/scripted_server.hpp"

using cicada::testing::find_row;
using cicada::testing::LocustfileTest;
using cicada::testing::read_file;

TEST_F(LocustfileTest, CustomArgumentsEventsAndCustomSamples) {
  // --target-path is the locustfile's own option; LOCUST_SHOUT sets the other one; the user class is
  // chosen by name after it, as in Locust.
  ::setenv("LOCUST_SHOUT", "true", 1);
  const int code = run("api/events_and_arguments.py", {}, 2, 2, {"--target-path", "/health", "ApiUser"});
  ::unsetenv("LOCUST_SHOUT");
  EXPECT_EQ(code, 0) << log();
  EXPECT_NE(log().find("test_start: path=/health shout=True users=2"), std::string::npos) << log();
  const auto stats = csv("stats");
  const auto* http = find_row(stats, "GET", "/health");
  const auto* custom = find_row(stats, "grpc", "Fake/Call");
  ASSERT_TRUE(http && custom) << log();
  const auto n_http = std::stoull((*http)[2]);
  const auto n_custom = std::stoull((*custom)[2]);
  EXPECT_GT(n_http, 0u);
  EXPECT_GT(n_custom, 0u);
  // The listener saw every request the statistics counted (HTTP and custom), none failed.
  std::smatch m;
  const std::string text = log();
  ASSERT_TRUE(std::regex_search(text, m, std::regex("test_stop: listener saw ([0-9]+) requests, 0 failed")))
      << text;
  // A request of the task still in flight when the run stopped can be counted by the engine and not yet
  // seen by the listener (its greenlet never resumed).
  const auto seen = std::stoull(m[1].str());
  EXPECT_LE(seen, n_http + n_custom);
  EXPECT_GE(seen + 2, n_http + n_custom);
}

TEST_F(LocustfileTest, AnOptionNobodyDefinedIsAUsageError) {
  EXPECT_EQ(run("api/events_and_arguments.py", {}, 1, 1, {"--no-such-option", "x"}), 2);
  EXPECT_NE(log().find("unrecognized arguments: --no-such-option"), std::string::npos) << log();
}

TEST_F(LocustfileTest, ATaskThatBlocksTheLoopIsReportedOnceWithItsNameAndTime) {
  // 'stall' blocks the loop 800 ms each time it runs (several times in 4 s with 2 users); 'fine' does not.
  EXPECT_EQ(run("api/blocking_task.py", {}, 2, 4), 0) << log();
  const std::string text = log();
  const std::regex report("Task 'stall' of Blocking blocked the event loop for ([0-9]+) ms");
  const auto reports =
      std::distance(std::sregex_iterator(text.begin(), text.end(), report), std::sregex_iterator());
  EXPECT_EQ(reports, 1) << text;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, report)) << text;
  EXPECT_GE(std::stoi(m[1].str()), 800);  // at least the time it blocked
  EXPECT_LT(std::stoi(m[1].str()), 4000);
  const auto stats = csv("stats");
  const auto* health = find_row(stats, "GET", "/health");
  ASSERT_TRUE(health) << text;
  EXPECT_GT(std::stoull((*health)[2]), 0u);  // the users went on
}

TEST_F(LocustfileTest, APlainUserNeedsNoHost) {
  // No --host: a User that is not an HttpUser brings its own client (here a timed call recorded with
  // events.request), as in Locust; its host is None.
  last_ = cicada({"-f", locustfile("api/plain_user.py"), "--headless", "-u", "2", "-r", "2", "-t", "2s",
                  "--csv", "out", "--only-summary", "--no-history"});
  EXPECT_EQ(last_->wait(std::chrono::seconds(60)), 0) << log();
  EXPECT_NE(log().find("host=None"), std::string::npos) << log();
  const auto stats = csv("stats");
  const auto* custom = find_row(stats, "job", "compute");
  ASSERT_TRUE(custom) << log();
  EXPECT_GT(std::stoull((*custom)[2]), 0u);
  EXPECT_EQ((*custom)[3], "0") << log();
}

TEST_F(LocustfileTest, AnHttpUserWithoutAHostIsRefusedBeforeTheRunNamingIt) {
  // The same file with an HttpUser beside the plain User: that one needs a host, as Locust says at start.
  const auto file = write("mixed.py", read_file(locustfile("api/plain_user.py")) +
                                          "\nfrom locust import HttpUser\n"
                                          "class Browser(HttpUser):\n"
                                          "    @task\n"
                                          "    def home(self):\n"
                                          "        self.client.get('/')\n");
  last_ = cicada({"-f", file, "--headless", "-u", "2", "-t", "2s", "--no-history"});
  EXPECT_EQ(last_->wait(std::chrono::seconds(60)), 2) << log();
  EXPECT_NE(log().find("no host for user type 'Browser'"), std::string::npos) << log();
  EXPECT_EQ(log().find("user type 'Worker'"), std::string::npos) << log();
}

TEST_F(LocustfileTest, ATaskThatNeverYieldsIsReportedWhileItRunsAndStoppedAtTheTimeLimit) {
  // The user makes 3 requests in on_start, then its task loops in pure Python for good: the watchdog
  // reports it with its name while it runs; at the time limit it is interrupted where it was, recorded
  // as an exception (exit code 1, --exit-code-on-error) and the requests before it are kept.
  ::setenv("NEVER_YIELDS", "spin", 1);
  const int code = run("api/never_yields.py", {}, 1, 5);
  ::unsetenv("NEVER_YIELDS");
  EXPECT_EQ(code, 1) << log();
  const std::string text = log();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      text, m,
      std::regex(
          "Task 'forever' of Stuck has not yielded to the event loop for ([0-9.]+) s and is still running")))
      << text;
  EXPECT_GE(std::stod(m[1].str()), 2.0);
  EXPECT_NE(text.find("at the end of the run: stopping it"), std::string::npos) << text;
  EXPECT_EQ(text.find("could not be stopped"), std::string::npos) << text;
  const auto stats = csv("stats");
  const auto* health = find_row(stats, "GET", "/health");
  ASSERT_TRUE(health) << text;
  EXPECT_EQ((*health)[2], "3") << text;
  const std::string exceptions = read_file(dir_.path() / "out_exceptions.csv");
  EXPECT_NE(exceptions.find("held the event loop without yielding until the end of the run"),
            std::string::npos)
      << exceptions;
  EXPECT_NE(exceptions.find("never_yields.py"), std::string::npos) << exceptions;  // where it was stopped
}

TEST_F(LocustfileTest, AUserInitThatNeverReturnsIsReportedAndStoppedAtTheTimeLimit) {
  // The user class's __init__ loops for good (before any call of the user): watched like a task, it is
  // reported with its name and interrupted at the time limit, and the run ends (exit code 1: an exception).
  ::setenv("NEVER_YIELDS", "init", 1);
  const int code = run("api/never_yields.py", {}, 1, 4);
  ::unsetenv("NEVER_YIELDS");
  EXPECT_EQ(code, 1) << log();
  const std::string text = log();
  EXPECT_NE(text.find("Task '__init__' of Stuck has not yielded to the event loop for"), std::string::npos)
      << text;
  EXPECT_NE(text.find("at the end of the run: stopping it"), std::string::npos) << text;
  EXPECT_EQ(text.find("could not be stopped"), std::string::npos) << text;
  const std::string exceptions = read_file(dir_.path() / "out_exceptions.csv");
  EXPECT_NE(exceptions.find("held the event loop without yielding until the end of the run"),
            std::string::npos)
      << exceptions;
}

TEST_F(LocustfileTest, ATaskBlockedInACallThatNeverReturnsIsLeftBehindAndTheRunStillEnds) {
  // The task waits inside a call that no exception can interrupt: at the time limit the run gives it up
  // (its loop and user are left behind), says so, keeps the stats and exits with code 1.
  ::setenv("NEVER_YIELDS", "block", 1);
  const int code = run("api/never_yields.py", {}, 1, 5);
  ::unsetenv("NEVER_YIELDS");
  EXPECT_EQ(code, 1) << log();
  const std::string text = log();
  EXPECT_NE(text.find("Task 'forever' of Stuck has not yielded to the event loop for"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Task 'forever' of Stuck did not yield to the event loop for"), std::string::npos)
      << text;
  EXPECT_NE(text.find("could not be stopped"), std::string::npos) << text;
  const auto stats = csv("stats");
  const auto* health = find_row(stats, "GET", "/health");
  ASSERT_TRUE(health) << text;
  EXPECT_EQ((*health)[2], "3") << text;
  const std::string exceptions = read_file(dir_.path() / "out_exceptions.csv");
  EXPECT_NE(exceptions.find("could not be stopped"), std::string::npos) << exceptions;
}

TEST_F(LocustfileTest, RunnerQuitFromATaskEndsTheRunWithItsRequestsCounted) {
  // A task quits after 40 requests of 3 users: the run ends long before its time limit (60 s), test_stop
  // and quitting fire, and the requests made are all counted: 40, plus at most the one in flight of each
  // other user (no user starts another). The quitting listener reads the final statistics.
  ::setenv("QUIT_AFTER", "40", 1);
  const int code = run("api/runner_quit.py", {}, 3, 60);
  ::unsetenv("QUIT_AFTER");
  EXPECT_EQ(code, 0) << log();
  const std::string text = log();
  EXPECT_TRUE(std::regex_search(text, std::regex("quit from the task: state=(spawning|running) users=[0-9]")))
      << text;
  EXPECT_EQ(text.find("--run-time limit reached"), std::string::npos) << text;
  const auto stats = csv("stats");
  const auto* health = find_row(stats, "GET", "/health");
  ASSERT_TRUE(health) << text;
  const auto n = std::stoull((*health)[2]);
  EXPECT_GE(n, 40u) << text;
  EXPECT_LE(n, 42u) << text;
  // The request listener saw the 40, and any other it could see before the users were stopped.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("test_stop: ([0-9]+) requests"))) << text;
  EXPECT_GE(std::stoull(m[1].str()), 40u) << text;
  EXPECT_LE(std::stoull(m[1].str()), n) << text;
  EXPECT_NE(text.find("quitting: stats " + std::to_string(n) + " requests, 0 failed"), std::string::npos)
      << text;
  EXPECT_NE(text.find("state=stopped entry=" + std::to_string(n)), std::string::npos) << text;
}

TEST_F(LocustfileTest, RunnerQuitFromAListenerEndsTheRunAndQuittingSetsTheExitCode) {
  // environment.runner.quit() from a request listener, and environment.process_exit_code set by a quitting
  // listener: the process exits with it, as Locust's does.
  ::setenv("QUIT_AFTER", "25", 1);
  ::setenv("QUIT_FROM", "listener", 1);
  ::setenv("EXIT_CODE", "3", 1);
  const int code = run("api/runner_quit.py", {}, 2, 60);
  ::unsetenv("QUIT_AFTER");
  ::unsetenv("QUIT_FROM");
  ::unsetenv("EXIT_CODE");
  EXPECT_EQ(code, 3) << log();
  const std::string text = log();
  EXPECT_NE(text.find("quit from a request listener"), std::string::npos) << text;
  EXPECT_EQ(text.find("--run-time limit reached"), std::string::npos) << text;
  const auto stats = csv("stats");
  const auto* health = find_row(stats, "GET", "/health");
  ASSERT_TRUE(health) << text;
  const auto n = std::stoull((*health)[2]);
  EXPECT_GE(n, 25u) << text;
  EXPECT_LE(n, 26u) << text;
}

TEST_F(LocustfileTest, ARunnerAttributeCicadaLacksNamesItself) {
  // A construct of environment.runner cicada does not have fails with its name, not a bare AttributeError.
  const auto file = write("messages.py",
                          "from locust import HttpUser, events, task\n"
                          "@events.init.add_listener\n"
                          "def on_init(environment, **kwargs):\n"
                          "    print(len(environment.runner.clients))\n"
                          "class U(HttpUser):\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        self.client.get('/health')\n");
  // The listener raised: an otherwise clean run exits 2, as Locust's does for a listener that raises.
  EXPECT_EQ(run(file, {}, 1, 1), 2) << log();
  EXPECT_NE(log().find("environment.runner.clients: cicada's runner does not have 'clients'"),
            std::string::npos)
      << log();
}

TEST_F(LocustfileTest, ListenersHearTheNameTheStatisticsUse) {
  // A path with a space is sent and named requoted, after the host's own path, as Locust names it; the
  // request listeners hear that name too, with and without catch_response.
  const auto file = write("names.py",
                          "from locust import HttpUser, events, task, constant\n"
                          "@events.request.add_listener\n"
                          "def heard(request_type, name, **kwargs):\n"
                          "    print('heard', request_type, name, flush=True)\n"
                          "class U(HttpUser):\n"
                          "    wait_time = constant(0.2)\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        self.client.get('/health/ready')\n"
                          "        self.client.get('/health x')\n"
                          "        with self.client.get('/health/live?a=b c', catch_response=True) as r:\n"
                          "            r.success()\n");
  last_ = cicada({"-f", file, "--host", server_->url() + "/v2/", "--headless", "-u", "1", "-r", "1", "-t",
                  "2s", "--csv", "out", "--only-summary", "--no-history"});
  last_->wait(std::chrono::seconds(60));
  const auto stats = csv("stats");
  for (const char* name : {"/v2/health/ready", "/v2/health%20x", "/v2/health/live?a=b%20c"}) {
    SCOPED_TRACE(name);
    const auto* row = find_row(stats, "GET", name);
    ASSERT_TRUE(row) << log();
    EXPECT_GT(std::stoull((*row)[2]), 0u);
    EXPECT_NE(log().find(std::string("heard GET ") + name + "\n"), std::string::npos) << log();
  }
  const auto* ready = find_row(stats, "GET", "/v2/health/ready");
  EXPECT_EQ((*ready)[3], "0") << log();  // the host's path was kept: the model server's own route
}

TEST_F(LocustfileTest, ResponseUrlIsTheLastHopsUrlAsSent) {
  // requests' response.url: after redirects, the URL the answer came from; requoted and after the host's
  // own path as sent; and the host and the path as given when nothing changed them. Listeners hear it too.
  cicada::testing::ScriptedServer target;
  target.set_handler([](const cicada::testing::RecordedRequest& r) {
    if (r.target == "/base/start") return cicada::testing::ScriptedReply::redirect(302, "/end x?q=1");
    return cicada::testing::ScriptedReply::respond(200, "ok");
  });
  const auto file = write("urls.py",
                          "from locust import HttpUser, events, task, constant\n"
                          "@events.request.add_listener\n"
                          "def heard(name, url, **kwargs):\n"
                          "    print('heard', name, url, flush=True)\n"
                          "class U(HttpUser):\n"
                          "    wait_time = constant(0.2)\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        print('plain', self.client.get('/base/plain').url, flush=True)\n"
                          "        print('moved', self.client.get('/base/start').url, flush=True)\n"
                          "        print('spaced', self.client.get('/base/a b').url, flush=True)\n"
                          "        print('relative', self.client.get('/rel').url, flush=True)\n");
  last_ = cicada({"-f", file, "--host", target.url(), "--headless", "-u", "1", "-r", "1", "-t", "1s",
                  "--only-summary", "--no-history"});
  last_->wait(std::chrono::seconds(60));
  const std::string host = target.url();
  for (const std::string& line : {"plain " + host + "/base/plain\n", "moved " + host + "/end%20x?q=1\n",
                                  "spaced " + host + "/base/a%20b\n", "relative " + host + "/rel\n",
                                  "heard /base/start " + host + "/end%20x?q=1\n"}) {
    EXPECT_NE(log().find(line), std::string::npos) << line << log();
  }
}

TEST_F(LocustfileTest, ShapeTickIsCalledAsLocustsShapeWorkerCallsIt) {
  // Again at once after its answer changed, else once a second: a shape that counts its calls (or logs in
  // tick()) sees Locust's pace, not the runner's own few-millisecond one.
  const auto file = write("ticks.py",
                          "from locust import HttpUser, LoadTestShape, constant, events, task\n"
                          "calls = []\n"
                          "class U(HttpUser):\n"
                          "    wait_time = constant(0.5)\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        self.client.get('/health')\n"
                          "class Shape(LoadTestShape):\n"
                          "    def tick(self):\n"
                          "        calls.append(self.get_run_time())\n"
                          "        return None if self.get_run_time() > 2.5 else (1, 1)\n"
                          "@events.quitting.add_listener\n"
                          "def done(environment, **kwargs):\n"
                          "    print('ticks', len(calls), flush=True)\n");
  last_ = cicada({"-f", file, "--host", server_->url(), "--headless", "--only-summary", "--no-history"});
  EXPECT_EQ(last_->wait(std::chrono::seconds(60)), 0) << log();
  const std::smatch m = [&] {
    std::smatch r;
    static const std::regex ticks("ticks ([0-9]+)\n");
    const std::string& text = log();
    std::regex_search(text.begin(), text.end(), r, ticks);
    return r;
  }();
  ASSERT_EQ(m.size(), 2u) << log();
  // 0 s (a change: again at once), then about 1, 2 and 3 s (None). Before: one call every few ms.
  EXPECT_GE(std::stoi(m[1]), 3) << log();
  EXPECT_LE(std::stoi(m[1]), 8) << log();
}

// tick() may name the user classes of its target as a third item (Locust 2.12): that target's users are of
// those classes alone (cicada stops the others' users, where Locust 2.12 keeps them until a ramp-down
// happens to pick them), and a tick without the item keeps the classes last named, as in Locust.
TEST_F(LocustfileTest, AShapesTickThatNamesUserClassesRunsThoseAlone) {
  cicada::testing::ScriptedServer target;
  target.set_fallback(cicada::testing::ScriptedReply::respond(200, "ok"));
  const auto file = write("shape_classes.py",
                          "from locust import HttpUser, LoadTestShape, constant, task\n"
                          "class A(HttpUser):\n"
                          "    wait_time = constant(0.1)\n"
                          "    @task\n"
                          "    def a(self):\n"
                          "        self.client.get('/a')\n"
                          "class B(HttpUser):\n"
                          "    wait_time = constant(0.1)\n"
                          "    @task\n"
                          "    def b(self):\n"
                          "        self.client.get('/b')\n"
                          "class Shape(LoadTestShape):\n"
                          "    def tick(self):\n"
                          "        t = self.get_run_time()\n"
                          "        if t < 1.5:\n"
                          "            return (2, 20, [A])\n"
                          "        if t < 3:\n"
                          "            return (3, 20, [B])\n"
                          "        return None if t > 4.5 else (4, 20)\n");
  last_ = cicada(
      {"-f", file, "--host", target.url(), "--headless", "--only-summary", "--no-history", "--csv", "out"});
  ASSERT_EQ(last_->wait(std::chrono::seconds(60)), 0) << log();
  const std::string& text = log();
  const auto first = text.find(R"(All users spawned: {"A": 2, "B": 0})");
  const auto second = text.find(R"(All users spawned: {"A": 0, "B": 3})");
  const auto third = text.find(R"(All users spawned: {"A": 0, "B": 4})");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  ASSERT_NE(third, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  const auto stats = csv("stats");
  const auto* a = find_row(stats, "GET", "/a");
  const auto* b = find_row(stats, "GET", "/b");
  ASSERT_TRUE(a && b) << log();
  EXPECT_GT(std::stoull((*a)[2]), 0u);
  EXPECT_GT(std::stoull((*b)[2]), std::stoull((*a)[2]));
}

TEST_F(LocustfileTest, AListenerOrShapeThatRaisesMakesACleanRunExitTwo) {
  // Locust's log.unhandled_greenlet_exception: exit 2 when nothing else set the code.
  const auto listener = write("raising_listener.py",
                              "from locust import HttpUser, constant, events, task\n"
                              "@events.request.add_listener\n"
                              "def heard(**kwargs):\n"
                              "    raise ValueError('listener bug')\n"
                              "class U(HttpUser):\n"
                              "    wait_time = constant(0.2)\n"
                              "    @task\n"
                              "    def t(self):\n"
                              "        self.client.get('/health')\n");
  EXPECT_EQ(run(listener, {}, 1, 1), 2) << log();
  EXPECT_NE(log().find("Uncaught exception in event handler"), std::string::npos) << log();
  EXPECT_NE(log().find("ValueError: listener bug"), std::string::npos) << log();
  const auto stats = csv("stats");
  const auto* health = find_row(stats, "GET", "/health");
  ASSERT_TRUE(health) << log();
  EXPECT_GT(std::stoull((*health)[2]), 0u);  // the requests themselves were measured

  const auto shape = write("raising_shape.py",
                           "from locust import HttpUser, LoadTestShape, constant, task\n"
                           "class U(HttpUser):\n"
                           "    wait_time = constant(0.2)\n"
                           "    @task\n"
                           "    def t(self):\n"
                           "        self.client.get('/health')\n"
                           "class Shape(LoadTestShape):\n"
                           "    def tick(self):\n"
                           "        if self.get_run_time() > 0.5:\n"
                           "            raise RuntimeError('shape bug')\n"
                           "        return (1, 1)\n");
  last_ = cicada({"-f", shape, "--host", server_->url(), "--headless", "--only-summary", "--no-history"});
  EXPECT_EQ(last_->wait(std::chrono::seconds(60)), 2) << log();
  EXPECT_NE(log().find("RuntimeError: shape bug"), std::string::npos) << log();
}

TEST_F(LocustfileTest, AtTheEndOfARunEachUserIsKilledWhereItWaitsAndItsOnStopRuns) {
  // Locust kills each user's greenlet at the end of a run (the default --stop-timeout 0) and runs its
  // on_stop: a task waiting for an answer or sleeping is interrupted there (the rest of it never runs), its
  // TaskSet's on_stop runs, then the user's, and their requests are made. The server's log is the truth.
  cicada::testing::ScriptedServer target;
  target.set_handler([](const cicada::testing::RecordedRequest& r) {
    return r.target == "/stall" ? cicada::testing::ScriptedReply::stall()
                                : cicada::testing::ScriptedReply::respond(200, "ok");
  });
  const auto file = write("killed.py",
                          "import time\n"
                          "from locust import HttpUser, TaskSet, task, constant\n"
                          "class Inner(TaskSet):\n"
                          "    @task\n"
                          "    def work(self):\n"
                          "        self.client.get('/stall')\n"
                          "        self.client.get('/after-stall')\n"
                          "    def on_stop(self):\n"
                          "        self.client.get('/taskset-stop')\n"
                          "class Stalled(HttpUser):\n"
                          "    wait_time = constant(0)\n"
                          "    tasks = [Inner]\n"
                          "    def on_stop(self):\n"
                          "        self.client.get('/stalled-logout')\n"
                          "class Sleeper(HttpUser):\n"
                          "    wait_time = constant(0)\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        self.client.get('/before-sleep')\n"
                          "        time.sleep(600)\n"
                          "        self.client.get('/after-sleep')\n"
                          "    def on_stop(self):\n"
                          "        self.client.get('/sleeper-logout')\n");
  // The stalled requests waited the whole run (over 1 s): failures of the run, so it exits 1.
  EXPECT_EQ(run_on(target.url(), file, {}, 4, 2), 1) << log();
  std::map<std::string, int> seen;
  for (const auto& r : target.requests()) ++seen[r.target];
  EXPECT_EQ(seen["/stall"], 2) << log();
  EXPECT_EQ(seen["/after-stall"], 0) << log();
  EXPECT_EQ(seen["/taskset-stop"], 2) << log();
  EXPECT_EQ(seen["/stalled-logout"], 2) << log();
  EXPECT_EQ(seen["/before-sleep"], 2) << log();
  EXPECT_EQ(seen["/after-sleep"], 0) << log();
  EXPECT_EQ(seen["/sleeper-logout"], 2) << log();
  // Every request the server saw is in the statistics: the cut ones as failures without an answer.
  const auto stats = csv("stats");
  for (const char* path : {"/taskset-stop", "/stalled-logout", "/before-sleep", "/sleeper-logout"}) {
    const auto* row = find_row(stats, "GET", path);
    ASSERT_TRUE(row) << path << "\n" << log();
    EXPECT_EQ((*row)[2], "2") << path;
    EXPECT_EQ((*row)[3], "0") << path;
  }
  const auto* stall = find_row(stats, "GET", "/stall");
  ASSERT_TRUE(stall) << log();
  EXPECT_EQ((*stall)[2], "2");
  EXPECT_EQ((*stall)[3], "2");
}

TEST_F(LocustfileTest, ALocustfileRunsInsideAnActiveVirtualenvAndImportsItsPackages) {
  // CI jobs run with a virtualenv active (actions/setup-python, `. .venv/bin/activate`): its python3 is
  // first on PATH and VIRTUAL_ENV names it. The embedded interpreter took that python3 as its home and lost
  // Debian's packages: "No module named 'greenlet'", exit 2. Now its standard library and greenlet stay the
  // system's and the virtualenv's packages are found too. The virtualenv is laid out by hand, as `python3 -m
  // venv --without-pip` lays it out, so that no venv package is needed.
  std::string version;
  {
    FILE* p = ::popen("/usr/bin/python3 -c \"import sys; print('%d.%d' % sys.version_info[:2])\"", "r");
    ASSERT_NE(p, nullptr);
    char line[32] = {};
    if (std::fgets(line, sizeof line, p)) version = line;
    ::pclose(p);
  }
  while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) version.pop_back();
  ASSERT_FALSE(version.empty());
  const auto venv = dir_.path() / "venv";
  const auto packages = venv / "lib" / ("python" + version) / "site-packages";
  std::filesystem::create_directories(venv / "bin");
  std::filesystem::create_directories(packages);
  std::filesystem::create_symlink("/usr/bin/python3", venv / "bin" / "python3");
  std::filesystem::create_symlink("/usr/bin/python3", venv / "bin" / "python");
  std::ofstream(venv / "pyvenv.cfg") << "home = /usr/bin\ninclude-system-site-packages = false\nversion = "
                                     << version << "\n";
  std::ofstream(packages / "venv_only.py") << "PATH = '/health'\n";
  const auto file = write("in_venv.py",
                          "import venv_only\n"
                          "from locust import HttpUser, task, constant\n"
                          "class U(HttpUser):\n"
                          "    wait_time = constant(0.05)\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        self.client.get(venv_only.PATH)\n");
  const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", ((venv / "bin").string() + ":" + old_path).c_str(), 1);
  ::setenv("VIRTUAL_ENV", venv.c_str(), 1);
  const int code = run(file, {}, 1, 1);
  ::setenv("PATH", old_path.c_str(), 1);
  ::unsetenv("VIRTUAL_ENV");
  EXPECT_EQ(code, 0) << log();
  const auto stats = csv("stats");
  const auto* health = find_row(stats, "GET", "/health");
  ASSERT_TRUE(health) << log();
  EXPECT_NE((*health)[2], "0");
}

// register_message and send_message in a run of one process deliver to the process's own listener, as
// Locust's LocalRunner does (tests/locustfiles/api/custom_messages_local.py logs the same under Locust
// 2.12); an unknown message type is a warning, not an error.
TEST_F(LocustfileTest, CustomMessagesInARunOfOneProcessReachItsOwnListener) {
  cicada::testing::ScriptedServer target;
  target.set_fallback(cicada::testing::ScriptedReply::respond(200, "ok"));
  EXPECT_EQ(run_on(target.url(), "api/custom_messages_local.py", {}, 1, 1), 0) << log();
  const auto requests = target.requests();
  ASSERT_FALSE(requests.empty()) << log();
  EXPECT_EQ(requests.front().target, "/received?test_users:local:User0,User1&index=0") << log();
  EXPECT_NE(log().find("Unknown message type received: nobody_listens"), std::string::npos) << log();
}

// A user class's __init__ runs in the user's greenlet, as Locust's spawner runs it: a sleep there lets
// the other users run (Locust's examples/custom_shape/wait_user_count.py makes users slow to create that
// way) and a request there is made and measured. Before, the sleep held the whole event loop and the
// request raised "this operation needs a running user".
TEST_F(LocustfileTest, AUserInitThatSleepsLetsTheOtherUsersRunAndItsRequestsAreMade) {
  cicada::testing::ScriptedServer target;
  target.set_fallback(cicada::testing::ScriptedReply::respond(200, "ok"));
  const auto file = write("slow_init.py",
                          "import time\n"
                          "from locust import HttpUser, constant, task\n"
                          "made = [0]\n"
                          "class Slow(HttpUser):\n"
                          "    wait_time = constant(0.05)\n"
                          "    def __init__(self, environment):\n"
                          "        super().__init__(environment)\n"
                          "        made[0] += 1\n"
                          "        self.n = made[0]\n"
                          "        self.client.get(f'/init/{self.n}/start', name='/init-start')\n"
                          "        time.sleep(0.5)\n"
                          "        self.client.get(f'/init/{self.n}/end', name='/init-end')\n"
                          "    @task\n"
                          "    def t(self):\n"
                          "        self.client.get(f'/task/{self.n}', name='/task')\n");
  EXPECT_EQ(run_on(target.url(), file, {}, 2, 3), 0) << log();
  const auto requests = target.requests();
  std::size_t start = requests.size(), end = requests.size(), first_user_tasks_meanwhile = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].target == "/init/2/start") start = i;
    if (requests[i].target == "/init/2/end") end = i;
    if (i > start && end == requests.size() && requests[i].target == "/task/1") ++first_user_tasks_meanwhile;
  }
  ASSERT_LT(start, requests.size()) << log();
  ASSERT_LT(end, requests.size()) << log();
  // The first user made its tasks' requests (one every 50 ms) while the second slept in its __init__.
  EXPECT_GT(first_user_tasks_meanwhile, 0u) << log();
  const auto stats = csv("stats");
  for (const char* name : {"/init-start", "/init-end"}) {
    const auto* row = find_row(stats, "GET", name);
    ASSERT_TRUE(row) << name << "\n" << log();
    EXPECT_EQ((*row)[2], "2") << name;
  }
}
