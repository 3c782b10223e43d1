#pragma once
// compare: two runs' final stats side by side, per request stats entry, with a verdict per metric that
// does not call noise a change. The rule (docs/history.md, "Comparing runs"):
//   - req/s: better/worse when the relative change is beyond the tolerance;
//   - p50/p95/p99: better/worse when the relative change is beyond the tolerance AND the absolute change
//     is at least min_latency_change_us AND both runs hold at least 10 samples above that percentile
//     (fewer: the percentile is one or two samples and says nothing; the verdict is "same", flagged);
//   - failure ratio: better/worse when a two-proportion z-test gives |z| >= 3 (a chance difference of
//     that size is under 0.3%) AND the relative change is beyond the tolerance.
//   - an entry that streamed in both runs: its time to first token and inter-token gap p50/p95/p99
//     ("ttft p95", "itl p99"), by the latency rule over their own samples (streams with a token, gaps).
//   - an entry with requests in A (at least min_tail_samples) and none in B: "requests" worse (B no longer
//     tests it); with fewer, "same (few samples)"; one only in B is listed, not judged.
#include <cstdint>
#include <string>
#include <vector>

#include "stats/snapshot.hpp"

namespace cicada::report {

enum class Verdict { kBetter, kWorse, kSame };
std::string_view verdict_text(Verdict v);

struct CompareOptions {
  double tolerance = 0.10;                    // relative change treated as noise (0.10 = 10%)
  std::int64_t min_latency_change_us = 1000;  // latency changes smaller than this are noise
  double min_z = 3.0;                         // failure ratio: the z-score a real change needs
  std::uint64_t min_tail_samples = 10;        // samples above a percentile needed to judge it
};

struct MetricChange {
  std::string metric;  // "req/s", "p50", "p95", "p99", "fail ratio"; streams: "ttft p50" ... "itl p99";
                       // "requests" (a count) for an entry missing in B
  double a = 0;        // us for latencies, fraction for the ratio, per second for req/s
  double b = 0;
  double relative = 0;  // (b - a) / a; 0 when a == 0 == b, +inf-ish (1e9) when only a is 0
  Verdict verdict = Verdict::kSame;
  bool low_samples = false;  // too few samples to judge: verdict forced to "same"
};

struct EntryComparison {
  std::string method;  // "" for Aggregated
  std::string name;
  bool in_a = true, in_b = true;  // only in B: no metrics; only in A: "requests", worse (if it made any)
  std::vector<MetricChange> metrics;
  std::string label() const { return method.empty() ? name : method + " " + name; }
};

struct Comparison {
  std::string a_id, b_id;
  CompareOptions options;
  std::vector<EntryComparison> entries;  // entries of A then new ones of B, Aggregated last
  bool regression() const;               // any metric judged worse
};

Comparison compare_runs(const stats::Snapshot& a, const stats::Snapshot& b, const CompareOptions& options);

std::string compare_table(const Comparison& c);     // for the terminal
std::string compare_markdown(const Comparison& c);  // a GitHub table
std::string compare_json(const Comparison& c);      // for scripts

}  // namespace cicada::report
