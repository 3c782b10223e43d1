// A master sends a locustfile (.py) to its workers, as it does a YAML or C++ scenario, and the workers run
// it: real `cicada` processes, real ZeroMQ on loopback, a scripted server counting what arrives. A worker
// that has the master's file at the same path loads it there (a module beside it imports); one that does
// not loads the copy the master sent.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <optional>

#include "fleet.hpp"
#include "support/csv_rows.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using namespace cicada::testing;

namespace {

// A locustfile whose path comes from a module beside it (only importable where the file is).
std::filesystem::path write_locustfile(const std::filesystem::path& dir, bool with_helper) {
  if (with_helper) std::ofstream(dir / "fleet_paths.py") << "PATH = '/py'\n";
  const auto path = dir / "fleet_locustfile.py";
  std::ofstream(path) << (with_helper ? "from fleet_paths import PATH\n" : "PATH = '/py'\n")
                      << "from locust import HttpUser, task, constant\n"
                         "class PyGetter(HttpUser):\n"
                         "    wait_time = constant(0.05)\n"
                         "    @task\n"
                         "    def get(self):\n"
                         "        self.client.get(PATH + '/item?id=1', name=PATH + '/item')\n";
  return path;
}

// Its own arguments (init_command_line_parser) name the path and how many requests a task makes.
constexpr const char* kArgumentsLocustfile =
    "from locust import HttpUser, task, constant, events\n"
    "@events.init_command_line_parser.add_listener\n"
    "def arguments(parser):\n"
    "    parser.add_argument('--target-path', default='/nowhere')\n"
    "    parser.add_argument('--tries', type=int, default=1)\n"
    "class PyGetter(HttpUser):\n"
    "    wait_time = constant(0.05)\n"
    "    @task\n"
    "    def get(self):\n"
    "        options = self.environment.parsed_options\n"
    "        for _ in range(options.tries):\n"
    "            self.client.get(options.target_path)\n";

struct FleetRun {
  int master_code = -1;
  std::string master_err;
  std::uint64_t counted = 0;  // GET /py/item in the master's CSV
  CsvRows rows;
  CsvRows exceptions;            // the master's exceptions CSV
  std::vector<int> worker_pids;  // in start order
};

FleetRun run_fleet(ScriptedServer& server, const std::filesystem::path& locustfile, bool remove_after_start,
                   std::vector<std::string> master_extra = {}, std::vector<std::string> worker_extra = {},
                   const std::string& run_time = "3s") {
  const auto dir = locustfile.parent_path();
  const int port = ScriptedServer::closed_port();
  const auto prefix = dir / "run";
  std::vector<std::string> args{
      "-u",          "4", "-r", "100", "-t", run_time, "--stop-timeout", "2", "--csv", prefix.string(),
      "--no-history"};
  args.insert(args.end(), master_extra.begin(), master_extra.end());
  ChildProcess master(master_argv(locustfile, server.url(), port, 2, args), dir);
  EXPECT_TRUE(master.wait_for_output("Waiting for 2 workers", 20s)) << master.err();
  if (remove_after_start) std::filesystem::remove(locustfile);  // the workers cannot read it any more
  TempDir worker_dir;                                           // the workers run elsewhere
  std::vector<std::unique_ptr<ChildProcess>> workers;
  FleetRun r;
  for (int i = 0; i < 2; ++i) {
    workers.push_back(std::make_unique<ChildProcess>(worker_argv(port, worker_extra), worker_dir.path()));
    r.worker_pids.push_back(workers.back()->pid());
  }
  const auto code = master.wait(40s);
  r.master_code = code ? *code : -1;
  r.master_err = master.err();
  expect_workers_quit(workers);
  r.rows = read_csv(prefix.string() + "_stats.csv");
  r.exceptions = read_csv(prefix.string() + "_exceptions.csv");
  const auto* row = find_row(r.rows, "GET", "/py/item");
  r.counted = row ? std::stoull((*row)[2]) : 0;
  return r;
}

TEST(LocustfileFleet, WorkersRunTheMastersLocustfileInPlace) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(200, "ok").after(5ms));
  TempDir dir;
  const FleetRun r = run_fleet(server, write_locustfile(dir.path(), true), false);
  EXPECT_EQ(r.master_code, 0) << r.master_err;
  EXPECT_NE(r.master_err.find("Sharing 4 users over 2 workers: 2, 2"), std::string::npos) << r.master_err;
  EXPECT_GT(r.counted, 40u) << r.master_err;  // 4 users x ~18/s x 3 s
  EXPECT_EQ(r.counted, server.request_count()) << r.master_err;
}

