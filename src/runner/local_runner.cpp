#include "runner/local_runner.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "base/log.hpp"
#include "runner/arrival_executor.hpp"
#include "runner/tag_filter.hpp"
#include "runner/user_slot.hpp"
#include "runner/warmup_gate.hpp"

namespace cicada::runner {

using namespace std::chrono_literals;

std::size_t usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

LocalRunner::LocalRunner(Scenario scenario, RunOptions options)
    : scenario_(std::move(scenario)), options_(std::move(options)) {}

LocalRunner::~LocalRunner() {
  if (pool_) {
    pool_->stop();
    pool_->join();
  }
  shards_.clear();  // users (coroutines, then clients) go before the loops they were bound to
  pool_.reset();
}

Result<void> LocalRunner::prepare() {
  if (auto r = apply_tag_filter(scenario_, options_.tags, options_.exclude_tags); !r) return r;
  if (options_.users < 0) return make_error("-u/--users must be 0 or more");
  if (!(options_.spawn_rate > 0)) return make_error("-r/--spawn-rate must be greater than 0");
  for (const auto& type : scenario_.user_types) {
    std::string host = !type.host.empty() ? type.host : options_.host;
    if (host.empty()) {
      return make_error("no host for user type '" + type.name +
                        "': pass --host URL or set host in the scenario " + scenario_.source);
    }
    if (host.rfind("http://", 0) != 0 && host.rfind("https://", 0) != 0) {
      return make_error("host '" + host + "' must start with http:// or https://");
    }
    pickers_.emplace_back(type.tasks);
  }
  client_config_.base_url = options_.host;
  client_config_.connect_timeout = options_.connect_timeout;
  client_config_.request_timeout = options_.request_timeout;
  mix_ = std::make_unique<UserMix>(scenario_.user_types);
  live_per_type_.assign(scenario_.user_types.size(), 0);
  seed_ = options_.seed ? options_.seed : std::random_device{}();
  return {};
}

std::shared_ptr<const stats::Snapshot> LocalRunner::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

void LocalRunner::stop() { stop_requested_.store(true); }

void LocalRunner::set_users(int users, double spawn_rate, std::map<std::string, int> fixed_counts) {
  std::lock_guard lock(control_mutex_);
  pending_target_ = {std::max(0, users), spawn_rate > 0 ? spawn_rate : 1.0};
  if (!fixed_counts.empty()) pending_fixed_ = std::move(fixed_counts);
}

void LocalRunner::reset_stats() { reset_requested_.store(true); }

int LocalRunner::live_users() const { return static_cast<int>(live_.size()); }

void LocalRunner::start_user(std::size_t ordinal) {
  const std::size_t type_index = mix_->next(live_per_type_);
  // User ordinal k lives on loop k mod N (its id there is k).
  const std::size_t shard_index = ordinal % shards_.size();
  Shard& shard = *shards_[shard_index];
  // Each user's PRNG stream is derived from the run seed and its ordinal: reruns with --seed repeat.
  const std::uint64_t user_seed = seed_ ^ (0x9E3779B97F4A7C15ull * (ordinal + 1));
  const UserType& type = scenario_.user_types[type_index];
  const TaskPicker& picker = pickers_[type_index];
  pool_->post(shard_index, [&shard, &type, &picker, ordinal, user_seed] {
    shard.users.push_back(std::make_unique<UserSlot>(shard, type, picker, ordinal, user_seed));
    shard.users.back()->start();
  });
  live_.push_back({ordinal, type_index});
  ++live_per_type_[type_index];
}

void LocalRunner::stop_newest_users(std::size_t count, const std::function<bool(std::size_t)>& of_type) {
  for (std::size_t i = live_.size(); i > 0 && count > 0; --i) {
    const LiveUser user = live_[i - 1];
    if (!of_type(user.type)) continue;
    live_.erase(live_.begin() + static_cast<std::ptrdiff_t>(i - 1));
    --live_per_type_[user.type];
    --count;
    const std::size_t shard_index = user.ordinal % shards_.size();
    Shard& shard = *shards_[shard_index];
    pool_->post(shard_index, [&shard, ordinal = user.ordinal] {
      // The newest users are at the back, and a ramp-down stops the newest: a short search.
      for (auto it = shard.users.rbegin(); it != shard.users.rend(); ++it) {
        if ((*it)->id() != ordinal) continue;
        (*it)->request_stop();
        break;
      }
    });
  }
}

void LocalRunner::apply_fixed_counts(const std::map<std::string, int>& counts) {
  for (std::size_t t = 0; t < scenario_.user_types.size(); ++t) {
    const auto it = counts.find(scenario_.user_types[t].name);
    if (it == counts.end()) continue;
    mix_->set_fixed(t, std::max(0, it->second));
    log::info("User type {}: {} fixed users", it->first, std::max(0, it->second));
  }
}

// Fixed-count types come first within the target, in declaration order (as UserMix spawns them): each
// keeps at most its count, the weighted users at most what the fixed counts leave (with no weighted type,
// the first type takes that rest, as UserMix gives it). What is over goes, the newest first; what is
// missing the ramp starts, fixed types first.
void LocalRunner::trim_to_target() {
  const auto target = static_cast<std::size_t>(target_users_);
  auto fixed_keep = [this](std::size_t t, std::size_t room) {
    return std::min(static_cast<std::size_t>(mix_->fixed(t)), room);
  };
  std::size_t rest = target;  // what the fixed counts leave
  for (std::size_t t = 0; t < live_per_type_.size(); ++t)
    if (mix_->fixed(t) >= 0) rest -= fixed_keep(t, rest);
  const bool weighted = mix_->any_weighted();
  std::size_t room = target;
  std::size_t weighted_live = 0;
  for (std::size_t t = 0; t < live_per_type_.size(); ++t) {
    if (mix_->fixed(t) < 0) {
      weighted_live += live_per_type_[t];
      continue;
    }
    const std::size_t keep = fixed_keep(t, room) + (t == 0 && !weighted ? rest : 0);
    room -= fixed_keep(t, room);
    if (live_per_type_[t] > keep)
      stop_newest_users(live_per_type_[t] - keep, [t](std::size_t type) { return type == t; });
  }
  const std::size_t weighted_room = weighted ? rest : 0;
  if (weighted_live > weighted_room) {
    stop_newest_users(weighted_live - weighted_room,
                      [this](std::size_t type) { return mix_->fixed(type) < 0; });
  }
}

void LocalRunner::spawn_step(MonoTime now) {
  trim_to_target();
  const auto live = static_cast<std::size_t>(live_users());
  const auto target = static_cast<std::size_t>(target_users_);
  if (live == target) {
    if (state_.load() == RunState::kSpawning) {
      state_.store(RunState::kRunning);
      log::info("All users spawned: {} users", target);
      if (options_.reset_stats) {
        log::info("Resetting stats (--reset-stats)");
        reset_requested_.store(true);
      }
    }
    return;
  }
  // The first user starts at once, then spawn_rate per second, like Locust.
  const double elapsed = std::chrono::duration<double>(now - ramp_start_).count();
  const auto allowed = static_cast<std::size_t>(std::floor(spawn_rate_ * elapsed)) + 1;
  const std::size_t wanted = std::min(target, ramp_base_ + allowed);
  while (static_cast<std::size_t>(live_users()) < wanted) {
    start_user(spawned_);
    ++spawned_;
  }
}

void LocalRunner::collect_second(bool final) {
  std::vector<stats::StatsDelta> deltas;
  if (final) {
    // Loops are stopped: nothing else touches the shards, so take the rest directly.
    for (auto& shard : shards_) deltas.push_back(shard->stats.take_delta());
    for (auto& d : collector_.take(0, std::chrono::steady_clock::now())) deltas.push_back(std::move(d));
  } else {
    for (std::size_t i = 0; i < shards_.size(); ++i) {
      Shard& shard = *shards_[i];
      pool_->post(i, [&shard, this] { collector_.push(shard.stats.take_delta()); });
    }
    deltas = collector_.take(shards_.size(), std::chrono::steady_clock::now() + 500ms);
  }
  if (delta_listener_) delta_listener_(deltas);
  if (reset_requested_.exchange(false)) {
    // The deltas just collected hold samples from before the reset: drop them, so the new stats window
    // starts now with nothing in it (merging them would date a second of samples inside a window that
    // starts after them and overstate req/s).
    aggregate_->reset(unix_seconds_now_f());
    deltas.clear();
  }
  for (auto& d : deltas) aggregate_->merge(std::move(d));
  aggregate_->close_second(unix_seconds_now(), reported_users());
  auto snap = std::make_shared<const stats::Snapshot>(aggregate_->snapshot(unix_seconds_now_f()));
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = std::move(snap);
}

void LocalRunner::stop_all_users() {
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = *shards_[i];
    pool_->post(i, [&shard] {
      for (auto& user : shard.users) user->request_stop();
      if (shard.arrivals) shard.arrivals->request_stop();
    });
  }
}

