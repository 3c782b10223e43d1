#pragma once
// The fixture of the run-history e2e tests: one model server for the suite, a temp folder per test with
// a scenario in it, and cicada started there as a user runs it.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "model_server.hpp"
#include "support/child_process.hpp"

namespace cicada::testing::history {

using namespace std::chrono_literals;

inline ModelServer* g_server = nullptr;

constexpr const char* kScenario = R"(host: http://127.0.0.1:9
thresholds:
  - "GET /health: fail_ratio < 1%"
user_types:
  HealthUser:
    wait_time: between(0.005, 0.01)
    tasks:
      health:
        - get: /health
)";

class HistoryE2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { g_server = new ModelServer(); }
  static void TearDownTestSuite() {
    delete g_server;
    g_server = nullptr;
  }
  void SetUp() override { std::ofstream(dir_.path() / "health.yaml") << kScenario; }

  std::unique_ptr<ChildProcess> start(std::vector<std::string> args) {
    return ::cicada::testing::start_cicada(std::move(args), dir_.path());
  }
  std::unique_ptr<ChildProcess> load_test(std::vector<std::string> extra,
                                          const std::string& run_time = "2s") {
    std::vector<std::string> args = {"-f",         "health.yaml", "--host", g_server->url(),
                                     "--headless", "-u",          "2",      "-r",
                                     "10",         "-t",          run_time, "--only-summary"};
    args.insert(args.end(), extra.begin(), extra.end());
    return start(args);
  }
  // Runs a subcommand to completion; returns (exit code, stdout).
  std::pair<int, std::string> sub(std::vector<std::string> args) {
    auto p = start(std::move(args));
    auto code = p->wait(30s);
    return {code.value_or(-1), p->out() + p->err()};
  }

  // Starts a 60 s run and kills it (kill -9) once `show` (`history show latest`, run as the caller reads
  // the history) lists two per-second rows and says the run is incomplete: read from the file as the run
  // writes it, not guessed from a sleep (a loaded machine writes them later). `before` runs once the run
  // has started. The caller checks HasFatalFailure().
  template <class Show>
  void kill_a_run_once_it_kept_seconds(Show show, const std::function<void()>& before = {}) {
    auto run = load_test({}, "60s");
    ASSERT_TRUE(run->wait_for_output("Run id ", 20s)) << run->err();
    if (before) before();
    auto kept = [](const std::string& text) {
      const auto at = text.find("Seconds    ");
      return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + 11);
    };
    std::string during = show();
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (kept(during) < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(200ms);
      during = show();
    }
    ASSERT_GE(kept(during), 2) << during;
    ASSERT_NE(during.find("incomplete"), std::string::npos) << during;
    run->signal(SIGKILL);
    run->wait(10s);
  }

  TempDir dir_;
};

// The id (first word) of the first `history list` line that mentions `word`.
inline std::string id_of_line_with(const std::string& list, const std::string& word) {
  const auto at = list.find(word);
  if (at == std::string::npos) return "";
  const auto line_start = list.rfind('\n', at) + 1;
  return list.substr(line_start, list.find(' ', line_start) - line_start);
}

}  // namespace cicada::testing::history
