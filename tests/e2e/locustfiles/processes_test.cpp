// --processes N: a locustfile on N local worker processes under a local master (one interpreter lock per
// process, as Locust meets it), against the real model server; every request lands in the master's CSV.
#include <regex>
#include <set>

#include "locustfile_fixture.hpp"
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

TEST_F(LocustfileTest, ProcessesIsNotForAMasterOrAWorker) {
  EXPECT_EQ(run(write("health.py", kHealth), {}, 1, 1, {"--processes", "2", "--master"}), 2) << log();
  EXPECT_NE(log().find("excludes"), std::string::npos) << log();
}
