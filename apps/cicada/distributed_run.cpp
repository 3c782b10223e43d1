#include "distributed_run.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "base/log.hpp"
#include "distributed/dispatch.hpp"
#include "distributed/master_runner.hpp"
#include "distributed/master_session.hpp"
#include "distributed/worker_node.hpp"
#include "local_workers.hpp"
#include "python/custom_messages_binding.hpp"
#include "runner/load_description.hpp"
#include "runner/tag_filter.hpp"
#include "scenario_source.hpp"
#include "signal_watcher.hpp"
#include "web_command.hpp"

namespace cicada::app {
namespace {

using namespace std::chrono_literals;

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

// parsed_options: a locustfile's, for the workers (scenario::LoadedScenario::parsed_options).
Result<distributed::ScenarioPayload> read_scenario(const std::string& file,
                                                   const std::string& parsed_options = {}) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return make_error(file + ": cannot read the scenario to send to the workers");
  const auto ext = std::filesystem::path(file).extension().string();
  const std::string kind = ext == ".cpp" || ext == ".cc" || ext == ".cxx" ? "cpp"
                           : ext == ".py"                                 ? "py"
                                                                          : "yaml";
  return distributed::ScenarioPayload{kind, file, text.str(), parsed_options};
}

// Runs a locustfile's hook (test_start, test_stop) while a thread of its own keeps the workers
// (heartbeats, hellos, what they and the hook send): a hook that takes longer than the workers'
// --master-timeout must not make them leave. The hook stays on this thread, as Locust runs it on its main
// thread (signal.signal works there); the socket is the pump's until it is joined.
void run_pumping(distributed::MasterRunner& master, const std::function<void()>& hook) {
  if (!hook) return;
  std::atomic<bool> done{false};
  std::thread pump([&] {
    while (!done.load()) master.pump(10ms);
  });
  hook();
  done.store(true);
  pump.join();
}

}  // namespace

int run_worker(const CliOptions& o) {
  distributed::WorkerOptions wo;
  wo.master_host = o.distributed.master_host;
  wo.master_port = o.distributed.master_port;
  wo.threads = o.run.threads;
  wo.master_timeout = millis(o.distributed.master_timeout_s);
  // A locustfile's worker-side flags are this worker's own, as in Locust (its logging, its equal weights).
  wo.load_other = [&o](const distributed::ScenarioPayload& payload, std::uint32_t index) {
    return load_scenario_payload(payload, index, &o);
  };
  wo.messages = python::process_custom_messages();
  distributed::WorkerNode node(wo);
  SignalWatcher watcher([&] { node.request_exit(); });
  return node.run();
}

