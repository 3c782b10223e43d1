#pragma once
// A reader of the Prometheus text exposition format (what a `/metrics` endpoint serves), for
// `cicada capacity --server-metrics`: the target's bytes are untrusted, so the reader never throws, skips
// what it cannot read (counting it) and bounds what it keeps. Then the figures a capacity step shows
// next to the client's: rates of request counters, in-flight gauges, and the mean and percentiles of
// latency histograms over the step, from two scrapes.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cicada::report {

struct PromSample {
  std::string name;                           // metric name as written (a histogram's _bucket/_sum/_count)
  std::map<std::string, std::string> labels;  // label name -> unescaped value
  double value = 0;
};

struct PromScrape {
  std::vector<PromSample> samples;
  std::map<std::string, std::string> types;  // family name -> "counter", "gauge", "histogram", ...
  std::size_t skipped_lines = 0;             // lines that were not valid samples or comments
};

inline constexpr std::size_t kMaxPromSamples = 100'000;  // more are skipped (counted)

PromScrape parse_prometheus_text(std::string_view text);

// What one step shows of the target, from the scrapes at its start and end `seconds` apart; keys:
//   "<counter> /s"              every counter whose name has "request" in it (summed over labels)
//   "<counter> code=<c> /s"     the same per status code, for codes 4xx/5xx
//   "<gauge>"                   gauges whose name has "flight" or "queue" in it (the later value)
//   "<histogram> avg ms", "<histogram> p50 ms", "<histogram> p95 ms"   histograms of seconds
//   "process cpu"               process_cpu_seconds_total as a share of one core
std::map<std::string, double> server_figures(const PromScrape& before, const PromScrape& after,
                                             double seconds);

// How a figure reads in the console and the HTML report: "process cpu" as a share of a core ("99% of a
// core", as the capacity search's stop reasons say it), the rest as scraped, 4 significant digits.
std::string server_figure_text(std::string_view name, double value);

}  // namespace cicada::report
