#include "signal_watcher.hpp"

#include <chrono>
#include <csignal>

#include "base/log.hpp"

namespace cicada::app {
namespace {

std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig); }

}  // namespace

SignalWatcher::SignalWatcher(std::function<void()> stop) {
  g_signal.store(0);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  thread_ = std::thread([this, stop = std::move(stop)] {
    while (!done_.load()) {
      if (int sig = g_signal.load()) {
        log::info("Got {}, stopping: what was measured so far will be reported",
                  sig == SIGINT ? "SIGINT" : "SIGTERM");
        stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_.store(true);
  thread_.join();
}

}  // namespace cicada::app
