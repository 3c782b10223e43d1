// --processes N: a locustfile on N local worker processes under a local master (one interpreter lock per
// process, as Locust meets it), against the real model server; every request lands in the master's CSV.
#include <regex>
#include <set>

#include "locustfile_fixture.hpp"
#include "support/scripted_server.hpp"
#include "support/text_count.hpp"

using cicada::testing::count_occurrences;
using cicada::testing::find_row;
using cicada::testing::LocustfileTest;

constexpr const char* kHealth =
    "from locust import FastHttpUser, task, constant, events\n"
    "@events.test_start.add_listener\n"
    "def started(environment, **kwargs):\n"
    "    print(f'test_start fired on {type(environment.runner).__name__}', flush=True)\n"
    "    if type(environment.runner).__name__ == 'WorkerRunner':\n"
    "        print(f'worker index {environment.runner.worker_index}', flush=True)\n"
    "@events.test_stop.add_listener\n"
    "def stopped(environment, **kwargs):\n"
    "    print(f'test_stop fired on {type(environment.runner).__name__}', flush=True)\n"
    "runner = []\n"
    "@events.init.add_listener\n"
    "def init(environment, **kwargs):\n"
    "    runner.append(type(environment.runner).__name__)\n"
    "@events.spawning_complete.add_listener\n"
    "def spawned(user_count, **kwargs):\n"
    "    print(f'spawning_complete fired on {runner[-1]} with {user_count}', flush=True)\n"
    "@events.test_stopping.add_listener\n"
    "def stopping(environment, **kwargs):\n"
    "    print(f'test_stopping fired on {type(environment.runner).__name__}', flush=True)\n"
    "class Health(FastHttpUser):\n"
    "    wait_time = constant(0.05)\n"
    "    @task\n"
    "    def health(self):\n"
    "        self.client.get('/health')\n";

TEST_F(LocustfileTest, ProcessesRunsTheLocustfileOnLocalWorkerProcesses) {
  const int code = run(write("health.py", kHealth), {}, 4, 3, {"--processes", "2"});
  EXPECT_EQ(code, 0) << log();
  const std::string text = log();
  EXPECT_NE(text.find("Sharing 4 users over 2 workers: 2, 2"), std::string::npos) << text;
  // On the master once each, and on each worker once each (the workers' output is the master's), as Locust.
  for (const std::string event : {"test_start fired on ", "test_stopping fired on ", "test_stop fired on "}) {
    EXPECT_EQ(count_occurrences(text, event + "MasterRunner"), 1u) << text;
    EXPECT_EQ(count_occurrences(text, event + "WorkerRunner"), 2u) << text;
  }
  // Each worker knows the master's number for it (environment.runner.worker_index), as Locust's workers.
  EXPECT_EQ(count_occurrences(text, "worker index 0"), 1u) << text;
  EXPECT_EQ(count_occurrences(text, "worker index 1"), 1u) << text;
  // spawning_complete: on the master once the workers reported all 4 users, on each worker for its 2.
  EXPECT_EQ(count_occurrences(text, "spawning_complete fired on MasterRunner with 4"), 1u) << text;
  EXPECT_EQ(count_occurrences(text, "spawning_complete fired on WorkerRunner with 2"), 2u) << text;
  // Two worker processes, neither of them this run's master.
  std::set<std::string> pids;
  const std::regex connected("connected \\([^ ]+ pid ([0-9]+), 1 threads\\)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), connected); it != std::sregex_iterator();
       ++it)
    pids.insert((*it)[1].str());
  EXPECT_EQ(pids.size(), 2u) << text;
  EXPECT_EQ(pids.count(std::to_string(last_->pid())), 0u) << text;
  const auto stats = csv("stats");
  const auto* total = find_row(stats, "", "Aggregated");
  ASSERT_TRUE(total) << text;
  EXPECT_GT(std::stoull((*total)[2]), 0u);
  EXPECT_EQ((*total)[3], "0") << text;  // no failures
}

