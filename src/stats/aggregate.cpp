#include "stats/aggregate.hpp"

#include <algorithm>
#include <cmath>

namespace cicada::stats {

namespace {
constexpr std::int64_t kCurrentPercentileSeconds = 10;  // Locust's CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW
constexpr std::int64_t kRateLookback = 12;              // current rps: from last-12 ...
constexpr std::int64_t kRateSkipNewest = 2;             // ... up to but excluding last-2

double ratio(std::uint64_t num, std::uint64_t den) {
  return den ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}
}  // namespace

Aggregate::Aggregate(double start_unix_s) : start_unix_s_(start_unix_s) { total_.name = "Aggregated"; }

void Aggregate::merge_entry(Accum& a, const EntryDelta& d) {
  a.num_requests += d.num_requests;
  a.num_failures += d.num_failures;
  a.content_bytes += d.content_bytes;
  a.latency.merge(d.latency);
  if (d.uncorrected_latency.empty())
    a.uncorrected_latency.merge(d.latency);
  else
    a.uncorrected_latency.merge(d.uncorrected_latency);
  a.open_requests += d.num_requests;
  a.open_failures += d.num_failures;
  a.open_latency.merge(d.latency);
}

void Aggregate::merge(StatsDelta&& delta) {
  dropped_iterations_ += delta.dropped_iterations;
  streams_.merge(std::move(delta.streams));
  unanswered_requests_ += delta.unanswered_requests;
  oldest_unanswered_us_ = std::max(oldest_unanswered_us_, delta.oldest_unanswered_us);
  for (auto& e : delta.entries) {
    if (e.num_requests == 0) continue;
    auto [it, inserted] = entries_.try_emplace(std::make_pair(e.name, e.method));
    if (inserted) {
      it->second.method = e.method;
      it->second.name = e.name;
    }
    merge_entry(it->second, e);
    merge_entry(total_, e);
    open_has_requests_ = true;
    open_last_taken_at_ = std::max(open_last_taken_at_, delta.taken_at_unix_s);
  }
  for (auto& f : delta.failures) {
    failures_[std::make_tuple(std::move(f.name), std::move(f.method), std::move(f.error))] += f.occurrences;
  }
  for (auto& ex : delta.exceptions) {
    std::string key = ex.message + '\0' + ex.where;
    auto it = exception_index_.find(key);
    if (it != exception_index_.end()) {
      exceptions_[it->second].count += ex.count;
      continue;
    }
    exception_index_.emplace(std::move(key), exceptions_.size());
    exceptions_.push_back(ExceptionRow{ex.count, std::move(ex.message), std::move(ex.where), "local"});
  }
}

void Aggregate::close_accum(Accum& a, std::int64_t second) {
  if (a.open_requests != 0) {
    a.ring.put(second, a.open_requests, a.open_failures, a.open_latency.to_sparse());
  }
  a.open_requests = a.open_failures = 0;
  a.open_latency.reset();
}

void Aggregate::close_second(std::int64_t unix_second, int user_count) {
  if (open_has_requests_) {
    last_request_second_ = std::max(last_request_second_, unix_second);
    // A delta without its own time (tests, old workers) is dated by the second it is counted in.
    double when = open_last_taken_at_ > 0 ? open_last_taken_at_ : static_cast<double>(unix_second);
    last_request_unix_s_ = std::max(last_request_unix_s_, when);
  }
  open_has_requests_ = false;
  open_last_taken_at_ = 0.0;
  for (auto& [key, a] : entries_) close_accum(a, unix_second);
  close_accum(total_, unix_second);
  last_closed_second_ = std::max(last_closed_second_, unix_second);
  user_count_ = user_count;

  auto block = std::make_shared<HistoryBlock>();
  block->timestamp = unix_second;
  block->user_count = user_count;
  if (keep_entry_history_) {
    block->entries.reserve(entries_.size());
    for (const auto& [key, a] : entries_)
      block->entries.push_back(history_row(entry_snapshot(a, unix_second, false)));
  }
  EntrySnapshot total = entry_snapshot(total_, unix_second, false);
  block->total = history_row(total);
  block->total_run_percentiles_us = total.percentiles_us;
  history_.push_back(std::move(block));
}

void Aggregate::clear_accum(Accum& a) {
  a.num_requests = a.num_failures = a.content_bytes = 0;
  a.latency.reset();
  a.uncorrected_latency.reset();
  a.open_requests = a.open_failures = 0;
  a.open_latency.reset();
  a.ring.clear();
}

void Aggregate::reset(double now_unix_s) {
  for (auto& [key, a] : entries_) clear_accum(a);
  clear_accum(total_);
  failures_.clear();
  exceptions_.clear();
  exception_index_.clear();
  dropped_iterations_ = 0;
  streams_.reset();
  unanswered_requests_ = 0;
  oldest_unanswered_us_ = 0;
  start_unix_s_ = now_unix_s;
  last_request_unix_s_ = 0.0;
  last_request_second_ = -1;
  open_has_requests_ = false;
  open_last_taken_at_ = 0.0;
}

double Aggregate::run_seconds() const {
  if (last_request_unix_s_ <= 0.0) return 0.0;
  return last_request_unix_s_ - start_unix_s_;
}

EntrySnapshot Aggregate::entry_snapshot(const Accum& a, std::int64_t window_end, bool with_histogram) const {
  EntrySnapshot e;
  e.method = a.method;
  e.name = a.name;
  e.num_requests = a.num_requests;
  e.num_failures = a.num_failures;
  if (a.num_requests != 0) {
    e.median_us = a.latency.value_at_rank((a.num_requests - 1) / 2);
    e.avg_us = a.latency.mean();
    e.min_us = a.latency.min();
    e.max_us = a.latency.max();
    e.avg_content_size = ratio(a.content_bytes, a.num_requests);
    a.latency.values_at_quantiles(kReportedQuantiles, e.percentiles_us);
    e.uncorrected_avg_us = a.uncorrected_latency.mean();
    e.uncorrected_max_us = a.uncorrected_latency.max();
    a.uncorrected_latency.values_at_quantiles(kReportedQuantiles, e.uncorrected_percentiles_us);
  }
  const double span = run_seconds();
  if (span > 0.0) {
    e.total_rps = static_cast<double>(a.num_requests) / span;
    e.total_fail_per_s = static_cast<double>(a.num_failures) / span;
  }
  if (last_request_second_ >= 0) {
    const auto start_second = static_cast<std::int64_t>(std::floor(start_unix_s_));
    const std::int64_t from = std::max(last_request_second_ - kRateLookback, start_second);
    auto rates = a.ring.mean_rates(from, last_request_second_ - kRateSkipNewest);
    e.current_rps = rates.requests_per_s;
    e.current_fail_per_s = rates.failures_per_s;
  }
  if (window_end >= 0) {
    recent_.reset();
    a.ring.merge_latency(window_end - kCurrentPercentileSeconds + 1, window_end, recent_);
    recent_.values_at_quantiles(kReportedQuantiles, e.current_percentiles_us);
  }
  if (with_histogram) {
    e.latency = std::make_shared<const Histogram>(a.latency);
    e.uncorrected_latency = std::make_shared<const Histogram>(a.uncorrected_latency);
  }
  return e;
}

HistoryRow Aggregate::history_row(const EntrySnapshot& e) const {
  HistoryRow r;
  r.method = e.method;
  r.name = e.name;
  r.current_rps = e.current_rps;
  r.current_fail_per_s = e.current_fail_per_s;
  r.percentiles_us = e.current_percentiles_us;
  r.num_requests = e.num_requests;
  r.num_failures = e.num_failures;
  r.median_us = e.median_us;
  r.avg_us = e.avg_us;
  r.min_us = e.min_us;
  r.max_us = e.max_us;
  r.avg_content_size = e.avg_content_size;
  return r;
}

Snapshot Aggregate::snapshot(double now_unix_s) const {
  Snapshot s;
  s.now_unix_s = now_unix_s;
  s.start_unix_s = start_unix_s_;
  s.last_request_unix_s = last_request_unix_s_;
  s.user_count = user_count_;
  // "Current" percentiles: the 10 seconds up to now (or the last closed second if the clock lags it).
  const std::int64_t window_end =
      std::max(static_cast<std::int64_t>(std::floor(now_unix_s)), last_closed_second_);
  s.entries.reserve(entries_.size());
  for (const auto& [key, a] : entries_) s.entries.push_back(entry_snapshot(a, window_end, true));
  s.total = entry_snapshot(total_, window_end, true);
  s.failures.reserve(failures_.size());
  for (const auto& [key, n] : failures_) {
    const auto& [name, method, error] = key;
    s.failures.push_back(FailureRow{method, name, error, n});
  }
  s.exceptions = exceptions_;
  s.history = history_;
  s.dropped_iterations = dropped_iterations_;
  s.streams = streams_.snapshot();
  s.unanswered_requests = unanswered_requests_;
  s.oldest_unanswered_us = oldest_unanswered_us_;
  s.stages = stages_;
  return s;
}

void Aggregate::mark_stage(double now_unix_s, std::string label) {
  stages_.push_back(StageMark{now_unix_s, std::move(label)});
}

}  // namespace cicada::stats
