#include "distributed_run.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "base/log.hpp"
#include "distributed/master_runner.hpp"
#include "distributed/worker_node.hpp"

namespace cicada::app {
namespace {

using namespace std::chrono_literals;

std::atomic<int> g_dist_signal{0};
extern "C" void on_dist_signal(int sig) { g_dist_signal.store(sig); }

// Turns SIGINT/SIGTERM into a call of `stop` on a watcher thread (a handler may only touch atomics).
class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void()> stop) {
    std::signal(SIGINT, on_dist_signal);
    std::signal(SIGTERM, on_dist_signal);
    thread_ = std::thread([this, stop = std::move(stop)] {
      while (!done_.load()) {
        if (int sig = g_dist_signal.load()) {
          log::info("Got {}, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
          stop();
          return;
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  }
  ~SignalWatcher() {
    done_.store(true);
    thread_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

Result<distributed::ScenarioPayload> read_scenario(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return make_error(file + ": cannot read the scenario to send to the workers");
  const auto ext = std::filesystem::path(file).extension().string();
  return distributed::ScenarioPayload{ext == ".cpp" || ext == ".cc" || ext == ".cxx" ? "cpp" : "yaml", file,
                                      text.str()};
}

}  // namespace

int run_worker(const CliOptions& o) {
  distributed::WorkerOptions wo;
  wo.master_host = o.distributed.master_host;
  wo.master_port = o.distributed.master_port;
  wo.threads = static_cast<std::size_t>(o.threads);
  wo.master_timeout = millis(o.distributed.master_timeout_s);
  distributed::WorkerNode node(wo);
  SignalWatcher watcher([&] { node.request_exit(); });
  return node.run();
}

std::optional<int> master_usage_error(const CliOptions& o) {
  if (!o.distributed.master || o.headless) return std::nullopt;
  std::cerr << "cicada: --master runs headless for now: add --headless (the web UI runs on one process)\n";
  return 2;
}

int run_master(const CliOptions& o, runner::LocalRunner& stand_in,
               std::vector<std::unique_ptr<RunObserver>>& observers) {
  auto payload = read_scenario(o.scenario_file);
  if (!payload) {
    std::cerr << "cicada: " << payload.error().message << "\n";
    return 2;
  }
  distributed::MasterOptions mo;
  mo.bind_host = o.distributed.master_bind_host;
  mo.bind_port = o.distributed.master_bind_port;
  mo.expect_workers = o.distributed.expect_workers;
  if (o.distributed.expect_workers_max_wait_s > 0)
    mo.expect_workers_max_wait = millis(o.distributed.expect_workers_max_wait_s);
  mo.worker_timeout = millis(o.distributed.worker_timeout_s);
  runner::RunOptions ro = stand_in.options();
  ro.seed = stand_in.seed();  // the seed the observers report is the one the workers derive theirs from
  distributed::MasterRunner master(std::move(*payload), ro, mo);
  if (auto r = master.bind(); !r) {
    std::cerr << "cicada: " << r.error().message << "\n";
    return 1;
  }
  SignalWatcher watcher([&] { master.stop(); });
  if (auto r = master.wait_for_workers(); !r) {
    log::error("{}", r.error().message);
    master.quit_workers();
    return 1;
  }
  for (auto& obs : observers) obs->on_start(stand_in);
  master.run([&](const stats::Snapshot& snap) {
    for (auto& obs : observers) obs->on_second(snap);
    if (stand_in.stop_requested()) master.stop();  // an observer (thresholds) asked to stop
  });
  master.quit_workers();
  const auto snap = master.snapshot();
  int code = 0;
  for (auto& obs : observers) {
    const int c = obs->on_finish(*snap);
    if (code == 0) code = c;
  }
  for (auto& obs : observers) obs->on_exit(code);
  log::info("Shutting down (exit code {}), {} workers were lost during the run", code,
            master.missing_workers());
  return code;
}

}  // namespace cicada::app
