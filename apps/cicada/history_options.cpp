// g++ 12 at -O2 reports a false "potential null pointer dereference" inside CLI11's split() once it is
// inlined here (as http/client does for Asio).
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include "history_options.hpp"

#include <CLI/CLI.hpp>

#include "cli_options.hpp"
#include "not_blank_check.hpp"

namespace cicada::app {

std::vector<std::string> HistoryOptions::threshold_list() const {
  std::vector<std::string> out;
  for (const auto& value : thresholds) {
    std::size_t from = 0;
    for (;;) {
      const auto semi = value.find(';', from);
      std::string part = value.substr(from, semi == std::string::npos ? std::string::npos : semi - from);
      if (part.find_first_not_of(" \t") != std::string::npos) out.push_back(std::move(part));
      if (semi == std::string::npos) break;
      from = semi + 1;
    }
  }
  return out;
}

void add_history_flags(CLI::App& app, CliOptions& o) {
  HistoryOptions& h = o.history;
  // expected(1): one value per occurrence, so a threshold's spaces survive the config-file layering.
  app.add_option(
         "--threshold", h.thresholds,
         "Pass/fail limit, repeatable: 'p95 < 200ms', 'POST /predict: p99 < 50ms', 'fail_ratio < 1%', "
         "'rps > 1000' (several in one value: separate with ';'). Any failed: exit code 3")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(kNotBlank);
  app.add_flag("--abort-on-threshold", h.abort_on_threshold,
               "Stop the test as soon as an upper limit (<, <=) is broken instead of at the end");
  app.add_option("--history-db", h.history_db, "Run history database (default .cicada/history.db)");
  app.add_flag("--no-history", h.no_history, "Do not record this run in the history database");
  app.add_option(
         "--json", h.json_file,
         "Write the run's results as JSON to FILE when it ends (versioned summary for CI, docs/ci.md)")
      ->check(kNotBlank);
  app.add_option("--junit", h.junit_file,
                 "Write a JUnit XML report to FILE when the run ends: one test case per threshold and per "
                 "request entry (failed when it had failures), for CI test reporters")
      ->check(kNotBlank);
}

}  // namespace cicada::app
