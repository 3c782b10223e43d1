// MasterSession (the master behind the web UI) in this process on a real ZeroMQ ROUTER socket, with one
// scripted worker on a real DEALER socket: the worker's heartbeat CPU and memory reach the UI's worker
// list between tests (and its 95% CPU is warned about once), each test made by the session starts the worker
// with a new test id, and a start with no worker connected is refused. Bounded by deadlines everywhere.
#include "distributed/master_session.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/clock.hpp"
#include "distributed/master_runner.hpp"
#include "distributed/transport.hpp"
#include "fleet.hpp"
#include "support/eventually.hpp"

using namespace std::chrono_literals;
using namespace cicada::distributed;

namespace {

constexpr double kCpu = 95.5;
constexpr std::uint64_t kMemory = 42 << 20;

// Says hello, then heartbeats with fixed CPU and memory; confirms every Stop; records each Start.
struct ScriptedWorker {
  int port = 0;
  std::atomic<int> starts{0};
  std::atomic<std::uint64_t> last_test{0};
  std::atomic<int> last_users{-1};
  std::atomic<bool> done{false};
  std::thread thread;
  ~ScriptedWorker() {  // also when an assertion ends the test early
    done = true;
    if (thread.joinable()) thread.join();
  }

  void run() {
    WorkerSocket socket("scripted-session");
    ASSERT_TRUE(socket.connect("127.0.0.1", port));
    socket.send({socket.id(), Hello{"test", 1, 1}});
    const auto deadline = cicada::mono_now() + 30s;
    while (!done.load() && cicada::mono_now() < deadline) {
      socket.send({socket.id(), Heartbeat{"running", std::max(0, last_users.load()), kCpu, kMemory}});
      auto m = socket.receive(100ms);
      if (!m) continue;
      if (auto* start = std::get_if<Start>(&m->body)) {
        last_test = start->test_id;
        last_users = start->users;
        ++starts;
      } else if (auto* stop = std::get_if<Stop>(&m->body)) {
        last_users = 0;
        socket.send({socket.id(), Stopped{stop->test_id, 0}});
      } else if (std::holds_alternative<Quit>(m->body)) {
        return;
      }
    }
  }
};

TEST(MasterSession, ListsWorkersWithCpuAndMemoryAndRunsTestsOneAfterAnother) {
  cicada::runner::RunOptions ro;
  ro.host = "http://127.0.0.1:1";  // never contacted: the worker is scripted
  ro.users = 3;
  ro.run_time = 2s;  // the first second closes at most 1.25 s in (the next boundary + 250 ms)
  MasterOptions mo;
  mo.bind_host = "127.0.0.1";
  mo.bind_port = 0;
  MasterRunner master({"yaml", "unused.yaml", "", ""}, ro, mo);
  ASSERT_TRUE(master.bind());
  MasterSession session(master);
  ::testing::internal::CaptureStderr();  // the master's log: its CPU warning
  session.start();

  const auto scenario = cicada::testing::scripted_workers_scenario();
  auto refused = session.make(scenario, ro);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("no worker"), std::string::npos) << refused.error().message;

  ScriptedWorker worker;
  worker.port = master.port();
  worker.thread = std::thread([&] { worker.run(); });
  ASSERT_TRUE(cicada::testing::eventually([&] {
    const auto list = session.workers();
    return list && list->size() == 1 && (*list)[0].cpu_percent == kCpu;
  }));
  EXPECT_EQ((*session.workers())[0].id, "scripted-session");
  EXPECT_EQ((*session.workers())[0].memory_bytes, kMemory);

  std::uint64_t previous_test = 0;
  for (int users : {3, 5}) {
    ro.users = users;
    auto run = session.make(scenario, ro);
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ((*run)->state(),
              cicada::runner::RunState::kReady);  // not begun: the last test's state is not its
    int seconds = 0;
    (*run)->run([&](const cicada::stats::Snapshot&) { ++seconds; });
    EXPECT_EQ((*run)->state(), cicada::runner::RunState::kStopped);
    EXPECT_GE(seconds, 1);
    EXPECT_EQ(worker.last_users.load(), 0);  // stopped
    EXPECT_NE(worker.last_test.load(), previous_test);
    previous_test = worker.last_test.load();
  }
  EXPECT_EQ(worker.starts.load(), 2);

  session.stop();
  master.quit_workers();
  // A worker above 90% CPU is warned about once, however many heartbeats say so.
  const std::string log = ::testing::internal::GetCapturedStderr();
  const std::string warning = "scripted-session exceeded the CPU threshold";
  const auto first = log.find(warning);
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find(warning, first + warning.size()), std::string::npos) << log;
}

}  // namespace