TEST(LocustfileFleet, WorkersWithoutTheFileRunTheCopyTheMasterSent) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(200, "ok").after(5ms));
  TempDir dir;
  const FleetRun r = run_fleet(server, write_locustfile(dir.path(), false), true);
  EXPECT_EQ(r.master_code, 0) << r.master_err;
  EXPECT_GT(r.counted, 40u) << r.master_err;
  EXPECT_EQ(r.counted, server.request_count()) << r.master_err;
}

TEST(LocustfileFleet, AnExceptionsNodesAreTheWorkersThatRaisedIt) {
  // Locust's master fills the exceptions' Nodes column with the ids of the workers that reported each
  // (runners.py log_exception); cicada's master wrote "local", its own name for a standalone run.
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(200, "ok").after(5ms));
  TempDir dir;
  const auto path = dir.path() / "raising_locustfile.py";
  std::ofstream(path) << "from locust import HttpUser, task, constant\n"
                         "class Raiser(HttpUser):\n"
                         "    wait_time = constant(0.05)\n"
                         "    @task\n"
                         "    def get(self):\n"
                         "        self.client.get('/py/item')\n"
                         "        raise RuntimeError('raised on a worker')\n";
  const FleetRun r = run_fleet(server, path, false);
  EXPECT_EQ(r.master_code, 1) << r.master_err;  // exceptions fail the run
  ASSERT_EQ(r.exceptions.size(), 2u) << r.master_err;
  ASSERT_EQ(r.exceptions[0].size(), 4u);
  EXPECT_EQ(r.exceptions[0][3], "Nodes");
  EXPECT_EQ(r.exceptions[1][1], "raised on a worker");
  // Each worker (2 users each, every task raising) is listed once: its id is hostname_pid_random.
  const std::string& nodes = r.exceptions[1][3];
  EXPECT_EQ(std::count(nodes.begin(), nodes.end(), ','), 1) << nodes;
  for (const int pid : r.worker_pids)
    EXPECT_NE(nodes.find("_" + std::to_string(pid) + "_"), std::string::npos) << nodes;
}

// The master's test_start runs while the master keeps its workers (heartbeats): one that takes longer than
// their --master-timeout (3 s of sleep against 2 s) no longer makes them leave before the test starts, as
// it did once test_start waited for the workers to connect; and the hook runs on the main thread, as
// Locust's, where signal.signal works.
TEST(LocustfileFleet, AMasterTestStartLongerThanTheWorkersMasterTimeoutKeepsThem) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(200, "ok").after(5ms));
  TempDir dir;
  const auto path = dir.path() / "slow_start_locustfile.py";
  std::ofstream(path)
      << "import signal, time\n"
         "from locust import HttpUser, task, constant, events\n"
         "from locust.runners import MasterRunner\n"
         "@events.test_start.add_listener\n"
         "def slow(environment, **kw):\n"
         "    if isinstance(environment.runner, MasterRunner):\n"
         "        signal.signal(signal.SIGUSR2, lambda *a: None)  # main thread only\n"
         "        time.sleep(3)\n"
         "        print(f'master test_start done with {environment.runner.worker_count} workers', "
         "flush=True)\n"
         "class PyGetter(HttpUser):\n"
         "    wait_time = constant(0.05)\n"
         "    @task\n"
         "    def get(self):\n"
         "        self.client.get('/py/item')\n";
  const FleetRun r = run_fleet(server, path, false, {}, {"--master-timeout", "2"});
  EXPECT_EQ(r.master_code, 0) << r.master_err;
  EXPECT_EQ(r.master_err.find("quit:"), std::string::npos) << r.master_err;  // no worker left
  EXPECT_GT(r.counted, 40u) << r.master_err;
  EXPECT_EQ(r.counted, server.request_count()) << r.master_err;
}

}  // namespace

