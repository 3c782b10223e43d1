#include "runner/run_control.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/log.hpp"
#include "runner/warmup_gate.hpp"
#include "stats/snapshot_reset.hpp"

namespace cicada::runner {
namespace {

// Locust's text of the users per class: the classes by name as Python's json.dumps writes a dict (ASCII,
// ", " and ": "), then the total: {"Breaker": 1, "Reader": 3} (4 total users).
std::string users_by_type_text(const std::map<std::string, int>& users) {
  std::string text = "{";
  int total = 0;
  for (const auto& [type, count] : users) {
    text += (text.size() > 1 ? ", " : "") + nlohmann::json(type).dump(-1, ' ', true) + ": " +
            std::to_string(count);
    total += count;
  }
  return text + "} (" + std::to_string(total) + " total users)";
}

}  // namespace

using namespace std::chrono_literals;

RunControl::RunControl(RunBackend& backend) : backend_(backend) {}
RunControl::~RunControl() = default;

std::shared_ptr<const stats::Snapshot> RunControl::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

void RunControl::publish() {
  const double now = unix_seconds_now_f();
  auto made = std::make_shared<stats::Snapshot>(aggregate_->snapshot(now));
  made->lost_workers = backend_.lost_workers();
  made->lost_worker_users = backend_.lost_worker_users();
  std::lock_guard lock(snapshot_mutex_);
  // A reset asked for since this second's deltas were taken: they hold samples from before it, so the
  // cleared picture stays until the next second resets the Aggregate.
  if (reset_requested_.load()) *made = stats::cleared_snapshot(*made, now);
  snapshot_ = std::move(made);
}

void RunControl::reset_stats() {
  std::lock_guard lock(snapshot_mutex_);
  reset_requested_.store(true);
  if (snapshot_)
    snapshot_ =
        std::make_shared<const stats::Snapshot>(stats::cleared_snapshot(*snapshot_, unix_seconds_now_f()));
}

void RunControl::set_state(RunState s) {
  state_.store(s);
  backend_.state_changed(s);
}

std::optional<int> RunControl::live_users() const {
  const int stored = live_users_.load();
  if (stored < 0) return std::nullopt;
  if (!open_model_.load())
    if (auto now = backend_.users_now()) return now;
  return stored;
}

void RunControl::rearm() {
  stop_requested_.store(false);
  hurry_.store(false);
  pending_stop_after_us_.store(-1);
  target_users_.store(-1);
  live_users_.store(-1);
  std::lock_guard lock(control_mutex_);
  pending_target_.reset();
}

void RunControl::set_users(int users, double spawn_rate, TypeShares shares) {
  std::lock_guard lock(control_mutex_);
  // Named types not yet applied are kept by a target that names none (the web UI's, after the shape's).
  if (!shares.named_types && pending_target_) shares.named_types = pending_target_->shares.named_types;
  pending_target_ = UserTarget{std::max(0, users), spawn_rate > 0 ? spawn_rate : 1.0, std::move(shares)};
}

bool RunControl::names_other_types(const ShapeTarget& target) {
  if (!target.user_types) return false;
  auto named = *target.user_types;
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  if (named_in_effect_ == named) return false;
  named_in_effect_ = std::move(named);
  return true;
}

void RunControl::begin_shape(MonoTime started) {
  if (!options_.shape) return;
  const auto first = options_.shape(std::chrono::duration<double>(0));
  if (!first) return;  // follow_shape ends the test on the first tick
  last_shape_target_ = first;
  // The first target chooses the model for the whole test.
  if (first->arrival_rate) {
    open_model_.store(true);
    arrival_rate_.store(*first->arrival_rate);
    set_state(RunState::kRunning);  // nothing to spawn: iterations start on schedule
    log::info("Open model: {:.2f} iterations per second, at most {} in flight", *first->arrival_rate,
              options_.max_inflight);
    backend_.start_arrivals(started, *first->arrival_rate, options_.max_inflight);
  } else {
    options_.users = first->users;
    options_.spawn_rate = first->spawn_rate > 0 ? first->spawn_rate : 1.0;
    if (names_other_types(*first)) {  // its user types come with its users (a target from before wins)
      std::lock_guard lock(control_mutex_);
      if (!pending_target_) pending_target_ = UserTarget{options_.users, options_.spawn_rate, {}};
      pending_target_->shares.named_types = first->user_types;
    }
  }
}

bool RunControl::follow_shape(MonoTime started, MonoTime now) {
  const auto target = options_.shape(std::chrono::duration<double>(now - started));
  if (!target) return false;
  if (!stage_ || *stage_ != target->stage) {
    stage_ = target->stage;
    if (!target->stage.empty()) {
      aggregate_->mark_stage(unix_seconds_now_f(), target->stage);
      log::info("Load shape: {}", target->stage);
    }
  }
  // Only a change of the shape's own target is applied, so a target from the UI holds until the shape
  // moves on.
  const bool types_changed = names_other_types(*target);  // first: it records the types in effect
  const bool changed = types_changed || !last_shape_target_ || last_shape_target_->users != target->users ||
                       last_shape_target_->spawn_rate != target->spawn_rate ||
                       last_shape_target_->arrival_rate != target->arrival_rate;
  if (changed) apply_target(*target);
  last_shape_target_ = target;
  return true;
}

void RunControl::apply_target(const ShapeTarget& target) {
  if (open_model_.load() && target.arrival_rate) {
    set_arrival_rate(*target.arrival_rate);
  } else if (!open_model_.load() && !target.arrival_rate) {
    TypeShares shares;
    shares.named_types = target.user_types;
    set_users(target.users, target.spawn_rate, std::move(shares));
  } else {
    log::warning("Load shape: cannot switch between users and arrival rate during a run; ignored");
  }
}

void RunControl::apply_pending(MonoTime now) {
  if (const std::int64_t left = pending_stop_after_us_.exchange(-1); left >= 0) {
    deadline_ = now + std::chrono::microseconds(left);
    log::info("Run time: stopping the test in {:.1f} s", static_cast<double>(left) / 1e6);
  }
  {
    std::lock_guard lock(control_mutex_);
    if (pending_target_ && !open_model_.load()) {
      target_users_.store(pending_target_->users);
      set_state(RunState::kSpawning);
      log::info("Ramping to {} users at a rate of {:.2f} per second", pending_target_->users,
                pending_target_->spawn_rate);
      backend_.set_users(pending_target_->users, pending_target_->spawn_rate, pending_target_->shares, now);
    }
    pending_target_.reset();
  }
  if (!open_model_.load()) return;
  // The cap before the rate: a worker's new share of both comes in one message.
  if (const std::size_t cap = pending_max_inflight_.exchange(0); cap > 0) backend_.set_max_inflight(cap);
  const double rate = pending_arrival_rate_.exchange(-1.0);
  if (rate >= 0 && std::abs(rate - arrival_rate_.load()) > 1e-9) {
    arrival_rate_.store(rate);
    backend_.set_arrival_rate(rate);
  }
}

void RunControl::collect_second(bool final) {
  auto deltas = backend_.take_deltas(final);
  if (delta_listener_) delta_listener_(deltas);
  if (reset_requested_.exchange(false)) {
    // The deltas just taken hold samples from before the reset: drop them, so the new stats window starts
    // now with nothing in it (merging them would date a second of samples inside a window that starts
    // after them and overstate req/s).
    aggregate_->reset(unix_seconds_now_f());
    deltas.clear();
    if (options_.hooks.stats_reset) options_.hooks.stats_reset();
  }
  for (auto& d : deltas) aggregate_->merge(std::move(d));
  aggregate_->close_second(unix_seconds_now(), backend_.reported_users());
  publish();
}

void RunControl::run(const RunOptions& options,
                     const std::function<void(const stats::Snapshot&)>& on_second) {
  options_ = options;
  aggregate_ = std::make_unique<stats::Aggregate>(unix_seconds_now_f());
  aggregate_->set_entry_history(options_.keep_entry_history);
  open_model_.store(false);
  arrival_rate_.store(0);
  pending_arrival_rate_.store(-1.0);
  pending_max_inflight_.store(0);
  ended_by_ = "stopped";  // unless the loop says otherwise below
  last_shape_target_.reset();
  named_in_effect_.reset();
  stage_.reset();
  publish();
  backend_.begin();

  const MonoTime started = mono_now();
  deadline_.reset();
  if (options_.run_time) deadline_ = started + *options_.run_time;
  WarmupGate warmup(options_.warmup);
  set_state(RunState::kSpawning);
  live_users_.store(0);
  begin_shape(started);
  if (!open_model_.load()) {
    // The options' (or the shape's) users, unless a target came before the run (it wins, as later ones).
    std::lock_guard lock(control_mutex_);
    if (!pending_target_) pending_target_ = UserTarget{options_.users, options_.spawn_rate, {}};
  }
  // Seconds of stats close on wall-clock second boundaries, like Locust's history timestamps (plus the
  // backend's grace for the deltas of that second to arrive).
  auto next_second = started +
                     std::chrono::microseconds(
                         1'000'000 - (static_cast<std::int64_t>(unix_seconds_now_f() * 1e6) % 1'000'000)) +
                     backend_.close_grace();
  while (!stop_requested_.load()) {
    const MonoTime now = mono_now();
    if (deadline_ && now >= *deadline_) {
      if (options_.hooks.run_time_reached)
        options_.hooks.run_time_reached();
      else
        log::info("--run-time limit reached, stopping test");
      ended_by_ = "run_time";
      break;
    }
    if (warmup.ends_now(started, now)) reset_requested_.store(true);
    if (options_.shape && !follow_shape(started, now)) {
      log::info("The load shape ended, stopping test");
      ended_by_ = "shape_end";
      break;
    }
    apply_pending(now);
    const bool ramped = !open_model_.load() && backend_.spawn_step(now);
    live_users_.store(backend_.reported_users());
    if (ramped && state() == RunState::kSpawning) {
      set_state(RunState::kRunning);
      const auto spawned = backend_.users_by_type();
      log::info("All users spawned: {}", users_by_type_text(spawned));
      if (options_.reset_stats) {
        log::info("Resetting stats (--reset-stats)");
        reset_requested_.store(true);
      }
      // Each time a ramp reaches its target, as Locust fires spawning_complete: with the users spawned
      // (only fixed-count types run their sum, under a larger target).
      int users = 0;
      for (const auto& [type, count] : spawned) users += count;
      if (const auto cap = backend_.user_cap(); cap && target_users_.load() > *cap && !said_user_cap_) {
        said_user_cap_ = true;  // once a run: a shape's every stage would say it again
        log::warning(
            "{} users run, not the {} asked for: every user type that runs has a fixed count, and no "
            "more users than their sum run (as in Locust)",
            *cap, target_users_.load());
      }
      if (options_.hooks.spawning_complete) options_.hooks.spawning_complete(users);
    }
    if (now >= next_second) {
      collect_second(false);
      next_second += 1s;
      if (auto snap = snapshot()) on_second(*snap);
      continue;
    }
    if (!backend_.wait(next_second)) {
      ended_by_ = "workers_lost";
      break;
    }
  }

  // Before the users are stopped, as Locust fires test_stopping.
  if (options_.hooks.stopping) options_.hooks.stopping();
  set_state(RunState::kStopping);
  backend_.stop(options_.stop_timeout, hurry_);
  live_users_.store(backend_.reported_users());  // none left, as Locust's user_count after a stop
  collect_second(true);
  set_state(RunState::kStopped);
}

}  // namespace cicada::runner
