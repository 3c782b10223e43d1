// The master serves the web UI: a real `cicada --master` (no --headless) and two real worker processes on
// loopback, driven through the same HTTP API as a single process (POST /swarm, GET /stop), with the
// workers listed in /stats/requests as Locust's master lists them. Every run is bounded (deadlines).
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "../http_server/raw_http.hpp"
#include "fleet.hpp"
#include "support/scripted_server.hpp"
#include "support/text_count.hpp"

using namespace std::chrono_literals;
using namespace cicada::testing;
using nlohmann::json;

namespace {

std::vector<std::string> web_master_argv(const std::filesystem::path& scenario, const std::string& host,
                                         int port) {
  return {binary("apps/cicada/cicada").string(),
          "-f",
          scenario.string(),
          "--master",
          "--master-bind-host",
          "127.0.0.1",
          "--master-bind-port",
          std::to_string(port),
          "--web-host",
          "127.0.0.1",
          "--web-port",
          "0",
          "--host",
          host};
}

// The UI's port from the line the master prints ("cicada web UI: http://127.0.0.1:PORT").
std::uint16_t ui_port(const ChildProcess& master) {
  const auto text = master.wait_for_output("cicada web UI: ", 15s);
  if (!text) return 0;
  std::smatch m;
  const std::string out = master.out();
  if (!std::regex_search(out, m, std::regex("cicada web UI: http://127\\.0\\.0\\.1:(\\d+)"))) return 0;
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

json get_json(std::uint16_t port, const std::string& target) {
  const auto r = cicada::test::round_trip(port, cicada::test::make_request("GET", target));
  if (!r || r->status != 200) return json();
  return json::parse(r->body, nullptr, false);
}

json swarm(std::uint16_t port, const std::string& form) {
  const auto r = cicada::test::round_trip(
      port, cicada::test::make_request("POST", "/swarm", form, "application/x-www-form-urlencoded"));
  return r ? json::parse(r->body, nullptr, false) : json();
}

// Polls /stats/requests until `ok` holds (true) or the deadline passes (false); `last` is the last answer.
bool stats_until(std::uint16_t port, const std::function<bool(const json&)>& ok, json& last,
                 std::chrono::milliseconds deadline = 15s) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    last = get_json(port, "/stats/requests");
    if (last.is_object() && ok(last)) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

// n `cicada --worker` processes for the master on `port`.
std::vector<std::unique_ptr<ChildProcess>> start_workers(int port, int n) {
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<ChildProcess>(worker_argv(port)));
  return workers;
}

bool every_worker(const json& s, const std::function<bool(const json&)>& ok) {
  if (!s.contains("workers") || s["workers"].empty()) return false;
  for (const auto& w : s["workers"])
    if (!ok(w)) return false;
  return true;
}

TEST(MasterWeb, SwarmAndStopFromTheUiDriveTheWorkers) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(200, "ok"));
  TempDir dir;
  const auto scenario = write_get_scenario(dir.path(), "constant(0.05)");
  const int port = ScriptedServer::closed_port();
  ChildProcess master(web_master_argv(scenario, server.url(), port), dir.path());
  const auto ui = ui_port(master);
  ASSERT_NE(ui, 0) << master.err();

  // No worker yet: a start is refused with a reason, as Locust refuses it.
  const auto early = swarm(ui, "user_count=4&spawn_rate=100");
  EXPECT_EQ(early.value("success", true), false) << early.dump();
  EXPECT_NE(early.value("message", "").find("no worker"), std::string::npos) << early.dump();

  std::vector<std::unique_ptr<ChildProcess>> workers = start_workers(port, 2);
  json s;
  ASSERT_TRUE(stats_until(
      ui, [](const json& j) { return j.value("worker_count", 0) == 2; }, s))
      << s.dump() << master.err();
  EXPECT_EQ(s["state"], "ready");

  const auto started = swarm(ui, "user_count=4&spawn_rate=100");
  ASSERT_EQ(started.value("success", false), true) << started.dump() << master.err();
  // Two users on each worker, every worker running, with its CPU and memory reported.
  ASSERT_TRUE(stats_until(
      ui,
      [](const json& j) {
        return j["user_count"] == 4 && every_worker(j, [](const json& w) {
                 return w["user_count"] == 2 && w["state"] == "running" && w["memory_usage"] > 0;
               });
      },
      s))
      << s.dump(2) << master.err();
  for (const auto& w : s["workers"]) {
    EXPECT_TRUE(w.contains("id") && w.contains("cpu_usage")) << w.dump();
    EXPECT_GE(w["cpu_usage"].get<double>(), 0.0);
  }
  ASSERT_TRUE(stats_until(
      ui, [](const json& j) { return j["stats"].back()["num_requests"] > 10; }, s))
      << s.dump(2);

  // A new user count while it runs is shared out again.
  ASSERT_EQ(swarm(ui, "user_count=6&spawn_rate=100").value("success", false), true);
  ASSERT_TRUE(stats_until(
      ui, [](const json& j) { return every_worker(j, [](const json& w) { return w["user_count"] == 3; }); },
      s))
      << s.dump(2) << master.err();

  ASSERT_EQ(get_json(ui, "/stop").value("success", false), true);
  ASSERT_TRUE(stats_until(
      ui,
      [](const json& j) {
        return j["state"] == "stopped" && every_worker(j, [](const json& w) { return w["user_count"] == 0; });
      },
      s))
      << s.dump(2) << master.err();
  const auto counted = s["stats"].back()["num_requests"].get<std::uint64_t>();
  EXPECT_GT(counted, 10u);

  // The workers stay for the next test, which starts with fresh stats.
  ASSERT_EQ(swarm(ui, "user_count=2&spawn_rate=100").value("success", false), true);
  ASSERT_TRUE(stats_until(
      ui,
      [](const json& j) {
        return j["state"] == "running" && j["worker_count"] == 2 &&
               every_worker(j, [](const json& w) { return w["user_count"] == 1; });
      },
      s))
      << s.dump(2) << master.err();
  ASSERT_EQ(get_json(ui, "/stop").value("success", false), true);
  ASSERT_TRUE(stats_until(
      ui, [](const json& j) { return j["state"] == "stopped"; }, s))
      << s.dump(2);

  master.signal(SIGINT);
  const auto code = master.wait(20s);
  ASSERT_TRUE(code) << master.err();
  EXPECT_EQ(*code, 0) << master.err();
  expect_workers_quit(workers);
}