namespace {

// Headless: a status line of the workers this often (seconds), beside the stats tables.
constexpr int kWorkerLineEvery = 5;

// kind: the scenario's (distributed::ScenarioPayload::kind); a locustfile's gets the process's mailbox for
// its custom messages, others have none (a worker's custom messages are dropped).
distributed::MasterOptions master_options(const DistributedOptions& d, const std::string& kind) {
  distributed::MasterOptions mo;
  mo.bind_host = d.master_bind_host;
  mo.bind_port = d.master_bind_port;
  mo.expect_workers = d.expect_workers;
  if (d.expect_workers_max_wait_s > 0) mo.expect_workers_max_wait = millis(d.expect_workers_max_wait_s);
  mo.worker_timeout = millis(d.worker_timeout_s);
  if (kind == "py") mo.messages = python::process_custom_messages();
  return mo;
}

// One status line of the fleet for the headless log: "id running 5 users 42% CPU 31 MB, ...".
std::string describe_workers(const std::vector<runner::WorkerStatus>& workers) {
  std::string line;
  for (const auto& w : workers) {
    line += fmt::format("{}{} {} {} users {:.0f}% CPU {} MB", line.empty() ? "" : ", ", w.id, w.state,
                        w.user_count, w.cpu_percent, w.memory_bytes / (1024 * 1024));
  }
  return line;
}

// Workers that sent an error instead of running the test: all of them is a failed run (exit 2, say why);
// some of them is a warning, the others ran it.
std::optional<int> judge_failed_workers(const distributed::MasterRunner& master) {
  const auto& failed = master.failed_workers();
  if (failed.empty()) return std::nullopt;
  std::string names;
  for (const auto& f : failed) names += (names.empty() ? "" : ", ") + f.id;
  if (master.worker_count() == 0) {
    log::error("No worker could run the test ({}): {}", names, failed.front().message);
    return 2;
  }
  log::warning("{} of {} workers could not run the test and were dropped ({}): {}", failed.size(),
               failed.size() + master.worker_count(), names, failed.front().message);
  return std::nullopt;
}

// Binds the master's socket, or says why not on stderr; then starts the --processes workers (if any),
// which connect to the port it got.
bool bind_master(distributed::MasterRunner& master, const CliOptions* o = nullptr,
                 LocalWorkers* local = nullptr) {
  if (auto r = master.bind(); !r) {
    std::cerr << "cicada: " << r.error().message << "\n";
    return false;
  }
  if (o && local && o->distributed.processes > 0) {
    if (auto r = local->start(o->distributed.processes, master.port(), o->loglevel); !r) {
      std::cerr << "cicada: " << r.error().message << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int run_master(const CliOptions& o, runner::RunDescription description, ObserverSet& observers,
               const scenario::LoadedScenario& hooks) {
  auto payload = read_scenario(o.scenario_file, hooks.parsed_options);
  if (!payload) {
    std::cerr << "cicada: " << payload.error().message << "\n";
    return 2;
  }
  LocalWorkers local;  // --processes: outlives the master, waits for its workers to exit
  auto mo = master_options(o.distributed, payload->kind);
  distributed::MasterRunner master(std::move(*payload), description.options, std::move(mo));
  if (!bind_master(master, &o, &local)) return 2;  // a port in use or bad workers: usage
  auto& cause = observers.stop_cause();
  SignalWatcher watcher(cause.noting("interrupted", [&] { master.stop(); }),
                        cause.noting("interrupted", [&] { master.stop_now(); }));
  auto ready = master.wait_for_workers();
  // A worker that would ignore an option the test sets (an older cicada) stops the run as missing ones do.
  if (ready) ready = master.check_workers(description.options);
  if (!ready) {
    log::error("{}", ready.error().message);
    master.quit_workers();
    return 1;
  }
  log::info("{}, over {} worker{}", runner::start_line(description.options), master.worker_count(),
            master.worker_count() == 1 ? "" : "s");
  distributed::MasterTestRun run(master, std::move(description));
  if (hooks.bind_run) {
    auto view = run_view(run, cause.noting("quit", [&] { master.stop(); }));
    view.workers = [&master] { return master.worker_statuses(); };
    hooks.bind_run(std::move(view));
  }
  // What test_start sends its workers reaches them before their start; test_stop's, before their quit.
  run_pumping(master, hooks.on_test_start);
  int seconds = 0;
  observe_run(run, observers, [&](const stats::Snapshot&) {
    if (++seconds % kWorkerLineEvery == 0)
      log::info("Workers: {}", describe_workers(master.worker_statuses()));
  });
  run_pumping(master, hooks.on_test_stop);
  if (hooks.bind_run) hooks.bind_run({});
  master.quit_workers();
  if (auto code = judge_failed_workers(master)) return *code;
  const int code = observers.finish(*run.snapshot());
  log::info("Shutting down (exit code {}), {} workers were lost during the run", code,
            master.missing_workers());
  return code;
}

int run_master_web_ui(const CliOptions& o, scenario::LoadedScenario loaded, const runner::RunOptions& ro,
                      const report::RunLoad& load) {
  auto payload = read_scenario(o.scenario_file, loaded.parsed_options);
  if (!payload) {
    std::cerr << "cicada: " << payload.error().message << "\n";
    return 2;
  }
  LocalWorkers local;
  auto mo = master_options(o.distributed, payload->kind);
  distributed::MasterRunner master(std::move(*payload), ro, std::move(mo));
  if (!bind_master(master, &o, &local)) return 2;  // a port in use or bad workers: usage
  if (o.web.autostart) {
    // The UI's own start needs workers; --autostart waits for --expect-workers first, as headless does.
    SignalWatcher watcher([&] { master.stop(); });
    if (auto r = master.wait_for_workers(); !r) {
      log::error("{}", r.error().message);
      master.quit_workers();
      return 1;
    }
  }
  distributed::MasterSession session(master);
  session.start();
  const int code = run_web_ui(o, std::move(loaded), ro, load, &session);
  session.stop();
  master.quit_workers();
  return code;
}

int run_with_fleet(const std::string& scenario_file, const runner::RunOptions& ro,
                   const DistributedOptions& d, const std::function<int(runner::TestRunSource&)>& body) {
  auto payload = read_scenario(scenario_file);
  if (!payload) {
    std::cerr << "cicada: " << payload.error().message << "\n";
    return 2;
  }
  auto mo = master_options(d, payload->kind);
  distributed::MasterRunner master(std::move(*payload), ro, std::move(mo));
  if (!bind_master(master)) return 2;  // a port in use or bad workers: usage
  {
    SignalWatcher watcher([&] { master.stop(); });
    if (auto r = master.wait_for_workers(); !r) {
      log::error("{}", r.error().message);
      master.quit_workers();
      return 1;
    }
  }
  distributed::MasterSession session(master);
  session.start();
  const int code = body(session);
  session.stop();
  master.quit_workers();
  return code;
}

}  // namespace cicada::app
