#include "runner/arrival_executor.hpp"

#include <sched.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cmath>
#include <utility>

#include "runner/arrival_polling.hpp"
#include "runner/polling_load.hpp"
#include "runner/shard.hpp"

namespace cicada::runner {
namespace {
constexpr auto kIdlePoll = std::chrono::milliseconds(50);  // paused schedule: still drop late waiters
constexpr auto kStopRace = std::chrono::seconds(1);        // see request_stop()
// Below kPollBelow (arrival_polling.hpp) to the next arrival the loop polls instead of sleeping on the
// timer. Each timer wait re-arms timerfd and sleeps in epoll_wait, which reprograms the CPU's deadline timer:
// on a virtual machine a VM exit per arrival. At 42k arrivals/s that was 12% of the generator's CPU (perf,
// do_timerfd_settime) and saturated its core, so responses waited to be read and p99 grew to ms.
// Polling (one epoll_wait(0) per pass, no timer) also sends on time: waking a halted virtual CPU takes
// ~20 us, which the corrected latency would count. It keeps the core busy, so only at rates above
// 1/kPollBelow per loop (20,000/s), where the loop is busy anyway; slower schedules sleep on the timer.

// A gap on the schedule, clamped to [1 ns, one year]: a gap that rounds to 0 ns never moved the schedule
// on (arrival_rate=1e300 from the web form made on_timer loop forever), and one past the clock's range
// (1e-10/s) overflowed it. The inputs are bounded too (runner::arrival_rate_problem); this keeps the loop
// finite whatever reaches it (a capacity search's growing steps).
std::chrono::nanoseconds seconds_to_ns(double s) {
  constexpr double kYear = 365.0 * 24 * 3600;
  const double clamped = std::isfinite(s) ? std::clamp(s, 1e-9, kYear) : kYear;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(clamped));
}
}  // namespace

double next_arrival_gap_s(double mean_s, bool poisson, Random& rng) {
  if (!poisson) return mean_s;
  return -std::log1p(-rng.uniform()) * mean_s;  // uniform() < 1: the log is finite
}

ArrivalExecutor::ArrivalExecutor(Shard& shard, const Scenario& scenario,
                                 const std::vector<TaskPicker>& pickers, ArrivalConfig config)
    : shard_(shard),
      scenario_(scenario),
      pickers_(pickers),
      config_(config),
      rng_(config.seed),
      timer_(shard.ctx) {
  double sum = 0;
  for (const auto& type : scenario.user_types) {
    sum += type.weight > 0 ? type.weight : 0;
    type_cumulative_.push_back(sum);
  }
  config_.max_inflight = std::max<std::size_t>(1, config_.max_inflight);
  free_.resize(scenario.user_types.size());
  for (auto& list : free_) list.reserve(config_.max_inflight);
  slots_.reserve(config_.max_inflight);
  waiting_.resize(1024);
}

// The runner destroys the executor after its loop stopped. If the loop stopped before request_stop() ran
// on it (a zero --stop-timeout stops the loop at once), iterations still wait: they are dropped here, so
// the shard's last delta still says due = started + dropped.
ArrivalExecutor::~ArrivalExecutor() { drop_waiting(); }

std::uint32_t ArrivalExecutor::pick_type() {
  if (type_cumulative_.size() <= 1 || type_cumulative_.back() <= 0) return 0;
  const double x = rng_.uniform() * type_cumulative_.back();
  auto it = std::upper_bound(type_cumulative_.begin(), type_cumulative_.end(), x);
  if (it == type_cumulative_.end()) --it;
  return static_cast<std::uint32_t>(it - type_cumulative_.begin());
}

void ArrivalExecutor::start(MonoTime origin, double total_rate) {
  started_ = true;
  if (total_rate > 0) {
    interval_s_ = static_cast<double>(config_.count) / total_rate;
    // Executor i takes arrivals i, i + N, i + 2N...: its first one is i/rate after the origin. A Poisson
    // stream has no phase: its first arrival is one drawn gap after the origin.
    next_due_ = origin + seconds_to_ns(config_.poisson ? next_arrival_gap_s(interval_s_, true, rng_)
                                                       : static_cast<double>(config_.index) / total_rate);
    last_due_ = next_due_ - seconds_to_ns(interval_s_);
  }
  arm_timer();
}

