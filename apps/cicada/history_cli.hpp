#pragma once
// Shared plumbing of the run-history subcommands (history, compare, report): parsing their command
// line, the --history-db option and opening the database read-only.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "report/history_db.hpp"

namespace cicada::app {

inline constexpr int kUsageExit = 2;

// Parses argv (argv[0] is the subcommand). Returns nullopt to go on, or the exit code to return now:
// 0 after --help, 2 after a usage error (message printed).
std::optional<int> parse_subcommand(CLI::App& app, int argc, char** argv);

// Adds --history-db (default .cicada/history.db) to a subcommand.
void add_history_db_option(CLI::App& app, std::string& path);

// Opens an existing history database, read-only unless the command writes (`history delete`): reading
// never needs write access to the file or its folder. Prints the error and returns nullopt when it cannot.
std::optional<report::HistoryDb> open_history(const std::string& path, bool writes = false);

// Resolves a run reference (id, prefix, latest, previous); prints the error and returns nullopt.
std::optional<std::string> resolve_run(const report::HistoryDb& db, const std::string& ref,
                                       bool complete_only);

// Loads a run; prints the error and returns nullopt.
std::optional<report::StoredRun> load_run(const report::HistoryDb& db, const std::string& id);

}  // namespace cicada::app