constexpr const char* kWeighted =
    "from locust import HttpUser, task, constant\n"
    "class Reader(HttpUser):\n"
    "    weight = 3\n"
    "    wait_time = constant(0.1)\n"
    "    def on_start(self):\n"
    "        self.client.get('/health', name='Reader started')\n"
    "    @task\n"
    "    def read(self):\n"
    "        self.client.get('/health')\n"
    "class Breaker(HttpUser):\n"
    "    weight = 1\n"
    "    wait_time = constant(0.1)\n"
    "    def on_start(self):\n"
    "        self.client.get('/health', name='Breaker started')\n"
    "    @task\n"
    "    def read(self):\n"
    "        self.client.get('/health')\n";

// Weighted user classes are dealt to the workers as Locust's dispatcher deals them: the fleet's four users
// of weights 3:1 are Reader, Breaker, Reader, Reader (classes by name, smooth round robin), to workers 0,
// 1, 0, 1. Each worker weighing its own two users ran four Readers and no Breaker at all.
TEST_F(LocustfileTest, ProcessesDealWeightedUserClassesAsLocustsDispatcher) {
  EXPECT_EQ(run(write("weighted.py", kWeighted), {}, 4, 3, {"--processes", "2"}), 0) << log();
  const auto stats = csv("stats");
  const auto* readers = find_row(stats, "GET", "Reader started");
  const auto* breakers = find_row(stats, "GET", "Breaker started");
  ASSERT_TRUE(readers) << log();
  ASSERT_TRUE(breakers) << log();
  EXPECT_EQ((*readers)[2], "3") << log();
  EXPECT_EQ((*breakers)[2], "1") << log();
  // The master says so as Locust's does (each worker says its own two users).
  EXPECT_EQ(count_occurrences(log(), "All users spawned: {\"Breaker\": 1, \"Reader\": 3} (4 total users)"),
            1u)
      << log();
}

TEST_F(LocustfileTest, ProcessesIsNotForAMasterOrAWorker) {
  EXPECT_EQ(run(write("health.py", kHealth), {}, 1, 1, {"--processes", "2", "--master"}), 2) << log();
  EXPECT_NE(log().find("excludes"), std::string::npos) << log();
}

// Custom messages between a master and its workers: Locust's examples/custom_messages.py (with checks,
// tests/locustfiles/api/custom_messages.py) on two worker processes. The master's test_start shares the
// user names over runner.clients, each worker gets its part before its users start (the target sees each
// name once, none missing), thanks the master (whose listener gets the worker's id), and hears the master's
// test_stop goodbye before it quits.
TEST_F(LocustfileTest, CustomMessagesGoBetweenTheMasterAndItsWorkersAsInLocustsExample) {
  cicada::testing::ScriptedServer target;
  target.set_fallback(cicada::testing::ScriptedReply::respond(200, "ok"));
  const int code = run_on(target.url(), "api/custom_messages.py", {}, 4, 3, {"--processes", "2"});
  EXPECT_EQ(code, 0) << log();
  const std::string text = log();
  EXPECT_EQ(count_occurrences(text, "master shares 4 users over 2 workers"), 1u) << text;
  EXPECT_NE(text.find("refused: environment.runner.send_message('test_users', ...): cicada carries a "
                      "message's data between processes as JSON"),
            std::string::npos)
      << text;
  for (const std::string index : {"0", "1"}) {
    EXPECT_EQ(count_occurrences(text, "worker " + index + " got 2 users, node_id is own id: True"), 1u)
        << text;
    EXPECT_EQ(count_occurrences(text, "worker " + index + " heard goodbye: {'served': True}"), 1u) << text;
  }
  EXPECT_EQ(count_occurrences(text, "Unknown message type received: nobody_listens"), 2u) << text;
  EXPECT_NE(text.find("custom message 'test_users' for worker no-such-worker dropped: no such worker is "
                      "connected"),
            std::string::npos)
      << text;
  std::set<std::string> thanked_by;
  const std::regex thanks("master heard from ([^:]+): Thanks for the 2 users!");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), thanks); it != std::sregex_iterator(); ++it)
    thanked_by.insert((*it)[1].str());
  EXPECT_EQ(thanked_by.size(), 2u) << text;
  std::set<std::string> names;
  for (const auto& r : target.requests()) names.insert(r.target);
  EXPECT_EQ(names, (std::set<std::string>{"/user/User0", "/user/User1", "/user/User2", "/user/User3"}))
      << text;
}