void ArrivalExecutor::set_rate(double total_rate) {
  if (stopping_ || !started_) return;
  const MonoTime now = mono_now();
  const bool was_paused = interval_s_ <= 0;
  interval_s_ = total_rate > 0 ? static_cast<double>(config_.count) / total_rate : 0;
  if (interval_s_ <= 0) return;
  if (config_.poisson) {
    // A Poisson stream has no memory: its next arrival is one gap at the new rate from now, exactly. (The
    // paced rule below would cap every gap longer than the mean at the mean, and a ramp changes the rate
    // every few milliseconds: it ran 1.6x too fast.)
    next_due_ = now + seconds_to_ns(next_arrival_gap_s(interval_s_, true, rng_));
  } else if (was_paused) {
    next_due_ = now + seconds_to_ns(static_cast<double>(config_.index) / total_rate);
  } else {
    // A faster rate must not wait for an arrival planned at the old, slower pace; a slower one keeps it.
    next_due_ = std::min(next_due_, std::max(last_due_ + seconds_to_ns(interval_s_), now));
  }
  arm_timer();
}

void ArrivalExecutor::arm_timer() {
  if (stopping_) return;
  MonoTime wake = interval_s_ > 0 ? next_due_ : mono_now() + kIdlePoll;
  if (waiting_size_ > 0) wake = std::min(wake, waiting_[waiting_head_].due + config_.max_lateness);
  if (wake - mono_now() < kPollBelow) {
    // A posted handler makes Asio run the reactor without blocking before it, so I/O goes on between
    // passes. A timer wait still pending from an earlier arm fires later and finds nothing due: harmless.
    if (!poll_posted_) {
      poll_posted_ = true;
      boost::asio::post(shard_.ctx, [this] {
        poll_posted_ = false;
        poll_gaps_.pass_started(mono_now(), work_events_ + shard_.stats.recorded());
        // Polite polling: on a core shared with the target (everything on one box), a plain spin would
        // take half the core from the server by fair scheduling; yielding lets it run first. Alone on
        // its core the call returns at once.
        sched_yield();
        const MonoTime resumed = mono_now();
        poll_gaps_.resumed(resumed);
        on_timer(resumed);
      });
    }
    return;
  }
  poll_gaps_.left_polling();  // the wait ahead is not a gap between passes
  timer_.expires_at(wake);    // cancels a pending wait: its handler sees operation_aborted
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_timer(mono_now());
  });
}

void ArrivalExecutor::on_timer(MonoTime now) {
  if (stopping_) return;
  drop_late(now);
  // Catch up on every arrival already due (a late loop starts them late; their latency says so).
  while (interval_s_ > 0 && next_due_ <= now) {
    dispatch(next_due_, pick_type());
    last_due_ = next_due_;
    next_due_ += seconds_to_ns(next_arrival_gap_s(interval_s_, config_.poisson, rng_));
  }
  arm_timer();
}

void ArrivalExecutor::dispatch(MonoTime due, std::uint32_t type) {
  ++work_events_;
  shard_.stats.record_due_iterations(1);
  if (busy_ < config_.max_inflight && start_on_slot(due, type)) return;
  push_waiting(Waiting{due, type});
}

IterationSlot* ArrivalExecutor::free_slot(std::uint32_t type) {
  auto& list = free_[type];
  if (!list.empty()) {
    IterationSlot* slot = list.back();
    list.pop_back();
    return slot;
  }
  // Warm-up only: a new slot (user, client, connection) for this type.
  const std::uint64_t k = slots_.size();
  const std::uint64_t id = config_.first_user_id + config_.index + k * config_.count;
  const std::uint64_t seed = config_.seed ^ (0x9E3779B97F4A7C15ull * (id + 1));
  slots_.push_back(std::make_unique<IterationSlot>(*this, shard_, scenario_.user_types[type], type,
                                                   pickers_[type], id, seed));
  slots_.back()->start();
  return slots_.back().get();
}

