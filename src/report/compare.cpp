#include "report/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/stream_tables.hpp"

namespace cicada::report {
namespace {

constexpr double kOnlyBIsNonZero = 1e9;  // relative change from 0 to something: "infinitely" more

double relative_change(double a, double b) {
  if (a == 0) return b == 0 ? 0 : kOnlyBIsNonZero;
  return (b - a) / a;
}

MetricChange change(std::string metric, double a, double b) {
  MetricChange m;
  m.metric = std::move(metric);
  m.a = a;
  m.b = b;
  m.relative = relative_change(a, b);
  return m;
}

// Direction-aware: higher_is_better for req/s, lower for latencies and failures.
Verdict direction(double relative, bool higher_is_better) {
  return (relative > 0) == higher_is_better ? Verdict::kBetter : Verdict::kWorse;
}

MetricChange rps_change(const stats::EntrySnapshot& a, const stats::EntrySnapshot& b,
                        const CompareOptions& o) {
  MetricChange m = change("req/s", a.total_rps, b.total_rps);
  if (std::abs(m.relative) > o.tolerance) m.verdict = direction(m.relative, true);
  return m;
}

// A time percentile (us) of samples_a and samples_b samples: the latency rule of compare.hpp.
MetricChange time_change(std::string metric, double va, double vb, std::uint64_t samples_a,
                         std::uint64_t samples_b, double quantile, const CompareOptions& o) {
  MetricChange m = change(std::move(metric), va, vb);
  auto tail = [&](std::uint64_t samples) { return static_cast<double>(samples) * (1.0 - quantile); };
  const auto needed = static_cast<double>(o.min_tail_samples);
  if (tail(samples_a) < needed || tail(samples_b) < needed) {
    m.low_samples = true;
    return m;
  }
  if (std::abs(m.relative) > o.tolerance && std::abs(vb - va) >= static_cast<double>(o.min_latency_change_us))
    m.verdict = direction(m.relative, false);
  return m;
}

MetricChange latency_change(const char* metric, std::size_t index, double quantile,
                            const stats::EntrySnapshot& a, const stats::EntrySnapshot& b,
                            const CompareOptions& o) {
  return time_change(metric, static_cast<double>(a.percentiles_us[index]),
                     static_cast<double>(b.percentiles_us[index]), a.num_requests, b.num_requests, quantile,
                     o);
}

// The entry's streamed-response row in a run, if it streamed there.
const stats::StreamSnapshot* stream_row(const stats::Snapshot& s, const stats::EntrySnapshot& e) {
  for (const auto& row : s.streams) {
    if (row.method == e.method && row.name == e.name) return &row;
  }
  return nullptr;
}

// Time to first token and inter-token gap, p50/p95/p99, by the same rule as the request latency, for an
// entry that streamed in both runs (docs/history.md, "Comparing runs").
void stream_changes(EntryComparison& out, const stats::StreamSnapshot& a, const stats::StreamSnapshot& b,
                    const CompareOptions& o) {
  for (auto [series, word] : {std::pair{StreamSeries::ttft, "ttft"}, std::pair{StreamSeries::itl, "itl"}}) {
    for (auto [index, label] : {std::pair<std::size_t, const char*>{0, "p50"}, {5, "p95"}, {7, "p99"}}) {
      out.metrics.push_back(time_change(fmt::format("{} {}", word, label),
                                        static_cast<double>(stream_value_us(a, series, index).value_or(0)),
                                        static_cast<double>(stream_value_us(b, series, index).value_or(0)),
                                        stream_samples(a, series), stream_samples(b, series),
                                        stats::kReportedQuantiles[index], o));
    }
  }
}

MetricChange fail_ratio_change(const stats::EntrySnapshot& a, const stats::EntrySnapshot& b,
                               const CompareOptions& o) {
  MetricChange m = change("fail ratio", a.fail_ratio(), b.fail_ratio());
  const auto na = static_cast<double>(a.num_requests), nb = static_cast<double>(b.num_requests);
  if (na == 0 || nb == 0) {
    m.low_samples = true;
    return m;
  }
  // Two-proportion z-test with the pooled ratio.
  const double pooled = static_cast<double>(a.num_failures + b.num_failures) / (na + nb);
  const double se = std::sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  const double z = se > 0 ? (m.b - m.a) / se : 0;
  if (std::abs(z) >= o.min_z && std::abs(m.relative) > o.tolerance) m.verdict = direction(m.relative, false);
  return m;
}

EntryComparison named(const stats::EntrySnapshot& s) {
  EntryComparison e;
  e.method = s.method;
  e.name = s.name;
  return e;
}

// An entry A requested that B never did: B lost part of the test (a task that fails before its request, a
// renamed or dropped endpoint); a gate on `compare` must not pass it (docs/history.md). One that only B has
// is new, not judged.
EntryComparison missing_in_b(const stats::EntrySnapshot& a, const CompareOptions& o) {
  EntryComparison e = named(a);
  e.in_b = false;
  if (a.num_requests == 0) return e;
  MetricChange m = change("requests", static_cast<double>(a.num_requests), 0);
  // A rare task (a few requests in A) can miss a run by chance: judged only on as many requests as a
  // percentile's tail needs (compare.hpp).
  if (a.num_requests < o.min_tail_samples)
    m.low_samples = true;
  else
    m.verdict = Verdict::kWorse;
  e.metrics.push_back(std::move(m));
  return e;
}

EntryComparison compare_entry(const stats::Snapshot& run_a, const stats::EntrySnapshot& a,
                              const stats::Snapshot& run_b, const stats::EntrySnapshot& b,
                              const CompareOptions& o) {
  EntryComparison e = named(a);
  e.metrics.push_back(rps_change(a, b, o));
  e.metrics.push_back(latency_change("p50", 0, 0.50, a, b, o));
  e.metrics.push_back(latency_change("p95", 5, 0.95, a, b, o));
  e.metrics.push_back(latency_change("p99", 7, 0.99, a, b, o));
  e.metrics.push_back(fail_ratio_change(a, b, o));
  const auto* sa = stream_row(run_a, a);
  const auto* sb = stream_row(run_b, b);
  if (sa && sb) stream_changes(e, *sa, *sb, o);
  return e;
}

}  // namespace

std::string_view verdict_text(Verdict v) {
  switch (v) {
    case Verdict::kBetter:
      return "better";
    case Verdict::kWorse:
      return "worse";
    case Verdict::kSame:
      return "same";
  }
  return "?";
}

bool Comparison::regression() const {
  return std::any_of(entries.begin(), entries.end(), [](const EntryComparison& e) {
    return std::any_of(e.metrics.begin(), e.metrics.end(),
                       [](const MetricChange& m) { return m.verdict == Verdict::kWorse; });
  });
}

Comparison compare_runs(const stats::Snapshot& a, const stats::Snapshot& b, const CompareOptions& o) {
  Comparison c;
  c.options = o;
  auto find = [](const stats::Snapshot& s, const stats::EntrySnapshot& e) -> const stats::EntrySnapshot* {
    for (const auto& x : s.entries) {
      if (x.method == e.method && x.name == e.name) return &x;
    }
    return nullptr;
  };
  for (const auto& ea : a.entries) {
    if (const auto* eb = find(b, ea)) {
      c.entries.push_back(compare_entry(a, ea, b, *eb, o));
    } else {
      c.entries.push_back(missing_in_b(ea, o));
    }
  }
  for (const auto& eb : b.entries) {
    if (find(a, eb)) continue;
    EntryComparison e = named(eb);
    e.in_a = false;
    c.entries.push_back(std::move(e));
  }
  c.entries.push_back(compare_entry(a, a.total, b, b.total, o));
  return c;
}

}  // namespace cicada::report
