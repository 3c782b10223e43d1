#include "runner/local_backend.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "base/log.hpp"
#include "reactor/reactor_pool.hpp"
#include "runner/arrival_executor.hpp"
#include "runner/named_types.hpp"
#include "runner/shard.hpp"
#include "runner/user_slot.hpp"

namespace cicada::runner {

using namespace std::chrono_literals;

namespace {
// One loop's part of the run's --max-inflight: rounded up, so the loops together allow at least all of it.
std::size_t loop_share(std::size_t total, std::size_t loops) { return (total + loops - 1) / loops; }
}  // namespace

http::ClientConfig client_config(const RunOptions& options, const ClientSettings& type) {
  http::ClientConfig c;
  c.base_url = options.host;
  c.connect_timeout = type.connect_timeout.value_or(
      std::chrono::duration_cast<std::chrono::milliseconds>(options.connect_timeout));
  c.request_timeout = type.request_timeout.value_or(
      std::chrono::duration_cast<std::chrono::milliseconds>(options.request_timeout));
  c.max_redirects = type.max_redirects.value_or(options.max_redirects);
  c.tls_verify = type.verify_tls.value_or(!options.insecure);
  c.ca_bundle = type.ca_bundle.value_or(options.ca_bundle);
  c.client_cert = type.client_cert.value_or(options.client_cert);
  c.client_key = type.client_key.value_or(options.client_key);
  c.max_body_bytes = type.max_body_bytes.value_or(options.max_body_bytes);
  c.http2 = type.http2.value_or(options.http2);
  c.io_uring = options.io_uring;
  c.stream_tokens = options.stream_tokens;
  return c;
}

LocalBackend::LocalBackend(const Scenario& scenario, const std::vector<TaskPicker>& pickers,
                           const RunOptions& options, std::uint64_t seed)
    : scenario_(scenario),
      pickers_(pickers),
      client_(client_config(options)),
      threads_(options.threads ? options.threads : usable_cpus()),
      max_lateness_(options.max_lateness),
      poisson_arrivals_(options.poisson_arrivals),
      seed_(seed),
      mix_(scenario.user_types),
      live_per_type_(scenario.user_types.size(), 0) {
  for (const auto& type : scenario.user_types)
    if (!type.client.empty()) type_clients_.emplace_back(&type, client_config(options, type.client));
}

LocalBackend::~LocalBackend() {
  if (pool_) {
    pool_->stop();
    pool_->join();
  }
  for (auto& shard : shards_)
    if (shard->abandoned) (void)shard.release();  // its loop's thread may still be inside its users
  shards_.clear();  // users (coroutines, then clients) go before the loops they were bound to
  pool_.reset();
}

void LocalBackend::begin() {
  pool_ = std::make_unique<reactor::ReactorPool>(threads_);
  for (std::size_t i = 0; i < threads_; ++i)
    shards_.push_back(std::make_unique<Shard>(pool_->context(i), client_, type_clients_));
  pool_->start();
}

void LocalBackend::start_user(std::size_t ordinal) {
  const std::size_t type_index = mix_.next(live_per_type_);
  // User ordinal k lives on loop k mod N (its id there is k).
  const std::size_t shard_index = ordinal % shards_.size();
  Shard& shard = *shards_[shard_index];
  // Each user's PRNG stream is derived from the run seed and its ordinal: reruns with --seed repeat.
  const std::uint64_t user_seed = seed_ ^ (0x9E3779B97F4A7C15ull * (ordinal + 1));
  const UserType& type = scenario_.user_types[type_index];
  const TaskPicker& picker = pickers_[type_index];
  users_now_.fetch_add(1);  // before the user can run: it reads a count that holds itself
  pool_->post(shard_index, [&shard, &type, &picker, ordinal, user_seed] {
    shard.users.push_back(std::make_unique<UserSlot>(shard, type, picker, ordinal, user_seed));
    shard.users.back()->start();
  });
  live_.push_back({ordinal, type_index});
  ++live_per_type_[type_index];
}

template <class OfType>
void LocalBackend::stop_newest_users(std::size_t count, OfType of_type) {
  for (std::size_t i = live_.size(); i > 0 && count > 0; --i) {
    const LiveUser user = live_[i - 1];
    if (!of_type(user.type)) continue;
    live_.erase(live_.begin() + static_cast<std::ptrdiff_t>(i - 1));
    users_now_.fetch_sub(1);
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

void LocalBackend::apply_shares(const TypeShares& shares) {
  std::vector<std::pair<std::size_t, int>> fixed;
  for (std::size_t t = 0; t < scenario_.user_types.size(); ++t) {
    const auto it = shares.fixed.find(scenario_.user_types[t].name);
    if (it == shares.fixed.end()) continue;
    fixed.emplace_back(t, std::max(0, it->second));
    log::info("User type {}: {} fixed users", it->first, std::max(0, it->second));
  }
  mix_.set_fixed(fixed);
  if (shares.weighted.empty()) return;
  std::vector<std::uint64_t> counts(scenario_.user_types.size(), 0);
  std::string said;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    if (mix_.fixed(t) >= 0) continue;
    const auto it = shares.weighted.find(scenario_.user_types[t].name);
    counts[t] = it == shares.weighted.end() ? 0 : static_cast<std::uint64_t>(std::max(0, it->second));
    said += fmt::format("{}{} {}", said.empty() ? "" : ", ", scenario_.user_types[t].name, counts[t]);
  }
  mix_.set_counts(counts);
  log::debug("Weighted users of this worker: {}", said);
}

std::map<std::string, int> LocalBackend::users_by_type() const {
  std::map<std::string, int> users;
  for (std::size_t t = 0; t < live_per_type_.size(); ++t)
    users[scenario_.user_types[t].name] += static_cast<int>(live_per_type_[t]);
  return users;
}

void LocalBackend::set_users(int users, double spawn_rate, const TypeShares& shares, MonoTime now) {
  if (shares.named_types && named_types_ != shares.named_types) {
    if (const auto unknown = unknown_types(scenario_.user_types, *shares.named_types); !unknown.empty())
      log::warning("Load shape: user types {} are not in the scenario; they run no users",
                   fmt::join(unknown, ", "));
    log::info("Load shape: users of {} only", fmt::join(*shares.named_types, ", "));
    named_types_ = shares.named_types;
  }
  // Named types (now or by an earlier target) decide the counts of every type for this target's users.
  apply_shares(named_types_ ? shares_of_named_types(scenario_.user_types, *named_types_, users) : shares);
  target_users_ = users;
  // The users over the new counts go now (types no longer named, a worker's share that moved), so the ones
  // that replace them start at the spawn rate.
  trim_to_target();
  ramp_base_ = static_cast<std::size_t>(live_users());
  spawn_rate_ = spawn_rate;
  ramp_start_ = now;
}

// Fixed-count types come first within the target, in Locust's order (as UserMix spawns them; under their
// sum, the first of them in that order): each keeps at most its count, the weighted users at most what the
// fixed counts leave (with no weighted type, nobody takes that rest: Locust runs the fixed counts' sum).
// What is over goes, the newest first; what is missing the ramp starts, fixed types first.
std::size_t LocalBackend::weighted_rest() const {
  const auto target = static_cast<std::size_t>(target_users_);
  return target - std::min<std::size_t>(target, mix_.fixed_total());
}

std::size_t LocalBackend::weighted_room(std::size_t rest) const {
  if (!mix_.any_weighted()) return 0;
  const auto counted = mix_.counted_users();
  return counted ? std::min<std::size_t>(rest, *counted) : rest;
}

std::optional<int> LocalBackend::user_cap() const {
  if (mix_.any_weighted()) return std::nullopt;
  return static_cast<int>(std::min<std::uint64_t>(mix_.fixed_total(), std::numeric_limits<int>::max()));
}

std::size_t LocalBackend::runnable_target() const {
  const auto target = static_cast<std::size_t>(target_users_);
  if (const auto cap = user_cap()) return std::min<std::size_t>(target, static_cast<std::size_t>(*cap));
  const std::size_t rest = weighted_rest();
  return target - rest + weighted_room(rest);
}

void LocalBackend::trim_to_target() {
  // A target under the fixed counts keeps the first of their users in Locust's order (as they started).
  const auto kept = mix_.fixed_kept(static_cast<std::size_t>(target_users_));
  const std::size_t rest = weighted_rest();  // what the fixed counts leave
  std::size_t weighted_live = 0;
  for (std::size_t t = 0; t < live_per_type_.size(); ++t) {
    if (mix_.fixed(t) < 0) {
      weighted_live += live_per_type_[t];
      continue;
    }
    if (live_per_type_[t] > kept[t])
      stop_newest_users(live_per_type_[t] - kept[t], [t](std::size_t type) { return type == t; });
  }
  // A worker's weighted counts (UserMix::set_counts) bound each type too: a rebalance that moves a type's
  // users to another worker stops its newest here.
  for (std::size_t t = 0; t < live_per_type_.size(); ++t) {
    if (mix_.fixed(t) >= 0 || mix_.count(t) < 0) continue;
    const auto keep = static_cast<std::size_t>(mix_.count(t));
    if (live_per_type_[t] > keep) {
      weighted_live -= live_per_type_[t] - keep;
      stop_newest_users(live_per_type_[t] - keep, [t](std::size_t type) { return type == t; });
    }
  }
  const std::size_t room_left = weighted_room(rest);
  if (weighted_live > room_left) {
    stop_newest_users(weighted_live - room_left, [this](std::size_t type) { return mix_.fixed(type) < 0; });
  }
}

bool LocalBackend::spawn_step(MonoTime now) {
  trim_to_target();
  // A worker told its users of each weighted type runs no more of them: a type it does not have (its tag
  // filter dropped it) is not replaced by another, stopped and started again each tick.
  const std::size_t target = runnable_target();
  if (static_cast<std::size_t>(live_users()) == target) return true;
  // The first user starts at once, then spawn_rate per second, like Locust.
  const double elapsed = std::chrono::duration<double>(now - ramp_start_).count();
  // Capped before the cast: a spawn rate of 1e22 made a double past 2^64, and its cast undefined.
  const double due = std::min(std::floor(spawn_rate_ * elapsed), static_cast<double>(target));
  const auto allowed = static_cast<std::size_t>(due) + 1;
  const std::size_t wanted = std::min(target, ramp_base_ + allowed);
  while (static_cast<std::size_t>(live_users()) < wanted) start_user(spawned_++);
  return static_cast<std::size_t>(live_users()) == target;
}

void LocalBackend::start_arrivals(MonoTime origin, double rate, std::size_t max_inflight) {
  open_model_ = true;
  max_inflight_ = max_inflight;
  const std::size_t n = shards_.size();
  for (std::size_t i = 0; i < n; ++i) {
    ArrivalConfig config;
    config.index = i;
    config.count = n;
    config.max_inflight = loop_share(max_inflight, n);
    config.max_lateness = max_lateness_;
    config.poisson = poisson_arrivals_;
    config.seed = seed_ ^ (0xD1B54A32D192ED03ull * (i + 1));
    Shard& shard = *shards_[i];
    // Created here, before the loop sees it, so the control thread may read in_flight() without a race.
    shard.arrivals = std::make_unique<ArrivalExecutor>(shard, scenario_, pickers_, config);
    pool_->post(i, [&shard, origin, rate] { shard.arrivals->start(origin, rate); });
  }
  // Debug only: a ramp changes the rate every second. Tests wait for it to know the schedule they measure.
  log::debug("Open model: {:.2f} iterations/s from now on", rate);
}

void LocalBackend::set_max_inflight(std::size_t total) {
  if (total == max_inflight_) return;
  max_inflight_ = total;
  const std::size_t per_loop = loop_share(total, shards_.size());
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = *shards_[i];
    pool_->post(i, [&shard, per_loop] { shard.arrivals->set_max_inflight(per_loop); });
  }
  log::info("Open model: at most {} in flight from now on", total);
}

void LocalBackend::set_arrival_rate(double rate) {
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = *shards_[i];
    pool_->post(i, [&shard, rate] { shard.arrivals->set_rate(rate); });
  }
  log::debug("Open model: {:.2f} iterations/s from now on", rate);
}

