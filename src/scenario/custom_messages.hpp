#pragma once
// CustomMessages: the mailbox of a locustfile's custom messages between a master and its workers
// (Locust's environment.runner.send_message / register_message). The distributed layer's socket thread
// delivers what arrived from the other side and takes what scenario code sent; the scenario's own thread
// (cicada's locust package) waits for arrivals and runs their listeners. Thread-safe; a message is a few
// per test, not a hot path, so one mutex guards both directions.
//
// A worker loads its locustfile again for each test, so what the master sends for a test must reach the
// listeners of that test's load, not the previous one's: the worker holds arrivals while it runs no test
// and its next test_start takes them first, then lets them through (hold/release).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cicada::scenario {

struct CustomMessage {
  std::string type;
  std::string data;  // the message's data as JSON text (null when none)
  // Arrived: who sent it (a worker's id, or "master"). To send: the worker it is for ("": every worker,
  // or, from a worker, the master).
  std::string node;
};

class CustomMessages {
 public:
  // Either direction holds at most this many messages; beyond it a new one is dropped (counted, logged
  // once): a peer that floods, or listeners that never keep up, cannot grow memory.
  static constexpr std::size_t kMaxQueued = 10'000;

  // --- the other side's messages, in arrival order ---
  // From the socket thread. False when it was dropped (the queue is full).
  bool deliver(CustomMessage message);
  // True once an arrival can be taken while not held; false after `timeout` or close().
  bool wait_deliverable(std::chrono::milliseconds timeout);
  // The oldest arrival; none when empty, or when held and not `even_held` (a test_start taking what came
  // for its test takes held ones too).
  std::optional<CustomMessage> take_arrival(bool even_held = false);
  void hold();
  void release();

  // --- this side's messages, in the order sent ---
  // From scenario code. False when it was dropped (the queue is full).
  bool send(CustomMessage message);
  std::vector<CustomMessage> take_sent();
  bool has_sent() const;

  // Wakes every waiter for good (the process is ending).
  void close();
  // Messages dropped because a queue was full, both directions.
  std::size_t dropped() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<CustomMessage> arrived_;
  std::deque<CustomMessage> sent_;
  bool held_ = false;
  bool closed_ = false;
  std::size_t dropped_ = 0;
};

}  // namespace cicada::scenario
