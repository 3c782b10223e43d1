#include "report/prometheus_exposition.hpp"

#include <fmt/format.h>

#include <cmath>

#include "report/utf8_text.hpp"

namespace cicada::report {
namespace {

// A label value: valid UTF-8 with \, " and newline escaped, as the exposition format requires.
std::string label(std::string_view s) {
  std::string out;
  for (char c : valid_utf8(s)) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string labels(const stats::EntrySnapshot& e) {
  return fmt::format("method=\"{}\",name=\"{}\"", label(e.method), label(e.name));
}

// A bucket bound as Prometheus's own clients write it: "0.001", "1.0", "60.0".
std::string le_text(double v) { return v == std::trunc(v) ? fmt::format("{:.1f}", v) : fmt::format("{}", v); }

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// Samples at or below each bound: a histogram bucket counts once its largest value is at or below it.
std::array<std::uint64_t, kPrometheusLatencyBounds.size()> cumulative(const stats::EntrySnapshot& e) {
  std::array<std::uint64_t, kPrometheusLatencyBounds.size()> out{};
  if (!e.latency) return out;
  e.latency->for_each_bucket([&](const stats::HistogramBucket& b) {
    const double high_s = static_cast<double>(stats::Histogram::bucket_high(b.index)) / 1e6;
    for (std::size_t i = 0; i < out.size(); ++i)
      if (high_s <= kPrometheusLatencyBounds[i] * (1 + 1e-12)) out[i] += b.count;
  });
  return out;
}

}  // namespace

std::string prometheus_text(const stats::Snapshot& snap) {
  std::string out;
  out.reserve(1024 + snap.entries.size() * 2048);
  family(out, "cicada_requests_total", "counter", "Completed requests, failures included, per entry.");
  for (const auto& e : snap.entries)
    out += fmt::format("cicada_requests_total{{{}}} {}\n", labels(e), e.num_requests);
  family(out, "cicada_failures_total", "counter", "Failed requests per entry.");
  for (const auto& e : snap.entries)
    out += fmt::format("cicada_failures_total{{{}}} {}\n", labels(e), e.num_failures);
  family(out, "cicada_current_rps", "gauge", "Requests per second over the last ~10 s, per entry.");
  for (const auto& e : snap.entries)
    out += fmt::format("cicada_current_rps{{{}}} {}\n", labels(e), e.current_rps);
  family(out, "cicada_request_duration_seconds", "histogram",
         "Latency from when each request was due (corrected for coordinated omission), per entry.");
  for (const auto& e : snap.entries) {
    const auto l = labels(e);
    const auto counts = cumulative(e);
    for (std::size_t i = 0; i < counts.size(); ++i)
      out += fmt::format("cicada_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", l,
                         le_text(kPrometheusLatencyBounds[i]), counts[i]);
    out += fmt::format("cicada_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", l, e.num_requests);
    out += fmt::format("cicada_request_duration_seconds_sum{{{}}} {}\n", l,
                       e.avg_us * static_cast<double>(e.num_requests) / 1e6);
    out += fmt::format("cicada_request_duration_seconds_count{{{}}} {}\n", l, e.num_requests);
  }
  family(out, "cicada_users", "gauge", "Running users (open model: iterations in flight).");
  out += fmt::format("cicada_users {}\n", snap.user_count);
  family(out, "cicada_dropped_iterations_total", "counter",
         "Open model: scheduled iterations that never started.");
  out += fmt::format("cicada_dropped_iterations_total {}\n", snap.dropped_iterations);
  family(out, "cicada_stats_start_timestamp_seconds", "gauge",
         "When the counters last started from 0 (Unix).");
  out += fmt::format("cicada_stats_start_timestamp_seconds {}\n", snap.start_unix_s);
  return out;
}

}  // namespace cicada::report