// --class-picker on a master: each test's picked classes are the only ones its workers run, test after
// test on the same workers (the open model picks among a worker's types by weight; a left-out type with
// a fixed count would keep it in the closed model).
TEST(MasterWeb, EachTestRunsOnlyItsPickedClassesOnTheWorkers) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(200, "ok"));
  TempDir dir;
  const auto scenario = dir.path() / "two.yaml";
  std::ofstream(scenario) << "user_types:\n"
                             "  Alpha:\n    wait_time: constant(0.05)\n"
                             "    tasks:\n      a:\n        requests:\n          - get: /alpha\n"
                             "  Beta:\n    fixed_count: 1\n    wait_time: constant(0.05)\n"
                             "    tasks:\n      b:\n        requests:\n          - get: /beta\n";
  const int port = ScriptedServer::closed_port();
  auto argv = web_master_argv(scenario, server.url(), port);
  argv.push_back("--class-picker");
  ChildProcess master(argv, dir.path());
  const auto ui = ui_port(master);
  ASSERT_NE(ui, 0) << master.err();
  std::vector<std::unique_ptr<ChildProcess>> workers = start_workers(port, 2);
  json s;
  ASSERT_TRUE(stats_until(
      ui, [](const json& j) { return j.value("worker_count", 0) == 2; }, s))
      << s.dump() << master.err();
  auto requests = [](const json& j, const std::string& name) {
    if (!j.contains("stats")) return 0;
    for (const auto& e : j.at("stats"))
      if (e.value("name", "") == name) return e.value("num_requests", 0);
    return 0;
  };
  auto run = [&](const std::string& form, const std::string& picked, const std::string& left_out) {
    const auto started = swarm(ui, form);
    ASSERT_EQ(started.value("success", false), true) << started.dump() << master.err();
    ASSERT_TRUE(stats_until(
        ui, [&](const json& j) { return requests(j, picked) > 20; }, s))
        << s.dump(2) << master.err();
    EXPECT_EQ(requests(s, left_out), 0) << s.dump(2);
    ASSERT_EQ(get_json(ui, "/stop").value("success", false), true);
    ASSERT_TRUE(stats_until(
        ui, [](const json& j) { return j["state"] == "stopped"; }, s))
        << s.dump(2);
    EXPECT_EQ(requests(s, left_out), 0) << s.dump(2);
  };
  run("arrival_rate=40&user_classes=Beta", "/beta", "/alpha");
  run("user_count=4&spawn_rate=100&user_classes=Alpha", "/alpha", "/beta");
  master.signal(SIGINT);
  const auto code = master.wait(20s);
  ASSERT_TRUE(code) << master.err();
  EXPECT_EQ(*code, 0) << master.err();
  expect_workers_quit(workers);
}

