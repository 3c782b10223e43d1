#pragma once
// ArrivalExecutor: the open model (arrival-rate load) on one event loop, like wrk2 and k6's
// constant-arrival-rate, independent of where it runs: with N loops (and on each worker of a fleet, at its
// share of the rate), executor i of N takes every N-th arrival of the total schedule (rate/N, phase-shifted
// by i/rate), so together they produce exactly the requested rate.
//
// Semantics (docs/metrics.md, "Coordinated omission"):
// - Iteration k is due at a fixed time on the schedule, whether or not earlier iterations finished. The
//   schedule's gaps are the rate's interval (constant, the default) or drawn from an exponential
//   distribution of that mean (Poisson arrivals, --arrival-distribution poisson; next_arrival_gap_s).
// - It starts at once on a free slot if fewer than max_inflight iterations are running; otherwise it
//   waits (FIFO) for a slot and starts late, its latency still counted from the due time.
// - An iteration that waited longer than max_lateness, or still waits when the run stops, is dropped and
//   counted (ThreadStats::record_dropped_iterations), never silently skipped: every due iteration is
//   counted as due and then as started or dropped, so due = started + dropped at the end of a run.
// - The waiting line holds at most kMaxWaiting iterations: one due when it is full is dropped at once
//   (counted likewise), so a rate the loop cannot follow costs counted drops, not unbounded memory.
//
// Steady state allocates nothing: slots are created on demand (up to max_inflight) and reused, the
// waiting line is a ring that only grows, the timer is reused.
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/clock.hpp"
#include "cicada/user.hpp"
#include "runner/iteration_slot.hpp"
#include "runner/polling_load.hpp"
#include "runner/user_mix.hpp"

namespace cicada::runner {

struct Shard;

struct ArrivalConfig {
  std::size_t index = 0;            // this executor's position among all executors of the run
  std::size_t count = 1;            // executors sharing the schedule (loops x workers)
  std::size_t max_inflight = 1000;  // this executor's share of --max-inflight
  std::chrono::microseconds max_lateness{10'000'000};  // wait for a slot at most this long
  std::uint64_t seed = 0;
  std::uint64_t first_user_id = 0;  // slot ids are first_user_id + index + k * count
  bool poisson = false;             // exponential gaps (RunOptions::poisson_arrivals)
};

// The gap before an executor's next arrival, for a mean gap of mean_s seconds. Poisson arrivals are what
// many independent clients make, as perf_analyzer's --request-distribution poisson: exponential gaps,
// so arrivals sometimes come close together and sometimes leave the target idle. Executors each draw
// their own: N independent Poisson streams at rate/N are one Poisson stream at the rate.
double next_arrival_gap_s(double mean_s, bool poisson, Random& rng);

class ArrivalExecutor {
 public:
  ArrivalExecutor(Shard& shard, const Scenario& scenario, const std::vector<TaskPicker>& pickers,
                  ArrivalConfig config);
  ~ArrivalExecutor();

  // Everything below runs on the shard's thread.
  // Starts the schedule at origin (the same instant for every executor) at total_rate iterations/s.
  void start(MonoTime origin, double total_rate);
  // New total rate from now on (a shape's next stage or ramp step; 0 pauses the schedule).
  void set_rate(double total_rate);
  // New cap on iterations running at once (a distributed worker's new share; at least 1). A lower cap
  // lets running iterations finish; a higher one starts waiting iterations at once.
  void set_max_inflight(std::size_t max_inflight);
  // Stops scheduling, drops whatever waits, and lets running iterations finish (then on_stop).
  void request_stop();
  // The same, but running iterations are interrupted where they wait (IterationSlot::kill), then on_stop.
  void kill();

  // Called by a slot when its iteration ended.
  void iteration_done(IterationSlot& slot);

  // Iterations running now (any thread: the runner reports it as the user count).
  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  // Stops scheduling and drops whatever waits (request_stop without touching the slots); once.
  void stop_schedule();
  // Iterations waiting for a slot at most (16 MB of them); arrival_executor.cpp says why.
  static constexpr std::size_t kMaxWaiting = std::size_t{1} << 20;
  struct Waiting {
    MonoTime due;
    std::uint32_t type;
  };
  void arm_timer();
  void on_timer(MonoTime now);
  void dispatch(MonoTime due, std::uint32_t type);
  bool start_on_slot(MonoTime due, std::uint32_t type);
  IterationSlot* free_slot(std::uint32_t type);
  void drop_late(MonoTime now);
  void drop_waiting();  // everything still waiting: dropped
  void push_waiting(Waiting w);
  Waiting pop_waiting();
  std::uint32_t pick_type();

  Shard& shard_;
  const Scenario& scenario_;
  const std::vector<TaskPicker>& pickers_;
  ArrivalConfig config_;
  Random rng_;
  std::vector<double> type_cumulative_;
  boost::asio::steady_timer timer_;

  double interval_s_ = 0;  // between this executor's arrivals; 0: paused
  MonoTime next_due_{};
  MonoTime last_due_{};
  bool started_ = false;
  bool stopping_ = false;
  bool poll_posted_ = false;       // a poll pass is queued on the loop (see arm_timer)
  std::uint64_t work_events_ = 0;  // arrivals dispatched and iterations ended, ever
  PollGapMeter poll_gaps_;         // while polling: its gaps, work or idle (polling_load.hpp)

  std::vector<std::unique_ptr<IterationSlot>> slots_;
  std::vector<std::vector<IterationSlot*>> free_;  // per user type
  std::size_t busy_ = 0;
  std::atomic<int> in_flight_{0};

  std::vector<Waiting> waiting_;  // ring buffer
  std::size_t waiting_head_ = 0;
  std::size_t waiting_size_ = 0;
};

}  // namespace cicada::runner
