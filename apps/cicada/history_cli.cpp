#include "history_cli.hpp"

#include <algorithm>
#include <iostream>
#include <vector>

namespace cicada::app {

std::optional<int> parse_subcommand(CLI::App& app, int argc, char** argv) {
  // The vector form (last word first), as cli_options.cpp does: the argc/argv overload trips g++ 12's
  // -Wnull-dereference inside CLI11.
  std::vector<std::string> words(argv + 1, argv + argc);
  std::reverse(words.begin(), words.end());
  try {
    app.parse(std::move(words));
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kUsageExit;
  }
  return std::nullopt;
}

void add_history_db_option(CLI::App& app, std::string& path) {
  app.add_option("--history-db", path, "Run history database (default .cicada/history.db)");
}

std::optional<report::HistoryDb> open_history(const std::string& path, bool writes) {
  auto db = writes ? report::HistoryDb::open(path, false) : report::HistoryDb::open_read_only(path);
  if (!db) {
    std::cerr << "cicada: " << db.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*db);
}

std::optional<std::string> resolve_run(const report::HistoryDb& db, const std::string& ref,
                                       bool complete_only) {
  auto id = db.resolve(ref, complete_only);
  if (!id) {
    std::cerr << "cicada: " << id.error().message << "\n";
    return std::nullopt;
  }
  return *id;
}

std::optional<report::StoredRun> load_run(const report::HistoryDb& db, const std::string& id) {
  auto run = db.load(id);
  if (!run) {
    std::cerr << "cicada: " << run.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*run);
}

}  // namespace cicada::app
