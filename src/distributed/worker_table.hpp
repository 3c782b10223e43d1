#pragma once
// WorkerTable: what the master knows about its workers (join order, last message, reported users, the
// last stats sequence merged). Pure bookkeeping with the time passed in, so it is unit tested without
// sockets; MasterRunner owns one and is its only (single-threaded) user.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "distributed/protocol.hpp"

namespace cicada::distributed {

struct WorkerInfo {
  std::string id;           // the worker's ZeroMQ routing id
  Hello hello;              // what it said when it joined
  std::uint32_t index = 0;  // join number (0, 1, 2...): seeds differ per worker
  MonoTime last_seen{};     // last message of any type
  std::string state = "ready";
  int user_count = 0;              // users it last reported running
  int assigned_users = 0;          // its share of the current test
  std::uint64_t test_id = 0;       // the test it was started for (0: none)
  std::uint64_t last_seq = 0;      // highest stats seq merged for test_id
  bool stopped = false;            // sent Stopped for test_id
  double cpu_percent = 0;          // its last heartbeat's CPU use, % of one core
  std::uint64_t memory_bytes = 0;  // its last heartbeat's resident memory
  bool cpu_warned = false;         // the master warned once that it is CPU-bound
  MonoTime missing_since{};        // when it was declared missing (in WorkerTable::missing() only)
  std::uint64_t lost_in_test = 0;  // the test it was lost during (0: lost between tests)
};

class WorkerTable {
 public:
  // Adds a worker; false if it is already known (a repeated Hello only refreshes last_seen). A missing
  // worker's hello is a new join (it restarted: its old test is gone with its process).
  bool join(const std::string& id, const Hello& hello, MonoTime now);
  WorkerInfo* find(const std::string& id);  // a live worker
  void remove(const std::string& id);       // live or missing

  // Moves the workers silent for longer than `timeout` to missing() and returns them (their users must
  // go to the others). `test_id`: the test they are lost during (0: none).
  std::vector<WorkerInfo> expire(MonoTime now, std::chrono::milliseconds timeout, std::uint64_t test_id);
  // A missing worker that spoke again (it was paused, or its network was cut): back among the live
  // workers, last in join order, with what the master knew of it (its test and the last stats seq
  // merged, so its stats are merged exactly once). nullptr when `id` is not missing.
  WorkerInfo* readmit(const std::string& id, MonoTime now);
  // Workers declared missing that have not come back, in the order they went missing.
  const std::vector<WorkerInfo>& missing() const { return missing_; }
  // The master itself was not running for `pause` until `now` (stopped, or starved of CPU): that much of
  // each worker's silence was the master's own and is not counted; the rest still is (a worker dead
  // before the pause is still found, a review: forgiving all of it kept a dead worker forever when the
  // master paused often).
  void forgive_silence(MonoTime now, MonoClock::duration pause) {
    for (auto& w : workers_) w.last_seen = std::min(now, w.last_seen + pause);
  }

  // Whether a stats message should be merged: it belongs to the worker's current test and its seq
  // is new (a duplicate or an older message is dropped). Records the seq when accepted.
  bool accept_stats(const std::string& id, std::uint64_t test_id, std::uint64_t seq);

  std::vector<WorkerInfo>& workers() { return workers_; }  // join order
  const std::vector<WorkerInfo>& workers() const { return workers_; }
  std::size_t size() const { return workers_.size(); }
  int reported_users() const;
  std::size_t missing_count() const { return missing_.size(); }  // workers missing now

 private:
  std::vector<WorkerInfo> workers_;
  std::vector<WorkerInfo> missing_;
  std::uint32_t next_index_ = 0;
};

}  // namespace cicada::distributed
