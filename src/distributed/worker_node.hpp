#pragma once
// WorkerNode: `cicada --worker`. Connects to the master, runs the tests it is sent on a LocalRunner
// (users on this machine's cores) and ships each second's stats deltas, numbered, to the master.
//
// The socket thread (the caller of run()) owns the ZeroMQ socket; the LocalRunner runs on a thread of
// its own and hands its deltas over through a small locked queue (once a second: not a hot path).
// If the master is silent for master_timeout the worker stops its users and exits: a worker must never
// keep loading a system after its master is gone.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "distributed/protocol.hpp"
#include "distributed/worker_test.hpp"
#include "scenario/custom_messages.hpp"

namespace cicada::distributed {

struct WorkerOptions {
  std::string master_host = "127.0.0.1";
  int master_port = kDefaultMasterPort;
  std::size_t threads = 0;  // event loops for users; 0: one per usable CPU
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds master_timeout{60'000};
  std::string id;  // empty: hostname_pid_random
  // Loads the scenario kinds this layer does not know itself ("py": a locustfile, src/python); set by the
  // app.
  ScenarioLoader load_other;
  // A locustfile's custom messages (runner.send_message): the master's are delivered here, what this
  // worker's code sends goes to the master. The worker loads its locustfile again for each test, so what
  // arrives while no test runs is held for the next test's load: its test_start takes it before its users
  // start (the master sends a test_start's messages before the start), or its quitting listeners do.
  // None: the master's custom messages are dropped.
  std::shared_ptr<scenario::CustomMessages> messages;
};

// Exit codes of run().
inline constexpr int kWorkerQuit = 0;        // the master said quit, or request_exit()
inline constexpr int kWorkerMasterLost = 3;  // the master was silent for master_timeout

class WorkerNode {
 public:
  explicit WorkerNode(WorkerOptions options);
  ~WorkerNode();
  int run();
  // Any thread (a signal watcher): stop the users, say goodbye, return from run().
  void request_exit() { exit_requested_.store(true); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> exit_requested_{false};
};

}  // namespace cicada::distributed
