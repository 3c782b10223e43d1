#pragma once
// eventually(pred): polls a condition another thread makes true (a server's completion handler, a
// worker's message) until it holds or a hang guard expires. The guard is only for a broken build: a
// loaded machine makes the wait longer, never the answer different.
#include <chrono>
#include <thread>

namespace cicada::testing {

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds guard = std::chrono::seconds(10),
                std::chrono::milliseconds poll = std::chrono::milliseconds(1)) {
  const auto end = std::chrono::steady_clock::now() + guard;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= end) return pred();
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace cicada::testing
