// A worker that does not know an option the test sets (an older cicada: it would run without it, e.g.
// paced arrivals under a master reporting Poisson) is refused, over real ZeroMQ sockets: the web UI's
// session refuses to make the test, a headless master exits 1 naming the worker and the option, and one
// joining mid-test is dropped as a worker that cannot run it. The older worker is a DEALER socket in this
// process saying hello as such a worker does; everything else is the real master. Bounded by deadlines.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "base/clock.hpp"
#include "distributed/master_runner.hpp"
#include "distributed/master_session.hpp"
#include "distributed/transport.hpp"
#include "distributed/worker_option_support.hpp"
#include "fleet.hpp"
#include "runner/stages.hpp"
#include "support/eventually.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using namespace cicada::distributed;
using cicada::runner::RunOptions;

namespace {

// The options a worker of the release before poisson_arrivals knew, as it would list them.
std::vector<std::string> names_before_poisson() {
  auto names = known_run_options();
  std::erase(names, "poisson_arrivals");
  return names;
}

// Says `hello`, then heartbeats until done or the master says quit; confirms every stop, counts starts.
struct HelloWorker {
  HelloWorker(std::string worker_id, Hello says) : id(std::move(worker_id)), hello(std::move(says)) {}
  ~HelloWorker() {  // also when an assertion ends the test early
    done = true;
    if (thread.joinable()) thread.join();
  }
  void start(int port) {
    thread = std::thread([this, port] {
      WorkerSocket socket(id);
      if (!socket.connect("127.0.0.1", port)) return;
      socket.send({id, hello});
      const auto deadline = cicada::mono_now() + 30s;
      while (!done.load() && cicada::mono_now() < deadline) {
        socket.send({id, Heartbeat{"ready", 0}});
        auto m = socket.receive(100ms);
        if (!m) continue;
        if (std::holds_alternative<Start>(m->body)) ++starts;
        if (auto* stop = std::get_if<Stop>(&m->body)) socket.send({id, Stopped{stop->test_id, 0}});
        if (std::holds_alternative<Quit>(m->body)) {
          quit = true;
          return;
        }
      }
    });
  }

  std::string id;
  Hello hello;
  std::atomic<int> starts{0};
  std::atomic<bool> quit{false};
  std::atomic<bool> done{false};
  std::thread thread;
};

MasterOptions loopback_master() {
  MasterOptions mo;
  mo.bind_host = "127.0.0.1";
  mo.bind_port = 0;
  return mo;
}

RunOptions poisson_options(bool poisson) {
  RunOptions ro;
  ro.host = "http://127.0.0.1:1";  // never contacted: the workers are scripted
  ro.poisson_arrivals = poisson;
  return ro;
}

const std::string kRefusal =
    "worker old (box-b) runs an older cicada that does not know the option(s) poisson_arrivals; run the same "
    "cicada version on master and workers";

TEST(OlderWorker, TheWebUiRefusesATestSettingAnOptionTheWorkerDoesNotKnow) {
  MasterRunner master({"yaml", "unused.yaml", "", ""}, poisson_options(false), loopback_master());
  ASSERT_TRUE(master.bind());
  MasterSession session(master);
  session.start();
  HelloWorker old("old", Hello{"box-b", 2, 1, names_before_poisson()});
  old.start(master.port());
  ASSERT_TRUE(cicada::testing::eventually([&] { return master.worker_count() == 1; }));

  auto refused = session.make(cicada::testing::scripted_workers_scenario(), poisson_options(true));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, kRefusal);
  auto made = session.make(cicada::testing::scripted_workers_scenario(),
                           poisson_options(false));  // paced: the worker knows that
  EXPECT_TRUE(made) << made.error().message;
  EXPECT_EQ(old.starts.load(), 0);
  session.stop();
  master.quit_workers();
}

