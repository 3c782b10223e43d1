#include "stats/aggregate.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "base/log.hpp"

namespace cicada::stats {

namespace {
constexpr std::int64_t kCurrentPercentileSeconds = 10;  // Locust's CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW
// Below this much measured time a current rate would be a guess from a handful of requests: it reads 0,
// as Locust's does in its first seconds.
constexpr double kMinRateSpanS = 0.2;

// Adds `node` to an exception's Nodes list ("w1, w2": Locust joins its set of node ids with ", "), once,
// in first-seen order. The list is as long as the fleet is, at most; node ids (a worker's
// hostname_pid_random, or "local") hold no ", ".
void add_node(std::string& nodes, std::string_view node) {
  std::string_view rest = nodes;
  while (!rest.empty()) {
    const auto comma = rest.find(", ");
    if (rest.substr(0, comma) == node) return;
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
  }
  if (!nodes.empty()) nodes += ", ";
  nodes += node;
}

double ratio(std::uint64_t num, std::uint64_t den) {
  return den ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}
}  // namespace

Aggregate::Aggregate(double start_unix_s) : start_unix_s_(start_unix_s) {
  total_.name = "Aggregated";
  // Locust's start-up row: the history's first block is the start, before any user or request.
  auto block = std::make_shared<HistoryBlock>();
  block->timestamp = static_cast<std::int64_t>(std::floor(start_unix_s));
  block->total = history_row(entry_snapshot(total_, -1, false));
  history_.append(std::move(block));
  last_closed_second_ = static_cast<std::int64_t>(std::floor(start_unix_s));
}

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
  open_taken_at_ = std::max(open_taken_at_, delta.taken_at_unix_s);
  due_iterations_ += delta.due_iterations;
  started_iterations_ += delta.started_iterations;
  dropped_iterations_ += delta.dropped_iterations;
  streams_.merge(std::move(delta.streams));
  unanswered_requests_ += delta.unanswered_requests;
  unanswered_counted_ += delta.unanswered_counted;
  oldest_unanswered_us_ = std::max(oldest_unanswered_us_, delta.oldest_unanswered_us);
  for (auto& e : delta.entries) {
    if (e.num_requests == 0) continue;
    if (entries_.size() >= kMaxEntries && !entries_.contains(std::make_pair(e.name, e.method))) {
      if (!names_folded_)
        log::warning(
            "More than {} distinct request names: the next ones are counted under '{}' (give the "
            "requests a name=, e.g. name=\"/item/[id]\", to group them)",
            kMaxEntries, kOtherNames);
      names_folded_ = true;
      e.name = std::string(kOtherNames);
    }
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
    // A failure of a name folded above (or by the thread) goes where its requests went.
    if (names_folded_ && !entries_.contains(std::make_pair(f.name, f.method)))
      f.name = std::string(kOtherNames);
    auto key = std::make_tuple(std::move(f.name), std::move(f.method), std::move(f.error));
    if (auto it = failures_.find(key); it != failures_.end()) {
      it->second += f.occurrences;
      continue;
    }
    std::size_t& texts = error_texts_[std::make_pair(std::get<0>(key), std::get<1>(key))];
    if (texts >= kMaxErrorsPerEntry || std::get<2>(key) == kOtherErrors) {
      std::get<2>(key) = std::string(kOtherErrors);
    } else {
      ++texts;
    }
    failures_[std::move(key)] += f.occurrences;
  }
  // A worker's delta names it (the master sets it); this process's own is Locust's "local".
  const std::string_view node = delta.node.empty() ? std::string_view("local") : std::string_view(delta.node);
  for (auto& ex : delta.exceptions) {
    std::string key = ex.message + '\0' + ex.where;
    if (exceptions_.size() >= kMaxExceptions && !exception_index_.contains(key)) {
      ex.message = std::string(kOtherExceptions);
      ex.where.clear();
      key = ex.message + '\0';
    }
    auto it = exception_index_.find(key);
    if (it != exception_index_.end()) {
      exceptions_[it->second].count += ex.count;
      add_node(exceptions_[it->second].nodes, node);
      continue;
    }
    exception_index_.emplace(std::move(key), exceptions_.size());
    exceptions_.push_back(
        ExceptionRow{ex.count, std::move(ex.message), std::move(ex.where), std::string(node)});
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
  unix_second = std::max(unix_second, last_closed_second_ + 1);
  if (open_has_requests_) {
    // A delta without its own time (tests, old workers) is dated by the second it is counted in.
    double when = open_last_taken_at_ > 0 ? open_last_taken_at_ : static_cast<double>(unix_second);
    last_request_unix_s_ = std::max(last_request_unix_s_, when);
  }
  const double end = open_taken_at_ > 0 ? open_taken_at_ : static_cast<double>(unix_second);
  recent_closes_.push_back(Closed{unix_second, end});
  if (recent_closes_.size() > kRateIntervals + 1) recent_closes_.erase(recent_closes_.begin());
  open_has_requests_ = false;
  open_last_taken_at_ = 0.0;
  open_taken_at_ = 0.0;
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
  block->streams = streams_.close_second();
  history_.append(std::move(block));
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
  error_texts_.clear();
  exceptions_.clear();
  exception_index_.clear();
  due_iterations_ = started_iterations_ = dropped_iterations_ = 0;
  streams_.reset();
  unanswered_requests_ = 0;
  unanswered_counted_ = 0;
  oldest_unanswered_us_ = 0;
  start_unix_s_ = now_unix_s;
  last_request_unix_s_ = 0.0;
  open_has_requests_ = false;
  open_last_taken_at_ = 0.0;
  open_taken_at_ = 0.0;
  recent_closes_.clear();
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
  std::tie(e.current_rps, e.current_fail_per_s) = current_rates(a);
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

std::pair<double, double> Aggregate::current_rates(const Accum& a) const {
  if (recent_closes_.empty()) return {0.0, 0.0};
  const std::size_t n = recent_closes_.size();
  const std::size_t first = n > kRateIntervals ? n - kRateIntervals : 0;
  // The window begins where the close before it ended, or at the stats start.
  const double begin = first > 0 ? recent_closes_[first - 1].end_unix_s : start_unix_s_;
  const double span = recent_closes_.back().end_unix_s - begin;
  if (span < kMinRateSpanS) return {0.0, 0.0};
  SecondRing::Counts sum;
  for (std::size_t i = first; i < n; ++i) {
    const auto c = a.ring.counts(recent_closes_[i].second);
    sum.requests += c.requests;
    sum.failures += c.failures;
  }
  return {static_cast<double>(sum.requests) / span, static_cast<double>(sum.failures) / span};
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
  s.history = history_.view();
  s.due_iterations = due_iterations_;
  s.started_iterations = started_iterations_;
  s.dropped_iterations = dropped_iterations_;
  s.streams = streams_.snapshot();
  s.unanswered_requests = unanswered_requests_;
  s.unanswered_counted = unanswered_counted_;
  s.oldest_unanswered_us = oldest_unanswered_us_;
  s.stages = stages_;
  return s;
}

void Aggregate::mark_stage(double now_unix_s, std::string label) {
  stages_.push_back(StageMark{now_unix_s, std::move(label)});
}

}  // namespace cicada::stats
