// g++ 12 at -O2 reports a false "potential null pointer dereference" inside CLI11's split() once it is
// inlined here (as http/client does for Asio).
#pragma GCC diagnostic ignored "-Wnull-dereference"
// cicada report --markdown [--readme FILE] | --html FILE [ID...]: results of recorded runs as a README
// section or an HTML page.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "history_cli.hpp"
#include "history_commands.hpp"
#include "positive_check.hpp"
#include "report/atomic_file.hpp"
#include "report/markdown_results.hpp"
#include "report/stored_run_html.hpp"
#include "report/trend_html.hpp"

namespace cicada::app {
namespace {

bool write_file(const std::string& path, const std::string& text) {
  auto r = report::write_file_atomically(path, text);
  if (!r) std::cerr << "cicada: " << r.error().message << "\n";
  return static_cast<bool>(r);
}

int markdown_report(const report::HistoryDb& db, const std::string& readme, std::size_t last) {
  auto id = resolve_run(db, "latest", true);
  if (!id) return kUsageExit;
  auto latest = load_run(db, *id);
  auto trend = db.list(last);
  if (!latest || !trend) return 1;
  const auto section = report::results_markdown(*latest, *trend);
  if (readme.empty()) {
    std::cout << section;
    return 0;
  }
  std::ifstream in(readme, std::ios::binary);
  if (!in) {
    std::cerr << "cicada: " << readme << ": cannot read\n";
    return kUsageExit;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto updated = report::replace_results_section(text.str(), section);
  if (!updated) {
    std::cerr << "cicada: " << readme << ": " << updated.error().message << "\n";
    return kUsageExit;
  }
  if (*updated == text.str()) return 0;  // unchanged: leave the file (and its mtime) alone
  return write_file(readme, *updated) ? 0 : 1;
}

int html_report_file(const report::HistoryDb& db, const std::string& file, std::vector<std::string> refs) {
  if (refs.empty()) refs.push_back("latest");
  std::vector<report::StoredRun> runs;
  for (const auto& ref : refs) {
    auto id = resolve_run(db, ref, true);
    if (!id) return kUsageExit;
    auto run = load_run(db, *id);
    if (!run) return 1;
    runs.push_back(std::move(*run));
  }
  std::sort(runs.begin(), runs.end(), [](const report::StoredRun& a, const report::StoredRun& b) {
    return a.info.started_unix_s < b.info.started_unix_s;
  });
  // One run: its full report, as --html wrote it during the run; several: the trend across them.
  const auto page = runs.size() == 1 ? report::stored_run_html(runs.front()) : report::trend_html(runs);
  if (!write_file(file, page)) return 1;
  std::cout << "Wrote " << file << " (" << runs.size() << (runs.size() == 1 ? " run)\n" : " runs)\n");
  return 0;
}

}  // namespace

int run_report_command(int argc, char** argv) {
  CLI::App app{"cicada report: recorded results as a README section (--markdown) or an HTML page (--html)",
               "cicada report"};
  std::string db_path = ".cicada/history.db", readme, html;
  bool markdown = false;
  std::size_t last = 10;
  std::vector<std::string> ids;
  add_history_db_option(app, db_path);
  auto* md = app.add_flag("--markdown", markdown, "Latest run's summary and the trend of the last runs");
  app.add_option(
         "--readme", readme,
         "Write the markdown between <!-- cicada:results:start --> and <!-- cicada:results:end --> in "
         "FILE (appended with the markers when absent); without it, print it")
      ->needs(md);
  app.add_option("--last", last, "Runs in the markdown trend table (default 10)")->check(kAboveZero);
  auto* h = app.add_option(
      "--html", html,
      "Write an HTML page: one run's full report (default: the latest run), or the trend of several runs");
  h->excludes(md);
  app.add_option("ID", ids, "Runs for --html: ids, prefixes, latest, previous");
  if (auto code = parse_subcommand(app, argc, argv)) return *code;
  if (!markdown && html.empty()) {
    std::cerr << "cicada report: give --markdown or --html FILE (see --help)\n";
    return kUsageExit;
  }
  auto db = open_history(db_path);
  if (!db) return kUsageExit;
  return markdown ? markdown_report(*db, readme, last) : html_report_file(*db, html, ids);
}

}  // namespace cicada::app
