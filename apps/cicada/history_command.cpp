// cicada history list|show|export|delete: the recorded runs (docs/history.md).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "ci_outputs.hpp"
#include "history_cli.hpp"
#include "history_commands.hpp"
#include "report/atomic_file.hpp"
#include "report/console_tables.hpp"
#include "report/latency_correction.hpp"
#include "report/locust_csv.hpp"
#include "report/markdown_results.hpp"
#include "report/run_load.hpp"
#include "report/stream_tables.hpp"

namespace cicada::app {
namespace {

std::string status_text(const report::RunInfo& i) {
  if (!i.complete) return "incomplete";
  return i.verdict.empty() ? "-" : i.verdict;
}

std::string cut(const std::string& s, std::size_t width) {
  return s.size() <= width ? s : "..." + s.substr(s.size() - (width - 3));
}

// Keeps the start (a load reads left to right: "stages 30s:10@5,...").
std::string cut_end(const std::string& s, std::size_t width) {
  return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

int list_runs(const report::HistoryDb& db, std::size_t limit) {
  auto runs = db.list(limit);
  if (!runs) {
    std::cerr << "cicada: " << runs.error().message << "\n";
    return 1;
  }
  constexpr auto kRow = "{:<22} {:<20} {:<24} {:<24} {:<34} {:>9} {:>8} {:>8} {:>8} {:>7}  {}\n";
  std::cout << fmt::format(kRow, "ID", "Date (UTC)", "Host", "Scenario", "Load", "Req/s", "p50 ms", "p95 ms",
                           "p99 ms", "Fail %", "Verdict");
  for (const auto& r : *runs) {
    const auto& t = r.total;
    std::cout << fmt::format(
        kRow, r.info.id, report::utc_time_text(r.info.started_unix_s).substr(0, 19),
        cut(r.info.target_host, 24), cut(r.info.scenario_file, 24),
        cut_end(report::describe_load(report::run_load_from_config(r.info.config_json, r.info.users), {}),
                34),
        fmt::format("{:.1f}", t.total_rps), report::console_ms(t.percentiles_us[0]),
        report::console_ms(t.percentiles_us[5]), report::console_ms(t.percentiles_us[7]),
        fmt::format("{:.2f}", t.fail_ratio() * 100), status_text(r.info));
  }
  if (runs->empty()) std::cout << "(no runs recorded yet)\n";
  return 0;
}

// An arrival-rate run: its iterations had due times, so corrected and uncorrected latency can differ. The
// run's own flags are in its config; a scenario file's arrival_rate stages show as "/s" stage labels.
bool is_open_model(const report::StoredRun& run) {
  if (run.snapshot.dropped_iterations > 0) return true;
  const auto config = nlohmann::json::parse(run.info.config_json, nullptr, false);
  if (config.is_object() && config.value("arrival_rate", 0.0) > 0) return true;
  for (const auto& m : run.snapshot.stages)
    if (m.label.find("/s") != std::string::npos) return true;
  return false;
}

// The configuration as stored, but a capacity search's curve (every step and window: ~10 kB on one line)
// is named, not printed: `cicada report --html` draws it.
std::string config_text(const std::string& config_json) {
  auto config = nlohmann::json::parse(config_json, nullptr, false);
  if (!config.is_object() || !config.contains("result")) return config_json;
  config["result"] = "(the search's steps: cicada report --html FILE ID)";
  return config.dump();
}

int show_run(const report::StoredRun& run) {
  const auto& i = run.info;
  std::cout << fmt::format("Run        {}\nStatus     {}\nStarted    {}\n", i.id,
                           i.complete ? "complete" : "incomplete (never finished: killed or still running)",
                           report::utc_time_text(i.started_unix_s));
  if (i.ended_unix_s)
    std::cout << fmt::format("Ended      {} ({:.1f} s)\n", report::utc_time_text(*i.ended_unix_s),
                             *i.ended_unix_s - i.started_unix_s);
  std::cout << fmt::format("Machine    {}\nTarget     {}\nScenario   {} (sha256 {})\nGit commit {}\n",
                           i.machine, i.target_host, i.scenario_file, i.scenario_sha256,
                           i.git_commit.empty() ? "-" : i.git_commit);
  std::cout << fmt::format(
      "Load       {}\n",
      report::describe_load(report::run_load_from_config(i.config_json, i.users), run.snapshot));
  std::cout << fmt::format("Exit code  {}\nEnded by   {}\nVerdict    {}\nConfig     {}\nSeconds    {}\n\n",
                           i.exit_code ? std::to_string(*i.exit_code) : "-",
                           i.ended_by.empty() ? "-" : i.ended_by, status_text(i), config_text(i.config_json),
                           run.snapshot.history.size());
  if (!i.complete) {
    // Its final figures were never written: those of the last second it recorded, marked as such.
    if (run.snapshot.history.empty()) {
      std::cout << "No second recorded: no figures.\n";
      return 0;
    }
    std::cout << fmt::format(
        "Figures as of its last recorded second ({}, +{:.0f} s): the run never recorded its end. "
        "Aggregated only\n\n",
        report::utc_time_text(run.snapshot.now_unix_s), run.snapshot.now_unix_s - i.started_unix_s);
    std::cout << report::console_stats_table(run.snapshot, false)
              << report::console_percentiles_table(run.snapshot);
    return 0;
  }
  std::cout << report::console_stats_table(run.snapshot, false)
            << report::console_percentiles_table(run.snapshot) << report::console_failures_table(run.snapshot)
            << report::console_streams_table(run.snapshot);  // nothing when nothing streamed
  if (!run.snapshot.stages.empty()) {
    std::cout << "Stages (from the start of the run)\n";
    for (const auto& m : run.snapshot.stages)
      std::cout << fmt::format("  +{:.1f} s  {}\n", m.start_unix_s - i.started_unix_s, m.label);
  }
  if (is_open_model(run)) std::cout << report::latency_correction_table(run.snapshot);
  if (!run.thresholds.empty()) {
    std::cout << "Thresholds\n";
    for (const auto& t : run.thresholds)
      std::cout << fmt::format("  {:<4} {:<40} {:<28} actual {} (limit {})\n", t.passed ? "PASS" : "FAIL",
                               t.threshold, t.entry, t.actual_text, t.limit_text);
  }
  return 0;
}

int export_run(const report::StoredRun& run, const std::string& prefix, const std::string& json_file,
               const std::string& junit_file) {
  if (!json_file.empty() || !junit_file.empty()) {
    if (!write_ci_outputs(run, json_file, junit_file)) return 1;
    for (const auto& f : {json_file, junit_file})
      if (!f.empty()) std::cout << "Wrote " << f << "\n";
  }
  if (prefix.empty()) return 0;
  bool full = false;  // per-entry history rows were kept: export them too
  for (const auto& b : run.snapshot.history) full = full || !b->entries.empty();
  if (auto r = report::write_locust_csvs(run.snapshot, prefix, full); !r) {
    std::cerr << "cicada: " << r.error().message << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "Wrote {0}_stats.csv, {0}_stats_history.csv, {0}_failures.csv, {0}_exceptions.csv\n", prefix);
  if (run.snapshot.streams.empty())
    return 0;  // as the run's own --csv: the file only when something streamed
  if (auto r = report::write_file_atomically(prefix + "_streams.csv", report::streams_csv(run.snapshot));
      !r) {
    std::cerr << "cicada: " << r.error().message << "\n";
    return 1;
  }
  std::cout << fmt::format("Wrote {}_streams.csv\n", prefix);
  return 0;
}

}  // namespace

int run_history_command(int argc, char** argv) {
  CLI::App app{"cicada history: the recorded runs (docs/history.md)", "cicada history"};
  app.require_subcommand(1);
  std::string db_path = ".cicada/history.db";
  add_history_db_option(app, db_path);
  std::size_t limit = 20;
  std::string ref, prefix, json_file, junit_file;
  auto* list = app.add_subcommand("list", "Table of runs, newest first");
  list->add_option("-n,--limit", limit, "Runs to show (0: all; default 20)");
  auto* show = app.add_subcommand("show", "One run: settings, final stats, thresholds");
  auto* exp = app.add_subcommand("export", "One run's four Locust-format CSVs, JSON summary or JUnit XML");
  auto* del = app.add_subcommand("delete", "Remove one run and everything recorded with it");
  for (auto* sub : {show, exp, del})
    sub->add_option("ID", ref, "Run id, a unique prefix of one, latest or previous")->required();
  exp->add_option("--csv", prefix, "Write PREFIX_stats.csv etc.");
  exp->add_option("--json", json_file, "Write the run's JSON summary to FILE (docs/ci.md)");
  exp->add_option("--junit", junit_file, "Write the run as JUnit XML to FILE (docs/ci.md)");
  for (auto* sub : {list, show, exp, del}) add_history_db_option(*sub, db_path);
  if (auto code = parse_subcommand(app, argc, argv)) return *code;
  if (exp->parsed() && prefix.empty() && json_file.empty() && junit_file.empty()) {
    std::cerr << "cicada history export: give --csv PREFIX, --json FILE and/or --junit FILE\n";
    return kUsageExit;
  }

  auto db = open_history(db_path, del->parsed());
  if (!db) return kUsageExit;
  if (list->parsed()) return list_runs(*db, limit);
  auto id = resolve_run(*db, ref, false);
  if (!id) return kUsageExit;
  if (del->parsed()) {
    auto removed = db->remove(*id);
    if (!removed) {
      std::cerr << "cicada: " << removed.error().message << "\n";
      return 1;
    }
    std::cout << "Deleted run " << *id << "\n";
    return 0;
  }
  auto run = load_run(*db, *id);
  if (!run) return 1;
  return show->parsed() ? show_run(*run) : export_run(*run, prefix, json_file, junit_file);
}

}  // namespace cicada::app
