#pragma once
// SignalWatcher: turns SIGINT/SIGTERM into a call of `stop` on a thread of its own (a signal handler may
// only touch lock-free atomics). Installs the handlers on construction; the thread ends with the object.
//
// A second signal calls `stop_now` (when given): the user pressed Ctrl-C again because --stop-timeout is
// long, so the run stops waiting for tasks to finish and writes what it measured at once.
#include <atomic>
#include <functional>
#include <thread>

namespace cicada::app {

class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void()> stop, std::function<void()> stop_now = {});
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace cicada::app
