#include "report/run_summary_json.hpp"

#include "report/json_dump.hpp"
#include "report/markdown_results.hpp"
#include "report/run_load.hpp"
#include "report/unanswered.hpp"

namespace cicada::report {
namespace {

using nlohmann::json;

// {"p50": us, "p66": us, ..., "p100": us}: the keys thresholds use (p99.9 etc.).
json percentiles_json(const stats::Percentiles& p) {
  json out = json::object();
  for (std::size_t i = 0; i < p.size(); ++i) {
    std::string name(stats::kReportedQuantileNames[i]);
    name.pop_back();  // the '%'
    out["p" + name] = p[i];
  }
  return out;
}

json entry_json(const stats::EntrySnapshot& e) {
  json latency = {{"min", e.min_us}, {"avg", e.avg_us}, {"median", e.median_us}, {"max", e.max_us}};
  latency.update(percentiles_json(e.percentiles_us));
  json uncorrected = {{"avg", e.uncorrected_avg_us}, {"max", e.uncorrected_max_us}};
  uncorrected.update(percentiles_json(e.uncorrected_percentiles_us));
  return {{"method", e.method},
          {"name", e.name},
          {"requests", e.num_requests},
          {"failures", e.num_failures},
          {"fail_ratio", e.fail_ratio()},
          {"rps", e.total_rps},
          {"fail_per_s", e.total_fail_per_s},
          {"avg_content_size_bytes", e.avg_content_size},
          {"latency_us", std::move(latency)},
          {"uncorrected_latency_us", std::move(uncorrected)}};
}

// One stream histogram's figures, microseconds: {"count", "min", "avg", "max", "p50", ..., "p100"}; the
// figures are null without samples (a stream without tokens has no time to first token), never 0.
json stream_times_json(const std::shared_ptr<const stats::Histogram>& h, const stats::Percentiles& p) {
  const std::uint64_t count = h ? h->count() : 0;
  json out = {{"count", count}, {"min", nullptr}, {"avg", nullptr}, {"max", nullptr}};
  json values = percentiles_json(p);
  if (count == 0) {
    for (auto& value : values) value = nullptr;
  } else {
    out.update({{"min", h->min()}, {"avg", h->mean()}, {"max", h->max()}});
  }
  out.update(values);
  return out;
}

// A streamed-responses row (docs/protocols.md): what _streams.csv and the console's table show.
json stream_json(const stats::StreamSnapshot& s) {
  return {{"method", s.method},
          {"name", s.name},
          {"streams", s.streams},
          {"streams_cut", stats::cut_streams(s)},
          {"events", s.events},
          {"tokens", s.tokens},
          {"tokens_per_s", s.tokens_per_s},
          {"ttfb_us", stream_times_json(s.ttfb, s.ttfb_us)},
          {"ttft_us", stream_times_json(s.ttft, s.ttft_us)},
          {"itl_us", stream_times_json(s.itl, s.itl_us)},
          {"total_us", stream_times_json(s.total, s.total_us)}};
}

// {"total": the Aggregated row or null, "entries": [...]}: null and [] when nothing streamed. The rows are
// the entries, then Aggregated last (stats::StreamAggregate::snapshot()).
json streams_json(const std::vector<stats::StreamSnapshot>& rows) {
  json entries = json::array();
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) entries.push_back(stream_json(rows[i]));
  return {{"total", rows.empty() ? json(nullptr) : stream_json(rows.back())},
          {"entries", std::move(entries)}};
}

json run_json(const StoredRun& run) {
  const auto& i = run.info;
  json config = json::parse(i.config_json, nullptr, false);
  if (config.is_discarded()) config = json::object();
  json out = {{"id", i.id},
              {"recorded", i.recorded},
              {"complete", i.complete},
              {"ended_by", i.ended_by},
              {"started_unix_s", i.started_unix_s},
              {"started_utc", utc_time_text(i.started_unix_s)},
              {"ended_unix_s", i.ended_unix_s ? json(*i.ended_unix_s) : json(nullptr)},
              {"duration_s", i.ended_unix_s ? json(*i.ended_unix_s - i.started_unix_s) : json(nullptr)},
              {"machine", i.machine},
              {"target_host", i.target_host},
              {"scenario_file", i.scenario_file},
              {"scenario_sha256", i.scenario_sha256},
              {"git_commit", i.git_commit},
              {"users", i.users},
              {"load", describe_load(run_load_from_config(i.config_json, i.users), run.snapshot)},
              {"exit_code", i.exit_code ? json(*i.exit_code) : json(nullptr)},
              // Requests made that no entry counts yet: the requests made are total.requests +
              // unanswered_requests - unanswered_counted (docs/ci.md).
              {"unanswered_requests", run.snapshot.unanswered_requests},
              {"unanswered_counted", run.snapshot.unanswered_counted},
              {"oldest_unanswered_us", run.snapshot.oldest_unanswered_us},
              {"unanswered_streams_cut", unanswered_cut_streams(run.snapshot)},
              {"verdict", i.verdict},
              {"config", std::move(config)}};
  return out;
}

}  // namespace

nlohmann::json run_summary_json(const StoredRun& run) {
  const auto& s = run.snapshot;
  json entries = json::array();
  for (const auto& e : s.entries) entries.push_back(entry_json(e));
  json failures = json::array();
  for (const auto& f : s.failures)
    failures.push_back(
        {{"method", f.method}, {"name", f.name}, {"error", f.error}, {"occurrences", f.occurrences}});
  json exceptions = json::array();
  for (const auto& x : s.exceptions)
    exceptions.push_back(
        {{"count", x.count}, {"message", x.message}, {"traceback", x.traceback}, {"nodes", x.nodes}});
  json thresholds = json::array();
  for (const auto& t : run.thresholds)
    thresholds.push_back({{"threshold", t.threshold},
                          {"entry", t.entry},
                          {"passed", t.passed},
                          {"actual", t.actual},
                          {"limit", t.limit},
                          {"actual_text", t.actual_text},
                          {"limit_text", t.limit_text}});
  json stages = json::array();
  for (const auto& m : s.stages)
    stages.push_back({{"offset_s", m.start_unix_s - run.info.started_unix_s}, {"label", m.label}});
  return {{"format", "cicada-run-summary"},
          {"version", kRunSummaryVersion},
          {"run", run_json(run)},
          {"stats_start_unix_s", s.start_unix_s},
          {"total", entry_json(s.total)},
          {"entries", std::move(entries)},
          {"streams", streams_json(s.streams)},
          {"failures", std::move(failures)},
          {"exceptions", std::move(exceptions)},
          {"thresholds", std::move(thresholds)},
          {"open_model",
           {{"dropped_iterations", s.dropped_iterations},
            {"due_iterations", s.due_iterations},
            {"started_iterations", s.started_iterations}}},
          {"stages", std::move(stages)},
          {"seconds_recorded", s.history.size()}};
}

std::string run_summary_text(const StoredRun& run) {  // Names and error texts come from the target and may
                                                      // hold bytes that are not UTF-8: replaced, not thrown.
  return dump_json(run_summary_json(run), true) + "\n";
}

}  // namespace cicada::report
