#include "signal_watcher.hpp"

#include <chrono>
#include <csignal>

#include "base/log.hpp"

namespace cicada::app {
namespace {

// Signals received since the watcher started, and the last one's number.
std::atomic<int> g_signals{0};
std::atomic<int> g_last_signal{0};
extern "C" void on_signal(int sig) {
  g_last_signal.store(sig);
  g_signals.fetch_add(1);
}

const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

}  // namespace

SignalWatcher::SignalWatcher(std::function<void()> stop, std::function<void()> stop_now) {
  g_signals.store(0);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  thread_ = std::thread([this, stop = std::move(stop), stop_now = std::move(stop_now)] {
    int handled = 0;
    while (!done_.load()) {
      const int seen = g_signals.load();
      if (seen > handled && handled == 0) {
        handled = 1;
        log::info("Got {}, stopping: what was measured so far will be reported{}",
                  signal_name(g_last_signal.load()), stop_now ? " (press Ctrl-C again to stop at once)" : "");
        stop();
        if (!stop_now) return;
      }
      if (seen > handled && handled == 1) {
        handled = 2;
        log::warning("Got {} again: stopping at once, without waiting for running tasks (--stop-timeout)",
                     signal_name(g_last_signal.load()));
        stop_now();
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
