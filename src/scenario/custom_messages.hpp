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
  // Either direction holds at most this many messages and bytes; beyond them a new one is dropped
  // (counted, logged once per direction): a peer that floods, or listeners that never keep up, cannot
  // grow memory.
  static constexpr std::size_t kMaxQueued = 10'000;
  static constexpr std::size_t kMaxQueuedBytes = 64u << 20;

  // --- the other side's messages, in arrival order ---
  // From the socket thread. False when it was dropped (the queue is full).
  bool deliver(CustomMessage message);
  // True once an arrival can be taken while not held; false after `timeout`.
  bool wait_deliverable(std::chrono::milliseconds timeout);
  // The oldest arrival; none when empty, or when held and not `even_held` (a test_start taking what came
  // for its test takes held ones too).
  std::optional<CustomMessage> take_arrival(bool even_held = false);
  void hold();
  void release();

  // --- this side's messages, in the order sent ---
  // From scenario code. False when it was dropped (the queue is full).
  bool send(CustomMessage message);
  std::vector<CustomMessage> take_sent();  // empty (one lock, no allocation) when nothing was sent

  // Messages dropped because a queue was full, both directions.
  std::size_t dropped() const;

 private:
  struct Queue {
    std::deque<CustomMessage> messages;
    std::size_t bytes = 0;
    std::size_t dropped = 0;
    bool push(CustomMessage&& message, const char* which);
    std::optional<CustomMessage> pop();
  };

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  Queue arrived_;
  Queue sent_;
  bool held_ = false;
};

}  // namespace cicada::scenario
