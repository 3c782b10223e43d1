#include "report/markdown_results.hpp"

#include <fmt/format.h>

#include <ctime>

#include "report/console_tables.hpp"
#include "report/run_load.hpp"

namespace cicada::report {
namespace {

std::string ms(std::int64_t us) { return console_ms(us); }

std::string percent(double fraction) { return fmt::format("{:.2f}%", fraction * 100); }

// Markdown table cells must not break the table.
std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string verdict_or_status(const RunInfo& i) {
  if (!i.complete) return "incomplete";
  return i.verdict.empty() ? "-" : i.verdict;
}

}  // namespace

std::string utc_time_text(double unix_s) {
  const auto t = static_cast<std::time_t>(unix_s);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

std::string results_markdown(const StoredRun& latest, const std::vector<RunSummary>& trend) {
  const auto& i = latest.info;
  const auto& s = latest.snapshot;
  std::string out = "### Latest load test\n\n";
  out += fmt::format("Run `{}` on {}: scenario `{}` against {}, {}, {:.0f} s", i.id,
                     utc_time_text(i.started_unix_s), cell(i.scenario_file), cell(i.target_host),
                     cell(describe_load(run_load_from_config(i.config_json, i.users), s)),
                     i.ended_unix_s.value_or(i.started_unix_s) - i.started_unix_s);
  if (!i.git_commit.empty()) out += fmt::format(", commit `{}`", i.git_commit.substr(0, 12));
  out += fmt::format(". Verdict: **{}**.\n\n", verdict_or_status(i));
  out += "| Type | Name | Requests | Fails | Req/s | p50 (ms) | p95 (ms) | p99 (ms) | Max (ms) |\n";
  out += "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  auto row = [&](const stats::EntrySnapshot& e) {
    out += fmt::format("| {} | {} | {} | {} | {:.1f} | {} | {} | {} | {} |\n", e.method, cell(e.name),
                       e.num_requests, e.num_failures, e.total_rps, ms(e.percentiles_us[0]),
                       ms(e.percentiles_us[5]), ms(e.percentiles_us[7]), ms(e.max_us));
  };
  for (const auto& e : s.entries) row(e);
  row(s.total);
  if (!latest.thresholds.empty()) {
    out += "\n| Threshold | Entry | Actual | Result |\n|---|---|---:|---|\n";
    for (const auto& t : latest.thresholds)
      out += fmt::format("| `{}` | {} | {} | {} |\n", cell(t.threshold), cell(t.entry), t.actual_text,
                         t.passed ? "pass" : "**FAIL**");
  }
  out += fmt::format("\n### Trend (last {} runs, newest first)\n\n", trend.size());
  out += "| Run | Date | Load | Req/s | p50 (ms) | p95 (ms) | p99 (ms) | Fail ratio | Verdict |\n";
  out += "|---|---|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& r : trend) {
    const auto& t = r.total;
    out += fmt::format("| `{}` | {} | {} | {:.1f} | {} | {} | {} | {} | {} |\n", r.info.id,
                       utc_time_text(r.info.started_unix_s),
                       cell(describe_load(run_load_from_config(r.info.config_json, r.info.users), {})),
                       t.total_rps, ms(t.percentiles_us[0]), ms(t.percentiles_us[5]), ms(t.percentiles_us[7]),
                       percent(t.fail_ratio()), verdict_or_status(r.info));
  }
  out += "\n_Written by `cicada report --markdown --readme`; edits between the markers are replaced._\n";
  return out;
}

Result<std::string> replace_results_section(const std::string& document, const std::string& section) {
  const std::string start = kResultsStartMarker, end = kResultsEndMarker;
  const auto s = document.find(start);
  const auto e = document.find(end);
  const std::string body = start + "\n" + section + end;
  if (s == std::string::npos && e == std::string::npos) {
    std::string out = document;
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out + "\n" + body + "\n";
  }
  if (s == std::string::npos || e == std::string::npos || e < s)
    return make_error(std::string("expected both ") + kResultsStartMarker + " and then " + kResultsEndMarker);
  return document.substr(0, s) + body + document.substr(e + end.size());
}

}  // namespace cicada::report
