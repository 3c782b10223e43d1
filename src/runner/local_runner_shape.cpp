// LocalRunner's load shapes and open model (kept apart from the closed-model spawning in local_runner.cpp).
#include <cmath>

#include "base/log.hpp"
#include "runner/arrival_executor.hpp"
#include "runner/local_runner.hpp"

namespace cicada::runner {
namespace {
// One loop's part of the run's --max-inflight: rounded up, so the loops together allow at least all of it.
std::size_t loop_share(std::size_t total, std::size_t loops) { return (total + loops - 1) / loops; }
}  // namespace

void LocalRunner::set_arrival_rate(double per_second) {
  pending_arrival_rate_.store(std::max(0.0, per_second));
}

void LocalRunner::set_max_inflight(std::size_t total) {
  pending_max_inflight_.store(std::max<std::size_t>(1, total));
}

int LocalRunner::reported_users() const {
  if (!open_model_) return live_users();
  int n = 0;
  for (const auto& shard : shards_) n += shard->arrivals ? shard->arrivals->in_flight() : 0;
  return n;
}

void LocalRunner::begin_shape(MonoTime started) {
  shape_ = options_.shape ? options_.shape : scenario_.shape;
  if (!shape_) return;
  const auto first = shape_(std::chrono::duration<double>(0));
  if (!first) return;  // follow_shape ends the test on the first tick
  last_shape_target_ = first;
  if (first->arrival_rate) {
    open_model_ = true;
    state_.store(RunState::kRunning);  // nothing to spawn: iterations start on schedule
    start_arrivals(started, *first->arrival_rate);
  } else {
    target_users_ = first->users;
    spawn_rate_ = first->spawn_rate > 0 ? first->spawn_rate : 1.0;
  }
  stage_ = first->stage;
  aggregate_->mark_stage(unix_seconds_now_f(), stage_);
  log::info("Load shape: {}", stage_);
}

bool LocalRunner::follow_shape(MonoTime started, MonoTime now) {
  const auto target = shape_(std::chrono::duration<double>(now - started));
  if (!target) return false;
  if (target->stage != stage_) {
    stage_ = target->stage;
    aggregate_->mark_stage(unix_seconds_now_f(), stage_);
    log::info("Load shape: {}", stage_);
  }
  // Only a change of the shape's own target is applied, so set_users()/set_arrival_rate() from the UI
  // hold until the shape moves on.
  const bool changed = !last_shape_target_ || last_shape_target_->users != target->users ||
                       last_shape_target_->spawn_rate != target->spawn_rate ||
                       last_shape_target_->arrival_rate != target->arrival_rate;
  if (changed) {
    if (open_model_ && target->arrival_rate) {
      apply_arrival_rate(*target->arrival_rate);
    } else if (!open_model_ && !target->arrival_rate) {
      set_users(target->users, target->spawn_rate);
    } else {
      log::warning("Load shape: cannot switch between users and arrival rate during a run; ignored");
    }
    last_shape_target_ = target;
  }
  // The cap before the rate: a worker's new share of both comes in one message.
  const std::size_t cap = pending_max_inflight_.exchange(0);
  if (open_model_ && cap > 0) apply_max_inflight(cap);
  const double pending = pending_arrival_rate_.exchange(-1.0);
  if (open_model_ && pending >= 0) apply_arrival_rate(pending);
  return true;
}

void LocalRunner::start_arrivals(MonoTime origin, double rate) {
  arrival_rate_ = rate;
  max_inflight_ = options_.max_inflight;
  const std::size_t n = shards_.size();
  for (std::size_t i = 0; i < n; ++i) {
    ArrivalConfig config;
    config.index = i;
    config.count = n;
    config.max_inflight = loop_share(options_.max_inflight, n);
    config.max_lateness = options_.max_lateness;
    config.seed = seed_ ^ (0xD1B54A32D192ED03ull * (i + 1));
    Shard& shard = *shards_[i];
    // Created here, before the loop sees it, so the control thread may read in_flight() without a race.
    shard.arrivals = std::make_unique<ArrivalExecutor>(shard, scenario_, pickers_, config);
    pool_->post(i, [&shard, origin, rate] { shard.arrivals->start(origin, rate); });
  }
  log::info("Open model: {:.2f} iterations per second, at most {} in flight", rate, options_.max_inflight);
}

void LocalRunner::apply_max_inflight(std::size_t total) {
  if (total == max_inflight_) return;
  max_inflight_ = total;
  const std::size_t per_loop = loop_share(total, shards_.size());
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = *shards_[i];
    pool_->post(i, [&shard, per_loop] { shard.arrivals->set_max_inflight(per_loop); });
  }
  log::info("Open model: at most {} in flight from now on", total);
}

void LocalRunner::apply_arrival_rate(double rate) {
  if (std::abs(rate - arrival_rate_) < 1e-9) return;
  arrival_rate_ = rate;
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& shard = *shards_[i];
    pool_->post(i, [&shard, rate] { shard.arrivals->set_rate(rate); });
  }
}

}  // namespace cicada::runner