// The locustfile's own arguments, given to the master only, reach the workers' parsed_options with their
// types (Locust's master sends its parsed_options with the start): every request goes to the path they
// name, two per task.
TEST(LocustfileFleet, TheMastersCustomArgumentsReachTheWorkersParsedOptions) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(200, "ok").after(5ms));
  TempDir dir;
  const auto path = dir.path() / "arguments_locustfile.py";
  std::ofstream(path) << kArgumentsLocustfile;
  const FleetRun r = run_fleet(server, path, false, {"--target-path", "/py/custom", "--tries", "2"});
  EXPECT_EQ(r.master_code, 0) << r.master_err;
  const auto* custom = find_row(r.rows, "GET", "/py/custom");
  ASSERT_TRUE(custom) << r.master_err;
  EXPECT_GT(std::stoull((*custom)[2]), 20u) << r.master_err;
  EXPECT_EQ(std::stoull((*custom)[2]), server.request_count()) << r.master_err;
  EXPECT_EQ(find_row(r.rows, "GET", "/nowhere"), nullptr) << r.master_err;
}

// A shape's tick() naming user classes (Locust 2.12's third item) over a fleet: the master deals the
// target's users of those classes alone to its workers, which stop the others' users.
TEST(LocustfileFleet, AShapesNamedUserClassesAreTheOnlyOnesTheWorkersRun) {
  ScriptedServer server;
  // When the target saw A's last request and B's first: the workers' own truth, not the master's plan.
  struct Seen {
    std::mutex mutex;
    std::optional<std::chrono::steady_clock::time_point> last_a, first_b;
  };
  auto seen = std::make_shared<Seen>();
  server.set_handler([seen](const RecordedRequest& r) {
    std::lock_guard lock(seen->mutex);
    const auto now = std::chrono::steady_clock::now();
    if (r.target == "/py/a") seen->last_a = now;
    if (r.target == "/py/b" && !seen->first_b) seen->first_b = now;
    return ScriptedReply::respond(200, "ok");
  });
  TempDir dir;
  const auto path = dir.path() / "shape_classes.py";
  std::ofstream(path) << "from locust import HttpUser, LoadTestShape, constant, task\n"
                         "class A(HttpUser):\n"
                         "    wait_time = constant(0.05)\n"
                         "    @task\n"
                         "    def a(self):\n"
                         "        self.client.get('/py/a')\n"
                         "class B(HttpUser):\n"
                         "    wait_time = constant(0.05)\n"
                         "    @task\n"
                         "    def b(self):\n"
                         "        self.client.get('/py/b')\n"
                         "class Shape(LoadTestShape):\n"
                         "    def tick(self):\n"
                         "        t = self.get_run_time()\n"
                         "        if t < 1.5:\n"
                         "            return (2, 100, [A])\n"
                         "        return None if t > 4 else (3, 100, [B])\n";
  const FleetRun r = run_fleet(server, path, false, {}, {}, "20s");  // the shape ends it, at 4 s
  EXPECT_EQ(r.master_code, 0) << r.master_err;
  const auto first = r.master_err.find(R"(All users spawned: {"A": 2, "B": 0})");
  const auto second = r.master_err.find(R"(All users spawned: {"A": 0, "B": 3})");
  ASSERT_NE(first, std::string::npos) << r.master_err;
  ASSERT_NE(second, std::string::npos) << r.master_err;
  EXPECT_LT(first, second);
  EXPECT_NE(r.master_err.find("Sharing 3 users over 2 workers: 2, 1"), std::string::npos) << r.master_err;
  const auto* a = find_row(r.rows, "GET", "/py/a");
  const auto* b = find_row(r.rows, "GET", "/py/b");
  ASSERT_TRUE(a && b) << r.master_err;
  EXPECT_GT(std::stoull((*a)[2]), 0u);
  EXPECT_GT(std::stoull((*b)[2]), 0u);
  // A's users stopped when B was named (a request in flight then may still land); a worker that kept them
  // would send A's requests to the end, 2.5 s later.
  std::lock_guard lock(seen->mutex);
  ASSERT_TRUE(seen->last_a && seen->first_b);
  EXPECT_LT(*seen->last_a, *seen->first_b + 1s);
}
