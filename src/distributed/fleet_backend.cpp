#include "distributed/fleet_backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "distributed/dispatch.hpp"
#include "runner/named_types.hpp"

namespace cicada::distributed {

using namespace std::chrono_literals;

namespace {
constexpr auto kPoll = 50ms;
// The master closes a second this long after the wall-clock boundary, so the deltas the workers took at
// that boundary have arrived (loopback: < 1 ms; a LAN: a few ms).
constexpr auto kCloseGrace = 250ms;
// After Stop, workers get the stop timeout, their killed users' on_stop time, plus this to report their
// last stats.
constexpr auto kStopGrace = runner::RunBackend::kOnStopAfterKill + 5s;
// A worker busier than this (% of one core) measures its own queueing rather than the target (Locust's
// threshold and warning).
constexpr double kCpuWarningPercent = 90;
}  // namespace

FleetBackend::FleetBackend(ScenarioPayload scenario, MasterOptions master)
    : scenario_(std::move(scenario)), master_(std::move(master)) {}

FleetBackend::~FleetBackend() = default;

Result<void> FleetBackend::bind() {
  if (auto r = socket_.bind(master_.bind_host, master_.bind_port); !r) return r;
  log::info("Master listening on {}:{} for workers", master_.bind_host, socket_.port());
  return {};
}

std::vector<runner::WorkerStatus> FleetBackend::worker_statuses() const {
  std::lock_guard lock(statuses_mutex_);
  return statuses_;
}

void FleetBackend::workers_changed() {
  worker_count_.store(workers_.size());
  std::vector<runner::WorkerStatus> list;
  for (const auto& w : workers_.workers())
    list.push_back({w.id, w.state, w.user_count, w.cpu_percent, w.memory_bytes});
  // Workers lost to silence are listed after the live ones with state "missing" (as Locust's Workers tab
  // does) until they come back or join again.
  for (const auto& w : workers_.missing())
    list.push_back({w.id, "missing", 0, w.cpu_percent, w.memory_bytes});
  std::vector<WorkerHello> hellos;
  for (const auto& w : workers_.workers()) hellos.push_back({w.id, w.hello});
  std::lock_guard lock(statuses_mutex_);
  statuses_ = std::move(list);
  hellos_ = std::move(hellos);
}

Result<void> FleetBackend::check_workers(const runner::RunOptions& options) const {
  std::vector<WorkerHello> hellos;
  {
    std::lock_guard lock(statuses_mutex_);
    hellos = hellos_;
  }
  return check_workers_know_options(hellos, options);
}

void FleetBackend::pump(std::chrono::milliseconds wait) {
  heartbeat(mono_now());
  if (auto m = socket_.receive(wait)) handle(std::move(*m), mono_now());
}

Result<void> FleetBackend::wait_for_workers(const std::atomic<bool>& stop_requested) {
  const MonoTime started = mono_now();
  if (workers_.size() < static_cast<std::size_t>(master_.expect_workers))
    log::info("Waiting for {} workers to connect", master_.expect_workers);
  while (workers_.size() < static_cast<std::size_t>(master_.expect_workers)) {
    if (stop_requested.load()) return make_error("stopped while waiting for workers");
    const MonoTime now = mono_now();
    if (master_.expect_workers_max_wait && now - started > *master_.expect_workers_max_wait) {
      return make_error("only " + std::to_string(workers_.size()) + " of " +
                        std::to_string(master_.expect_workers) +
                        " workers connected within --expect-workers-max-wait");
    }
    heartbeat(now);
    if (auto m = socket_.receive(kPoll)) handle(std::move(*m), mono_now());
  }
  return {};
}

void FleetBackend::on_hello(const std::string& id, const Hello& hello, MonoTime now) {
  const bool joined = workers_.join(id, hello, now);
  workers_changed();
  socket_.send(
      id, Message{"master", Heartbeat{std::string(to_string(state_.load())), workers_.reported_users()}});
  if (!joined) return;
  log::info("Worker {} connected ({} pid {}, {} threads): {} workers", id, hello.hostname, hello.pid,
            hello.threads, workers_.size());
  rebalance();
}

void FleetBackend::handle(Message&& message, MonoTime now) {
  const std::string& id = message.sender;
  if (const auto* hello = std::get_if<Hello>(&message.body)) return on_hello(id, *hello, now);
  WorkerInfo* w = workers_.find(id);
  if (!w && !std::holds_alternative<Goodbye>(message.body) && workers_.readmit(id, now)) {
    readmitted(*workers_.find(id), now);
    w = workers_.find(id);  // found again: a rebalance may have dropped or moved workers
  }
  if (!w) {
    if (std::holds_alternative<Goodbye>(message.body)) {
      workers_.remove(id);  // a missing worker that left: no longer listed
      workers_changed();
      return;
    }
    // A worker that served an earlier master (or a stranger): it must not keep load going.
    if (const auto* st = std::get_if<Stats>(&message.body))
      log::warning("Stats from {}, a worker this master does not know, refused ({} delta(s)); told to quit",
                   id, st->deltas.size());
    socket_.send(id, Message{"master", Quit{}});
    return;
  }
  w->last_seen = now;
  if (const auto* hb = std::get_if<Heartbeat>(&message.body)) {
    w->state = hb->state;
    w->user_count = hb->user_count;
    w->cpu_percent = hb->cpu_usage;
    w->memory_bytes = hb->memory_usage;
    if (hb->cpu_usage > kCpuWarningPercent && !w->cpu_warned) {
      w->cpu_warned = true;
      log::warning(
          "Worker {} exceeded the CPU threshold ({:.0f}% of a core): its latencies include its own "
          "queueing; add workers (logged once per worker)",
          id, hb->cpu_usage);
    }
  } else if (auto* st = std::get_if<Stats>(&message.body)) {
    if (st->test_id != test_id_) {
      // A worker back from an earlier test (missing then, or slow to stop): not this test's numbers.
      if (!st->deltas.empty())
        log::warning("Stats of worker {} for test {}, not the current test, refused ({} delta(s))", id,
                     st->test_id, st->deltas.size());
      return;
    }
    if (!workers_.accept_stats(id, st->test_id, st->seq)) {
      log::debug("worker {}: stats seq {} of test {} already merged or stale: dropped", id, st->seq,
                 st->test_id);
      return;
    }
    w->user_count = st->user_count;
    for (auto& delta : st->deltas) {
      delta.node = id;  // the routing id, which the master trusts: the exceptions' Nodes column
      deltas_.push_back(std::move(delta));
    }
  } else if (const auto* done = std::get_if<Stopped>(&message.body)) {
    if (done->test_id == w->test_id) {
      w->stopped = true;
      w->user_count = 0;
      w->state = "stopped";
    }
  } else if (const auto* err = std::get_if<WorkerError>(&message.body)) {
    fail_worker(id, err->message);
    rebalance();
  } else if (auto* custom = std::get_if<Custom>(&message.body)) {
    if (master_.messages)
      master_.messages->deliver({std::move(custom->type), std::move(custom->data), id});
    else
      log::debug("custom message '{}' from worker {} dropped: this master's scenario has no listeners",
                 custom->type, id);
  } else if (std::holds_alternative<Goodbye>(message.body)) {
    log::info("Worker {} quit: {} workers left", id, workers_.size() - 1);
    workers_.remove(id);
    workers_changed();
    rebalance();
  }
}

void FleetBackend::readmitted(WorkerInfo& w, MonoTime now) {
  const auto s = state_.load();
  const bool running = s == runner::RunState::kSpawning || s == runner::RunState::kRunning;
  // Every stats message it sends from now on is merged once (its last seq merged is kept), so nothing
  // of it is lost any more: it no longer counts as lost for the verdict.
  if (w.lost_in_test != 0 && w.lost_in_test == test_id_) {
    lost_this_test_.fetch_sub(1);
    lost_users_this_test_.fetch_sub(static_cast<std::uint64_t>(std::max(0, w.user_count)));
  }
  w.lost_in_test = 0;
  log::warning(
      "Worker {} answered again {} ms after it was declared missing (paused, or cut off): re-admitted; "
      "its stats are merged from its last merged second on{}",
      w.id, std::chrono::duration_cast<std::chrono::milliseconds>(now - w.missing_since).count(),
      running ? ", and the load is shared again over the live workers"
              : (w.test_id != 0 && !w.stopped ? ", and it is told to stop its test" : ""));
  workers_changed();
  // Its users (or arrival rate) still run at the share it had: a fresh share (or, for an older test, a
  // start of this one) so the fleet runs exactly the target again, not the others' shares plus its own.
  if (running)
    rebalance();
  else if (w.test_id != 0 && !w.stopped)
    socket_.send(w.id, Message{"master", Stop{w.test_id}});  // stopping, or between tests
}

void FleetBackend::fail_worker(const std::string& id, const std::string& message) {
  failed_.push_back({id, message});
  socket_.send(id, Message{"master", Quit{}});  // the same test would fail again: no use keeping it
  workers_.remove(id);
  workers_changed();
  log::warning("Worker {} cannot run the test: {} ({} workers go on)", id, message, workers_.size());
}

void FleetBackend::drop_workers_missing_options() {
  // The workers there at the test's start were checked before it (check_workers); this catches one that
  // joined since, which would otherwise run without an option the test sets.
  std::vector<FailedWorker> refused;
  for (const auto& w : workers_.workers()) {
    if (w.test_id == test_id_) continue;  // already running this test
    if (auto r = check_workers_know_options({{w.id, w.hello}}, options_); !r)
      refused.push_back({w.id, r.error().message});
  }
  for (const auto& f : refused) fail_worker(f.id, f.message);
}

void FleetBackend::start_worker(WorkerInfo& w, double arrival_share, runner::TypeShares shares) {
  Start start;
  start.test_id = test_id_;
  start.scenario = scenario_;
  start.options = options_;
  start.options.shape = {};  // not sent: the master follows the shape and sends each worker its share
  start.worker_index = w.index;
  start.users = w.assigned_users;
  start.spawn_rate = spawn_rate_ / static_cast<double>(std::max<std::size_t>(1, workers_.size()));
  start.open_model = open_model_;
  start.arrival_rate = arrival_share;
  if (start.open_model) start.max_inflight = split_max_inflight(options_.max_inflight, workers_.size());
  start.fixed_counts = std::move(shares.fixed);
  start.weighted_counts = std::move(shares.weighted);
  start.user_types = types_.names;
  w.test_id = test_id_;
  w.last_seq = 0;
  w.stopped = false;
  socket_.send(w.id, Message{"master", std::move(start)});
}

void FleetBackend::rebalance() {
  const auto s = state_.load();
  if (test_id_ == 0 || (s != runner::RunState::kSpawning && s != runner::RunState::kRunning)) return;
  // What the master's code sent before this (its test_start's messages) reaches a starting worker before
  // its start, so that test's listeners have it before its users start (worker_node.hpp).
  send_custom_messages();
  drop_workers_missing_options();
  auto& list = workers_.workers();
  const auto shares = split_users(target_users_, spawn_rate_, list.size());
  const double arrival_share = list.empty() ? 0.0 : arrival_rate_ / static_cast<double>(list.size());
  auto fixed = deal_fixed_counts(types_.fixed_counts, list.size(), target_users_);
  auto weighted = open_model_
                      ? std::vector<std::map<std::string, int>>(list.size())
                      : split_weighted_counts(types_.weighted_cycle, fixed_users_of(types_.fixed_counts),
                                              target_users_, list.size());
  // Every weighted type named, 0 included: a type outside the cycle (one the load shape did not name) is
  // then stopped, where a worker keeps its last count of a type it is not told of.
  if (named_types_ && !open_model_) {
    for (auto& share : weighted)
      for (const auto& entry : types_.weights) share.try_emplace(entry.first, 0);
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    WorkerInfo& w = list[i];
    w.assigned_users = shares[i].users;
    // Fixed counts are shared over the workers there are now, so a lost worker's fixed users start on
    // the others and a worker that joins takes its part of them; the weighted users likewise.
    runner::TypeShares types{fixed[i], std::move(weighted[i]), std::nullopt};
    if (w.test_id != test_id_) {
      start_worker(w, arrival_share, std::move(types));
      continue;
    }
    Spawn spawn;
    spawn.test_id = test_id_;
    spawn.users = shares[i].users;
    spawn.spawn_rate = shares[i].spawn_rate;
    spawn.arrival_rate = arrival_share;
    if (open_model_) spawn.max_inflight = split_max_inflight(options_.max_inflight, list.size());
    spawn.fixed_counts = std::move(types.fixed);
    spawn.weighted_counts = std::move(types.weighted);
    socket_.send(w.id, Message{"master", std::move(spawn)});
  }
  if (!types_.fixed_counts.empty() && !open_model_) log_fixed_shares(fixed);
  if (open_model_) {
    log::info("Sharing {:.2f} iterations/s over {} workers: {:.2f} each", arrival_rate_, list.size(),
              arrival_share);
  } else if (!list.empty()) {
    std::string spread;
    for (const auto& share : shares) spread += (spread.empty() ? "" : ", ") + std::to_string(share.users);
    log::info("Sharing {} users over {} workers: {}", target_users_, list.size(), spread);
  }
}

std::map<std::string, int> FleetBackend::users_by_type() const {
  // What the workers were dealt: the fleet's first fixed users in Locust's order, then the weighted ones.
  auto users = split_fixed_counts(types_.fixed_counts, 0, 1, target_users_);
  // Held by name: a range-for over .at(0) of the returned vector would read it after it is gone.
  const auto weighted =
      split_weighted_counts(types_.weighted_cycle, fixed_users_of(types_.fixed_counts), target_users_, 1);
  for (const auto& [type, count] : weighted.at(0)) users[type] += count;
  for (const auto& entry : types_.weights) users.try_emplace(entry.first, 0);  // a type not named: none
  return users;
}

void FleetBackend::log_fixed_shares(const std::vector<std::map<std::string, int>>& shares) const {
  std::string spread;
  for (const auto& [type, count] : types_.fixed_counts) {
    // fmt::format, not "literal" + std::string: GCC 12 -O3 warns falsely (-Wrestrict) on the latter.
    spread += fmt::format("{}{} {}:", spread.empty() ? "" : "; ", type, count);
    for (const auto& share : shares) spread += fmt::format(" {}", share.at(type));
  }
  log::info("Sharing fixed counts over {} workers: {}", shares.size(), spread);
}

constexpr int kDrainAtMost = 10'000;  // messages read at once before judging silence

void FleetBackend::send_custom_messages() {
  if (!master_.messages) return;
  for (auto& m : master_.messages->take_sent()) {
    const Message out{"master", Custom{m.type, m.data}};
    if (m.node.empty()) {
      for (const auto& w : workers_.workers()) socket_.send(w.id, out);
    } else if (workers_.find(m.node) != nullptr) {
      socket_.send(m.node, out);
    } else {
      log::warning("custom message '{}' for worker {} dropped: no such worker is connected", m.type, m.node);
    }
  }
}

void FleetBackend::heartbeat(MonoTime now) {
  // This loop runs every few milliseconds; a gap of two heartbeat intervals is the master's own pause.
  // Reading the queue first is not enough: the workers' beats may still sit in the kernel's buffers until
  // ZeroMQ's I/O thread (paused too) has read them.
  if (last_pass_ != MonoTime{} && now - last_pass_ > 2 * master_.heartbeat_interval) {
    log::warning(
        "The master was not running for {} ms (stopped, or starved of CPU): its workers' silence "
        "over that time is not held against them",
        std::chrono::duration_cast<std::chrono::milliseconds>(now - last_pass_).count());
    workers_.forgive_silence(now, now - last_pass_);
  }
  last_pass_ = now;
  send_custom_messages();
  if (now - last_heartbeat_ < master_.heartbeat_interval) return;
  last_heartbeat_ = now;
  workers_changed();
  const Message beat{"master", Heartbeat{std::string(to_string(state_.load())), workers_.reported_users()}};
  for (const auto& w : workers_.workers()) socket_.send(w.id, beat);
  // What the workers sent while this loop was away is read before their silence is judged: a master
  // paused for seconds (stopped, or starved of CPU) blamed its own pause on every worker, ended the test
  // and left the workers loading the target.
  // Bounded: a peer flooding the port cannot keep the loop here.
  for (int i = 0; i < kDrainAtMost; ++i) {
    auto m = socket_.receive(std::chrono::milliseconds(0));
    if (!m) break;
    handle(std::move(*m), mono_now());
  }
  const bool in_test =
      state_.load() != runner::RunState::kReady && state_.load() != runner::RunState::kStopped;
  const auto gone = workers_.expire(mono_now(), master_.worker_timeout, in_test ? test_id_ : 0);
  if (gone.empty()) return;
  if (in_test) lost_this_test_.fetch_add(static_cast<std::uint32_t>(gone.size()));
  for (const auto& w : gone) {
    if (in_test) lost_users_this_test_.fetch_add(static_cast<std::uint64_t>(std::max(0, w.user_count)));
    if (open_model_ && in_test)
      log::warning(
          "Worker {} missing (silent for more than {} ms): its share of the arrival rate goes to the "
          "others; the {} iterations it had in flight when last heard from, and its unreported second, "
          "are lost",
          w.id, master_.worker_timeout.count(), w.user_count);
    else
      log::warning("Worker {} missing (silent for more than {} ms): its {} users go to the others", w.id,
                   master_.worker_timeout.count(), w.assigned_users);
  }
  workers_changed();
  rebalance();
}

void FleetBackend::stop(std::chrono::microseconds stop_timeout, const std::atomic<bool>& hurry) {
  for (const auto& w : workers_.workers()) socket_.send(w.id, Message{"master", Stop{test_id_}});
  const MonoTime deadline =
      mono_now() + std::chrono::duration_cast<MonoClock::duration>(stop_timeout) + kStopGrace;
  auto all_stopped = [&] {
    for (const auto& w : workers_.workers())
      if (w.test_id == test_id_ && !w.stopped) return false;
    return true;
  };
  while (!all_stopped() && mono_now() < deadline && !hurry.load()) {
    heartbeat(mono_now());
    if (auto m = socket_.receive(kPoll)) handle(std::move(*m), mono_now());
  }
  if (all_stopped()) return;
  if (hurry.load())
    log::warning("Stopped at once: the stats of workers still finishing their tasks are not all in");
  else
    log::warning("Some workers did not confirm the stop in time; their last second is lost");
}

void FleetBackend::begin() {
  test_id_ = static_cast<std::uint64_t>(unix_seconds_now_f() * 1e6) | 1;
  failed_.clear();
  lost_this_test_.store(0);
  lost_users_this_test_.store(0);
  deltas_.clear();  // stale ones from between tests
  open_model_ = false;
  arrival_rate_ = 0;
  target_users_ = 0;
}

void FleetBackend::set_users(int users, double spawn_rate, const runner::TypeShares& shares, MonoTime) {
  // The test's fixed counts and weighted order are the master's own (set_types), dealt in rebalance; a
  // load shape that names user types deals them alone (named_plan), as a local run does.
  if (shares.named_types && shares.named_types != named_types_) {
    named_types_ = shares.named_types;
    for (const auto& name : *named_types_) {
      if (!runner::is_named(base_types_.names, name))
        log::warning("Load shape: user type {} is not in the scenario; it runs no users", name);
    }
    log::info("Load shape: users of {} only", fmt::join(*named_types_, ", "));
    types_ = named_plan(base_types_, *named_types_);
  }
  target_users_ = users;
  spawn_rate_ = spawn_rate;
  rebalance();
}

std::optional<int> FleetBackend::user_cap() const {
  if (!types_.weighted_cycle.empty()) return std::nullopt;
  return fixed_users_of(types_.fixed_counts);
}

bool FleetBackend::spawn_step(MonoTime) {
  // Only fixed-count types: the fleet runs their sum at most, as Locust's (each worker's runnable target).
  const auto cap = user_cap();
  return workers_.reported_users() == (cap ? std::min(target_users_, *cap) : target_users_);
}

void FleetBackend::start_arrivals(MonoTime, double rate, std::size_t max_inflight) {
  open_model_ = true;
  arrival_rate_ = rate;
  options_.max_inflight = max_inflight;
  rebalance();
}

void FleetBackend::set_arrival_rate(double rate) {
  arrival_rate_ = rate;
  rebalance();
}

void FleetBackend::set_max_inflight(std::size_t total) {
  options_.max_inflight = total;
  rebalance();
}

std::vector<stats::StatsDelta> FleetBackend::take_deltas(bool) {
  std::vector<stats::StatsDelta> out;
  out.swap(deltas_);
  return out;
}

std::chrono::milliseconds FleetBackend::close_grace() const { return kCloseGrace; }

bool FleetBackend::wait(MonoTime until) {
  heartbeat(mono_now());
  if (workers_.size() == 0) {
    log::error("No worker left, stopping test");
    return false;
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - mono_now());
  if (auto m = socket_.receive(std::clamp<std::chrono::milliseconds>(left, 1ms, kPoll)))
    handle(std::move(*m), mono_now());
  return true;
}

void FleetBackend::quit_workers() {
  send_custom_messages();  // what the master's code sent last (its test_stop's) before the workers go
  for (const auto& w : workers_.workers()) socket_.send(w.id, Message{"master", Quit{}});
  // Give ZeroMQ a moment to put the Quits on the wire before the socket closes (linger is 0).
  std::this_thread::sleep_for(100ms);
}

}  // namespace cicada::distributed