// Prints each lifecycle event with the runner class it fired on.
constexpr const char* kEventsLocustfile =
    "from locust import HttpUser, task, constant, events\n"
    "def say(what, environment):\n"
    "    print(f'{what} on {type(environment.runner).__name__}', flush=True)\n"
    "events.test_start.add_listener(lambda environment, **kw: say('test_start', environment))\n"
    "events.test_stop.add_listener(lambda environment, **kw: say('test_stop', environment))\n"
    "events.quitting.add_listener(lambda environment, **kw: say('quitting', environment))\n"
    "class PyGetter(HttpUser):\n"
    "    wait_time = constant(0.05)\n"
    "    @task\n"
    "    def get(self):\n"
    "        self.client.get('/x')\n";

// Waits until `needle` occurs `n` times in the process's stdout (false at the deadline).
bool wait_count(const ChildProcess& p, const std::string& needle, std::size_t n,
                std::chrono::milliseconds deadline = 15s) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (count_occurrences(p.out(), needle) < n) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// A web UI master running `locustfile` (written into `dir`) with one real worker connected.
struct WebFleet {
  WebFleet(const TempDir& dir, const char* locustfile) {
    server.set_fallback(ScriptedReply::respond(200, "ok"));
    const auto scenario = dir.path() / "locustfile.py";
    std::ofstream(scenario) << locustfile;
    const int port = ScriptedServer::closed_port();
    master = std::make_unique<ChildProcess>(web_master_argv(scenario, server.url(), port), dir.path());
    ui = ui_port(*master);
    if (ui == 0) return;
    workers.push_back(std::make_unique<ChildProcess>(worker_argv(port)));
    json s;
    connected = stats_until(
        ui, [](const json& j) { return j.value("worker_count", 0) == 1; }, s);
  }
  // Starts a test from the UI (`form`), waits until it made requests, stops it and waits until it stopped.
  void run_test(const std::string& form) const {
    ASSERT_EQ(swarm(ui, form).value("success", false), true) << master->err();
    json s;
    ASSERT_TRUE(stats_until(
        ui, [](const json& j) { return j["state"] == "running" && j["stats"].back()["num_requests"] > 5; },
        s))
        << s.dump(2) << master->err();
    ASSERT_EQ(get_json(ui, "/stop").value("success", false), true);
    ASSERT_TRUE(stats_until(
        ui, [](const json& j) { return j["state"] == "stopped"; }, s))
        << s.dump(2);
  }
  // Ctrl-C: the master quits with code 0, and its worker with it.
  void quit() {
    master->signal(SIGINT);
    const auto code = master->wait(20s);
    ASSERT_TRUE(code) << master->err();
    EXPECT_EQ(*code, 0) << master->err();
    expect_workers_quit(workers);
  }

  ScriptedServer server;
  std::unique_ptr<ChildProcess> master;
  std::uint16_t ui = 0;
  std::vector<std::unique_ptr<ChildProcess>> workers;
  bool connected = false;
};

