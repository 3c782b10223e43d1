#pragma once
// Helpers for the process tests: a master and its workers as real `cicada` processes on loopback; and
// for the in-process ones, a scenario for scripted workers.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cicada/user.hpp"
#include "support/child_process.hpp"

namespace cicada::testing {

// A scenario of one user type that GETs /x with `wait` of think time, written into `dir`.
inline std::filesystem::path write_get_scenario(const std::filesystem::path& dir, const std::string& wait) {
  const auto path = dir / "fleet.yaml";
  std::ofstream(path) << "user_types:\n  Getter:\n    wait_time: " << wait
                      << "\n    tasks:\n      get_x:\n        requests:\n          - get: /x\n";
  return path;
}

inline std::vector<std::string> master_argv(const std::filesystem::path& scenario, const std::string& host,
                                            int port, int workers, std::vector<std::string> extra) {
  std::vector<std::string> argv = {binary("apps/cicada/cicada").string(),
                                   "-f",
                                   scenario.string(),
                                   "--master",
                                   "--headless",
                                   "--master-bind-host",
                                   "127.0.0.1",
                                   "--master-bind-port",
                                   std::to_string(port),
                                   "--expect-workers",
                                   std::to_string(workers),
                                   "--expect-workers-max-wait",
                                   "20",
                                   "--host",
                                   host};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// Each worker exits with code 0 (the master told it to quit) within `timeout`.
inline void expect_workers_quit(std::vector<std::unique_ptr<ChildProcess>>& workers,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  for (auto& w : workers) EXPECT_EQ(w->wait(timeout), std::optional<int>(0)) << w->err();
}

inline std::vector<std::string> worker_argv(int port, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {binary("apps/cicada/cicada").string(),
                                   "--worker",
                                   "--master-host",
                                   "127.0.0.1",
                                   "--master-port",
                                   std::to_string(port),
                                   "--threads",
                                   "1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// One user type with one task, for a master whose workers are scripted sockets (the task never runs).
inline Scenario scripted_workers_scenario() {
  Scenario s;
  s.user_types.resize(1);
  s.user_types[0].name = "U";
  s.user_types[0].tasks.push_back(TaskSpec{"t", 1, {}, {}});
  return s;
}

}  // namespace cicada::testing