TEST(OlderWorker, AHeadlessMasterExitsOneNamingTheWorkerAndTheOption) {
  cicada::testing::TempDir dir;
  const auto scenario = cicada::testing::write_get_scenario(dir.path(), "constant(0)");
  const int port = cicada::testing::ScriptedServer::closed_port();
  cicada::testing::ChildProcess master(
      cicada::testing::master_argv(scenario, "http://127.0.0.1:9", port, 1,
                                   {"--arrival-rate", "5", "--arrival-distribution", "poisson", "-t", "10s"}),
      dir.path());
  // A worker from before hellos listed their options: it knows poisson_arrivals no more than the one above.
  HelloWorker old("old", Hello{"box-b", 2, 1, std::nullopt});
  old.start(port);
  const auto code = master.wait(30s);
  ASSERT_TRUE(code) << master.err();
  EXPECT_EQ(*code, 1) << master.err();
  EXPECT_NE(master.err().find(kRefusal), std::string::npos) << master.err();
  EXPECT_TRUE(cicada::testing::eventually([&] { return old.quit.load(); }));
  EXPECT_EQ(old.starts.load(), 0);
}

// The refusal is only for options a test sets: what the command line sets by itself (its own defaults,
// keep_entry_history...) and a scenario's arrival_distribution in a run of users (which has no arrivals)
// do not turn an older worker away.
TEST(OlderWorker, AHeadlessMasterStartsItsOrdinaryRunsOnAnOlderWorker) {
  const std::vector<std::vector<std::string>> runs = {{"--arrival-rate", "5", "-t", "2s"},
                                                      {"-u", "1", "-t", "2s"}};
  for (const auto& flags : runs) {
    cicada::testing::TempDir dir;
    const auto scenario = cicada::testing::write_get_scenario(dir.path(), "constant(0)");
    const auto with_key = dir.path() / "poisson.yaml";  // arrival_distribution: for open-model runs only
    std::ofstream(with_key) << "arrival_distribution: poisson\n" << std::ifstream(scenario).rdbuf();
    const int port = cicada::testing::ScriptedServer::closed_port();
    auto argv_flags = flags;
    if (flags[0] == "--arrival-rate")
      argv_flags.insert(argv_flags.end(), {"--arrival-distribution", "constant"});
    cicada::testing::ChildProcess master(
        cicada::testing::master_argv(with_key, "http://127.0.0.1:9", port, 1, argv_flags), dir.path());
    HelloWorker old("old", Hello{"box-b", 2, 1, std::nullopt});
    old.start(port);
    EXPECT_TRUE(cicada::testing::eventually([&] { return old.starts.load() >= 1; }, 20s)) << master.err();
    master.wait(30s);
    EXPECT_EQ(master.err().find("older cicada"), std::string::npos) << master.err();
  }
}

TEST(OlderWorker, OneJoiningMidTestIsDroppedAsAWorkerThatCannotRunIt) {
  RunOptions ro = poisson_options(true);
  ro.shape = cicada::runner::constant_rate_shape(5);  // the open model, where Poisson arrivals apply
  ro.run_time = 3s;
  MasterRunner master({"yaml", "unused.yaml", "", ""}, ro, loopback_master());
  ASSERT_TRUE(master.bind());
  HelloWorker current("current", Hello{"box-a", 1, 1, known_run_options()});
  current.start(master.port());
  ASSERT_TRUE(master.wait_for_workers());
  ASSERT_TRUE(master.check_workers(ro));
  HelloWorker old("old", Hello{"box-b", 2, 1, names_before_poisson()});
  master.run([&](const cicada::stats::Snapshot&) {
    if (!old.thread.joinable()) old.start(master.port());  // after the test's first second
  });
  ASSERT_EQ(master.failed_workers().size(), 1u);
  EXPECT_EQ(master.failed_workers()[0].id, "old");
  EXPECT_EQ(master.failed_workers()[0].message, kRefusal);
  EXPECT_TRUE(old.quit.load());
  EXPECT_EQ(old.starts.load(), 0);
  EXPECT_EQ(current.starts.load(), 1);
  master.quit_workers();
}

}  // namespace