// A locustfile's test_start and test_stop fire for each test started and stopped from the web UI, on the
// master and on the worker (as Locust fires them on each), and quitting once on each when they quit.
TEST(MasterWeb, ALocustfilesTestStartAndStopFireForEachTestOnTheMasterAndTheWorker) {
  TempDir dir;
  WebFleet fleet(dir, kEventsLocustfile);
  ASSERT_TRUE(fleet.connected) << fleet.master->err();
  const ChildProcess& master = *fleet.master;
  const ChildProcess& worker = *fleet.workers.front();
  EXPECT_EQ(count_occurrences(master.out(), "test_start"), 0u) << master.out();  // nothing started yet

  for (std::size_t test = 1; test <= 2; ++test) {
    ASSERT_NO_FATAL_FAILURE(fleet.run_test("user_count=2&spawn_rate=100"));
    EXPECT_TRUE(wait_count(master, "test_stop on MasterRunner", test)) << master.out() << master.err();
    EXPECT_TRUE(wait_count(worker, "test_stop on WorkerRunner", test)) << worker.out() << worker.err();
    EXPECT_EQ(count_occurrences(master.out(), "test_start on MasterRunner"), test) << master.out();
    EXPECT_EQ(count_occurrences(worker.out(), "test_start on WorkerRunner"), test) << worker.out();
  }

  fleet.quit();
  EXPECT_EQ(count_occurrences(master.out(), "test_stop on MasterRunner"), 2u) << master.out();
  EXPECT_EQ(count_occurrences(master.out(), "quitting on MasterRunner"), 1u) << master.out();
  EXPECT_EQ(count_occurrences(worker.out(), "test_stop on WorkerRunner"), 2u) << worker.out();
  EXPECT_EQ(count_occurrences(worker.out(), "quitting on WorkerRunner"), 1u) << worker.out();
}

// Custom messages with a web UI master over two tests: what the master's test_start sends reaches each
// test's own load of the locustfile on the worker (it loads the file again per test) before that test's
// test_start there, with the UI's user count as target_user_count; the worker's answers reach the master.
constexpr const char* kMessagesLocustfile =
    "from locust import HttpUser, task, constant, events\n"
    "from locust.runners import MasterRunner, WorkerRunner\n"
    "received = []  # this load's\n"
    "tests = [0]\n"
    "def noted(environment, msg, **kw):\n"
    "    received.append(msg.data)\n"
    "    environment.runner.send_message('thanks', msg.data)\n"
    "def thanked(environment, msg, **kw):\n"
    "    print(f'master thanked for {msg.data}', flush=True)\n"
    "@events.init.add_listener\n"
    "def init(environment, **kw):\n"
    "    if isinstance(environment.runner, WorkerRunner):\n"
    "        environment.runner.register_message('note', noted)\n"
    "    else:\n"
    "        environment.runner.register_message('thanks', thanked)\n"
    "@events.test_start.add_listener\n"
    "def started(environment, **kw):\n"
    "    if isinstance(environment.runner, MasterRunner):\n"
    "        tests[0] += 1\n"
    "        users = environment.runner.target_user_count\n"
    "        environment.runner.send_message('note', f'test {tests[0]} of {users} users')\n"
    "    else:\n"
    "        print(f'worker test_start has {received}', flush=True)\n"
    "class PyGetter(HttpUser):\n"
    "    wait_time = constant(0.05)\n"
    "    @task\n"
    "    def get(self):\n"
    "        self.client.get('/x')\n";

TEST(MasterWeb, CustomMessagesOfEachTestReachThatTestsLoadOnTheWorker) {
  TempDir dir;
  WebFleet fleet(dir, kMessagesLocustfile);
  ASSERT_TRUE(fleet.connected) << fleet.master->err();
  ASSERT_NO_FATAL_FAILURE(fleet.run_test("user_count=2&spawn_rate=100"));
  ASSERT_NO_FATAL_FAILURE(fleet.run_test("user_count=3&spawn_rate=100"));
  const ChildProcess& master = *fleet.master;
  const ChildProcess& worker = *fleet.workers.front();
  EXPECT_TRUE(wait_count(master, "master thanked for test 2 of 3 users", 1)) << master.out() << master.err();
  fleet.quit();
  EXPECT_EQ(count_occurrences(worker.out(), "worker test_start has ['test 1 of 2 users']"), 1u)
      << worker.out();
  EXPECT_EQ(count_occurrences(worker.out(), "worker test_start has ['test 2 of 3 users']"), 1u)
      << worker.out();
  EXPECT_EQ(count_occurrences(master.out(), "master thanked for test 1 of 2 users"), 1u) << master.out();
}

}  // namespace