bool ArrivalExecutor::start_on_slot(MonoTime due, std::uint32_t type) {
  IterationSlot* slot = free_slot(type);
  if (!slot) return false;
  ++busy_;
  in_flight_.store(static_cast<int>(busy_), std::memory_order_relaxed);
  shard_.stats.record_started_iteration();
  slot->assign(due);
  return true;
}

void ArrivalExecutor::iteration_done(IterationSlot& slot) {
  ++work_events_;
  --busy_;
  in_flight_.store(static_cast<int>(busy_), std::memory_order_relaxed);
  free_[slot.type_index()].push_back(&slot);
  if (stopping_) return;
  const MonoTime now = mono_now();
  drop_late(now);
  if (waiting_size_ > 0 && busy_ < config_.max_inflight) {
    const Waiting w = pop_waiting();
    start_on_slot(w.due, w.type);
  }
}

void ArrivalExecutor::set_max_inflight(std::size_t max_inflight) {
  config_.max_inflight = std::max<std::size_t>(1, max_inflight);
  if (stopping_) return;
  drop_late(mono_now());
  while (waiting_size_ > 0 && busy_ < config_.max_inflight) {
    const Waiting w = pop_waiting();
    if (!start_on_slot(w.due, w.type)) break;
  }
}

void ArrivalExecutor::drop_late(MonoTime now) {
  std::uint64_t dropped = 0;
  while (waiting_size_ > 0 && now - waiting_[waiting_head_].due > config_.max_lateness) {
    pop_waiting();
    ++dropped;
  }
  if (dropped) shard_.stats.record_dropped_iterations(dropped);
}

void ArrivalExecutor::push_waiting(Waiting w) {
  if (waiting_size_ >= kMaxWaiting) {
    // A line this long waits for max_lateness at a rate the loop cannot follow: at ten million arrivals a
    // second, 10 s of it would be 1.6 GB. The newest is dropped, as it would be later.
    shard_.stats.record_dropped_iterations(1);
    return;
  }
  if (waiting_size_ == waiting_.size()) {  // grow (rare): unroll the ring into a twice larger one
    std::vector<Waiting> bigger(waiting_.size() * 2);
    for (std::size_t i = 0; i < waiting_size_; ++i)
      bigger[i] = waiting_[(waiting_head_ + i) % waiting_.size()];
    waiting_.swap(bigger);
    waiting_head_ = 0;
  }
  waiting_[(waiting_head_ + waiting_size_) % waiting_.size()] = w;
  ++waiting_size_;
}

void ArrivalExecutor::drop_waiting() {
  if (waiting_size_ > 0) shard_.stats.record_dropped_iterations(waiting_size_);
  waiting_size_ = 0;
}

ArrivalExecutor::Waiting ArrivalExecutor::pop_waiting() {
  const Waiting w = waiting_[waiting_head_];
  waiting_head_ = (waiting_head_ + 1) % waiting_.size();
  --waiting_size_;
  return w;
}

void ArrivalExecutor::request_stop() {
  if (stopping_) return;
  stop_schedule();
  // Index loop: a slot resumed here may end and touch free_, never slots_.
  for (std::size_t i = 0; i < slots_.size(); ++i) slots_[i]->request_stop();
}

void ArrivalExecutor::kill() {
  stop_schedule();  // first: an iteration ended by the kill must not be handed a waiting one
  for (std::size_t i = 0; i < slots_.size(); ++i) slots_[i]->kill();
}

void ArrivalExecutor::stop_schedule() {
  if (stopping_) return;
  stopping_ = true;
  timer_.cancel();
  poll_gaps_.publish();
  // Arrivals whose time came while the loop was busy and had not been dispatched yet: those that came
  // less than kStopRace before the stop were simply overtaken by it (a timer a few ms late on a loaded
  // machine), and are neither due nor dropped, so a healthy run does not fail on how its stop fell; older
  // ones show a stuck generator and count as due and dropped (docs/metrics.md).
  std::uint64_t missed = 0;
  for (const MonoTime last = mono_now() - kStopRace; interval_s_ > 0 && next_due_ <= last; ++missed)
    next_due_ += seconds_to_ns(interval_s_);
  shard_.stats.record_due_iterations(missed);
  shard_.stats.record_dropped_iterations(missed);
  drop_waiting();
}

}  // namespace cicada::runner
