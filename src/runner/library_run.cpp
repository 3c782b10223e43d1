// cicada::run (include/cicada/run.hpp): the in-process entry point of cicada used as a library. The
// same LocalRunner the cicada command drives, without the console, CSV or signal handling around it.
#include <stdexcept>

#include "cicada/run.hpp"
#include "runner/local_runner.hpp"

namespace cicada {
namespace {

double ms(double us) { return us / 1000.0; }

std::size_t quantile_index(double q) {
  for (std::size_t i = 0; i < stats::kReportedQuantiles.size(); ++i) {
    if (stats::kReportedQuantiles[i] == q) return i;
  }
  throw std::logic_error("not a reported quantile");
}

EntrySummary summarize(const stats::EntrySnapshot& e) {
  static const std::size_t p90 = quantile_index(0.90), p95 = quantile_index(0.95), p99 = quantile_index(0.99);
  EntrySummary s;
  s.method = e.method;
  s.name = e.name;
  s.requests = e.num_requests;
  s.failures = e.num_failures;
  s.median_ms = ms(static_cast<double>(e.median_us));
  s.average_ms = ms(e.avg_us);
  s.min_ms = ms(static_cast<double>(e.min_us));
  s.max_ms = ms(static_cast<double>(e.max_us));
  s.p90_ms = ms(static_cast<double>(e.percentiles_us[p90]));
  s.p95_ms = ms(static_cast<double>(e.percentiles_us[p95]));
  s.p99_ms = ms(static_cast<double>(e.percentiles_us[p99]));
  s.requests_per_s = e.total_rps;
  s.average_content_size = e.avg_content_size;
  return s;
}

runner::RunOptions run_options(const Scenario& scenario, const RunConfig& config) {
  if (config.run_time.count() <= 0) {
    throw std::invalid_argument(
        "cicada::run: RunConfig::run_time must be positive (a library run ends by itself)");
  }
  if (config.users < 0) throw std::invalid_argument("cicada::run: RunConfig::users must be >= 0");
  if (config.spawn_rate <= 0) throw std::invalid_argument("cicada::run: RunConfig::spawn_rate must be > 0");
  runner::RunOptions o;
  o.host = config.host.empty() ? scenario.default_host : config.host;
  o.users = config.users;
  o.spawn_rate = config.spawn_rate;
  o.run_time = std::chrono::duration_cast<std::chrono::microseconds>(config.run_time);
  o.stop_timeout = std::chrono::duration_cast<std::chrono::microseconds>(config.stop_timeout);
  o.tags = config.tags;
  o.exclude_tags = config.exclude_tags;
  o.threads = config.threads;
  o.seed = config.seed;
  o.keep_entry_history = false;  // nobody reads the per-second history of a library run
  return o;
}

}  // namespace

RunSummary run(Scenario scenario, const RunConfig& config) {
  auto options = run_options(scenario, config);
  runner::LocalRunner runner(std::move(scenario), std::move(options));
  if (auto prepared = runner.prepare(); !prepared)
    throw std::invalid_argument("cicada::run: " + prepared.error().message);
  runner.run([](const stats::Snapshot&) {});

  const auto snap = runner.snapshot();
  RunSummary summary;
  for (const auto& e : snap->entries) summary.entries.push_back(summarize(e));
  summary.total = summarize(snap->total);
  for (const auto& f : snap->failures) summary.failures.push_back({f.method, f.name, f.error, f.occurrences});
  for (const auto& x : snap->exceptions) summary.exceptions += x.count;
  summary.duration_s =
      snap->last_request_unix_s > snap->start_unix_s ? snap->last_request_unix_s - snap->start_unix_s : 0;
  return summary;
}

}  // namespace cicada
