// cicada compare A B: per entry, the change in req/s, p50/p95/p99 and failure ratio with a verdict that
// accounts for noise (docs/history.md); exit 1 on a regression, for CI.
#include <fmt/format.h>

#include <iostream>

#include "history_cli.hpp"
#include "history_commands.hpp"
#include "report/compare.hpp"

namespace cicada::app {

int run_compare_command(int argc, char** argv) {
  CLI::App app{
      "cicada compare: two recorded runs side by side. Exit code 1 when B regressed beyond the noise "
      "rule (docs/history.md), 2 on bad usage",
      "cicada compare"};
  std::string db_path = ".cicada/history.db", a_ref, b_ref;
  double tolerance_pct = 10;
  double min_latency_ms = 1;
  bool markdown = false, json = false;
  add_history_db_option(app, db_path);
  app.add_option("A", a_ref, "Baseline run: id, unique prefix, latest or previous")->required();
  app.add_option("B", b_ref, "Run compared with it")->required();
  app.add_option("--tolerance", tolerance_pct, "Relative change (%) treated as noise (default 10)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--min-latency-change", min_latency_ms,
                 "Latency changes below this many ms are noise (default 1)")
      ->check(CLI::NonNegativeNumber);
  auto* md = app.add_flag("--markdown", markdown, "Print a markdown table");
  app.add_flag("--json", json, "Print JSON")->excludes(md);
  if (auto code = parse_subcommand(app, argc, argv)) return *code;

  auto db = open_history(db_path);
  if (!db) return kUsageExit;
  auto a_id = resolve_run(*db, a_ref, true);
  auto b_id = a_id ? resolve_run(*db, b_ref, true) : std::nullopt;
  if (!a_id || !b_id) return kUsageExit;
  // "latest" and "previous" skip runs that never finished: a newer one (a CI job's run, killed by its
  // timeout) would otherwise go unmentioned while two older runs are compared and pass.
  if (a_ref == "latest" || b_ref == "latest" || a_ref == "previous" || b_ref == "previous") {
    auto newest = db->resolve("latest", false);
    auto complete = db->resolve("latest", true);
    if (newest && complete && *newest != *complete && *newest != *a_id && *newest != *b_id)
      std::cerr << "cicada: warning: the newest run, " << *newest
                << ", never finished (killed, or still running) and is not compared: 'latest' is "
                << *complete << "\n";
  }
  auto a = load_run(*db, *a_id);
  auto b = a ? load_run(*db, *b_id) : std::nullopt;
  if (!a || !b) return kUsageExit;
  // A run named although it never recorded its end (latest and previous skip such runs) is compared by
  // the figures of the seconds it kept, and says so; one that kept none has nothing to compare.
  for (const auto* run : {&*a, &*b}) {
    if (run->info.complete) continue;
    if (run->snapshot.history.empty()) {
      std::cerr << "cicada: run " << run->info.id
                << " is incomplete (it never finished) and recorded no second: nothing to compare\n";
      return kUsageExit;
    }
    std::cerr << fmt::format(
        "cicada: warning: run {} is incomplete (it never recorded its end): compared by its Aggregated "
        "figures as of its last recorded second, +{:.0f} s\n",
        run->info.id, run->snapshot.now_unix_s - run->info.started_unix_s);
  }
  // Comparing a run with a run of something else says little: the figures are printed, with a warning.
  const auto& ai = a->info;
  const auto& bi = b->info;
  if (ai.scenario_file != bi.scenario_file || ai.scenario_sha256 != bi.scenario_sha256)
    std::cerr << "cicada: warning: the runs are of different scenarios (" << ai.scenario_file << " and "
              << bi.scenario_file << (ai.scenario_file == bi.scenario_file ? ", the file changed" : "")
              << "): the comparison may mean little\n";
  if (ai.target_host != bi.target_host)
    std::cerr << "cicada: warning: the runs are against different targets (" << ai.target_host << " and "
              << bi.target_host << ")\n";
  report::CompareOptions options;
  options.tolerance = tolerance_pct / 100.0;
  options.min_latency_change_us = static_cast<std::int64_t>(min_latency_ms * 1000.0);
  auto c = report::compare_runs(a->snapshot, b->snapshot, options);
  c.a_id = *a_id;
  c.b_id = *b_id;
  std::cout << (json       ? report::compare_json(c)
                : markdown ? report::compare_markdown(c)
                           : report::compare_table(c));
  return c.regression() ? 1 : 0;
}

}  // namespace cicada::app