void LocalRunner::run(const std::function<void(const stats::Snapshot&)>& on_second) {
  const std::size_t threads = options_.threads ? options_.threads : usable_cpus();
  pool_ = std::make_unique<reactor::ReactorPool>(threads);
  for (std::size_t i = 0; i < threads; ++i)
    shards_.push_back(std::make_unique<Shard>(pool_->context(i), client_config_));
  aggregate_ = std::make_unique<stats::Aggregate>(unix_seconds_now_f());
  aggregate_->set_entry_history(options_.keep_entry_history);
  {
    auto snap = std::make_shared<const stats::Snapshot>(aggregate_->snapshot(unix_seconds_now_f()));
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = std::move(snap);
  }
  pool_->start();

  const MonoTime started = mono_now();
  WarmupGate warmup(options_.warmup);
  target_users_ = options_.users;
  spawn_rate_ = options_.spawn_rate;
  ramp_start_ = started;
  state_.store(RunState::kSpawning);
  begin_shape(started);
  if (!open_model_)
    log::info("Ramping to {} users at a rate of {:.2f} per second", target_users_, spawn_rate_);
  // Seconds of stats close on wall-clock second boundaries, like Locust's history timestamps.
  auto next_second =
      started + std::chrono::microseconds(
                    1'000'000 - (static_cast<std::int64_t>(unix_seconds_now_f() * 1e6) % 1'000'000));
  while (!stop_requested_.load()) {
    const MonoTime now = mono_now();
    if (options_.run_time && now - started >= *options_.run_time) {
      log::info("--run-time limit reached, stopping test");
      break;
    }
    {
      std::lock_guard lock(control_mutex_);
      if (pending_fixed_) {
        apply_fixed_counts(*pending_fixed_);
        pending_fixed_.reset();
      }
      if (pending_target_) {
        ramp_base_ = static_cast<std::size_t>(live_users());
        target_users_ = pending_target_->first;
        spawn_rate_ = pending_target_->second;
        ramp_start_ = now;
        pending_target_.reset();
        state_.store(RunState::kSpawning);
        log::info("Ramping to {} users at a rate of {:.2f} per second", target_users_, spawn_rate_);
      }
    }
    if (warmup.ends_now(started, now)) reset_requested_.store(true);
    if (shape_ && !follow_shape(started, now)) {
      log::info("The load shape ended, stopping test");
      break;
    }
    if (!open_model_) spawn_step(now);
    if (now >= next_second) {
      collect_second(false);
      next_second += 1s;
      if (auto snap = snapshot()) on_second(*snap);
      continue;
    }
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(10ms, next_second - now));
  }

  state_.store(RunState::kStopping);
  stop_all_users();
  const MonoTime stop_deadline = mono_now() + options_.stop_timeout;
  auto running = [&] {
    int n = 0;
    for (auto& s : shards_) n += s->running.load(std::memory_order_relaxed);
    return n;
  };
  while (options_.stop_timeout.count() > 0 && running() > 0 && mono_now() < stop_deadline) {
    std::this_thread::sleep_for(5ms);
  }
  pool_->stop();
  pool_->join();
  for (auto& shard : shards_) {
    shard->arrivals.reset();  // its slots' clients may record a last sample into the shard's stats
    shard->users.clear();
  }
  live_.clear();
  collect_second(true);
  state_.store(RunState::kStopped);
}

}  // namespace cicada::runner
