#include "local_workers.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "base/log.hpp"
#include "cli_options.hpp"

extern char** environ;

namespace cicada::app {
namespace {

// How long the workers get to exit by themselves once the master is done (they quit on its word).
constexpr auto kWorkersExit = std::chrono::seconds(10);
// A worker whose master died without a word stops after this long (not the default minute).
constexpr const char* kWorkerMasterTimeout = "10";

}  // namespace

void become_local_master(CliOptions& o) {
  auto& d = o.distributed;
  if (d.processes == 0 || d.worker || d.master) return;
  if (d.processes < 0) d.processes = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  d.master = true;
  d.master_bind_host = "127.0.0.1";
  d.master_bind_port = 0;
  d.expect_workers = d.processes;
  if (d.expect_workers_max_wait_s <= 0) d.expect_workers_max_wait_s = 30;  // they start in well under that
  log::info("--processes {}: a master and {} local worker processes", d.processes, d.processes);
}

Result<void> LocalWorkers::start(int count, int master_port, const std::string& loglevel) {
  std::error_code ec;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return make_error("--processes: cannot find this program (/proc/self/exe): " + ec.message());
  const std::string port = std::to_string(master_port);
  for (int i = 0; i < count; ++i) {
    std::vector<std::string> words{self,
                                   "--worker",
                                   "--master-host",
                                   "127.0.0.1",
                                   "--master-port",
                                   port,
                                   "--master-timeout",
                                   kWorkerMasterTimeout,
                                   "--loglevel",
                                   loglevel,
                                   "--threads",
                                   "1"};
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (const int err = ::posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ); err != 0)
      return make_error("--processes: cannot start a worker: " + std::string(std::strerror(err)));
    pids_.push_back(pid);
  }
  return {};
}

LocalWorkers::~LocalWorkers() {
  const auto deadline = std::chrono::steady_clock::now() + kWorkersExit;
  for (pid_t pid : pids_) {
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        log::warning("Local worker {} did not exit; killing it", pid);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

}  // namespace cicada::app