int LocalBackend::reported_users() const {
  if (!open_model_) return live_users();
  int n = 0;
  for (const auto& shard : shards_) n += shard->arrivals ? shard->arrivals->in_flight() : 0;
  return n;
}

std::vector<stats::StatsDelta> LocalBackend::take_deltas(bool final) {
  if (final) {
    // Loops are stopped: nothing else touches the shards, so take the rest directly.
    std::vector<stats::StatsDelta> deltas;
    for (auto& shard : shards_) deltas.push_back(shard->stats.take_delta());
    for (auto& d : collector_.take(0, std::chrono::steady_clock::now())) deltas.push_back(std::move(d));
    return deltas;
  }
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = *shards_[i];
    pool_->post(i, [&shard, this] { collector_.push(shard.stats.take_delta()); });
  }
  return collector_.take(shards_.size(), std::chrono::steady_clock::now() + 500ms);
}

bool LocalBackend::wait(MonoTime until) {
  std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(10ms, until - mono_now()));
  return true;
}

void LocalBackend::stop(std::chrono::microseconds stop_timeout, const std::atomic<bool>& hurry) {
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = *shards_[i];
    pool_->post(i, [&shard] {
      for (auto& user : shard.users) user->request_stop();
      if (shard.arrivals) shard.arrivals->request_stop();
    });
  }
  auto running = [&] {
    int n = 0;
    for (auto& s : shards_) n += s->running.load(std::memory_order_relaxed);
    return n;
  };
  auto wait_for_users = [&](MonoTime deadline) {
    while (running() > 0 && mono_now() < deadline && !hurry.load()) std::this_thread::sleep_for(5ms);
  };
  if (stop_timeout.count() > 0) wait_for_users(mono_now() + stop_timeout);
  if (running() > 0 && !hurry.load()) {
    for (std::size_t i = 0; i < shards_.size(); ++i) {
      Shard& shard = *shards_[i];
      pool_->post(i, [&shard] {
        for (auto& user : shard.users) user->kill();
        if (shard.arrivals) shard.arrivals->kill();
      });
    }
    wait_for_users(mono_now() + kOnStopAfterKill);
    if (const int left = running(); left > 0 && !hurry.load())
      log::warning(
          "{} user(s) had not ended {} s after they were stopped (on_stop still running, or code "
          "that does not yield): they are cut, their requests in flight counted as unanswered",
          left, kOnStopAfterKill.count());
  }
  pool_->stop();
  join_loops();
  for (auto& shard : shards_) {
    if (shard->abandoned) continue;
    shard->arrivals.reset();  // its slots' clients may record a last sample into the shard's stats
    shard->users.clear();
  }
  live_.clear();
  users_now_.store(0);
}

void LocalBackend::join_loops() {
  if (!scenario_.release_blocked_loop) {
    pool_->join();
    return;
  }
  for (;;) {
    bool waiting = false;
    for (std::size_t i = 0; i < shards_.size(); ++i) {
      if (pool_->finished(i) || shards_[i]->abandoned) continue;
      waiting = true;
      if (auto why = scenario_.release_blocked_loop(pool_->native_thread(i))) {
        log::error("{}", *why);
        shards_[i]->stats.record_exception(*why, "");
        shards_[i]->abandoned = true;
        pool_->abandon(i);
      }
    }
    if (!waiting) break;
    std::this_thread::sleep_for(10ms);
  }
  pool_->join();
}

}  // namespace cicada::runner
