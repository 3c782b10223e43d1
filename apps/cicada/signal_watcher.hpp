#pragma once
// SignalWatcher: turns SIGINT/SIGTERM into a call of `stop` on a thread of its own (a signal handler may
// only touch lock-free atomics). Installs the handlers on construction; the thread ends with the object.
#include <atomic>
#include <functional>
#include <thread>

namespace cicada::app {

class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void()> stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace cicada::app
