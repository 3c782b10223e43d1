#pragma once
// What the run history records about a run besides its stats: where it ran, what it ran (scenario and
// its hash, the working directory's git commit) and the full effective configuration.
#include <filesystem>
#include <string>

#include "cli_options.hpp"
#include "report/history_db.hpp"
#include "report/run_load.hpp"
#include "runner/run_options.hpp"

namespace cicada::app {

// A fresh RunInfo (new id, start time now) for the run about to start; `load` is stored in its
// configuration JSON under "load" (report/run_load.hpp).
report::RunInfo make_run_info(const CliOptions& o, const runner::RunOptions& effective, std::uint64_t seed,
                              const report::RunLoad& load);

// `git rev-parse HEAD` in the working directory; "" when it is not a git work tree or git is missing.
std::string git_commit_of_working_dir();
// Hex SHA-256 of the file's bytes; "" when it cannot be read.
std::string sha256_of_file(const std::filesystem::path& file);

}  // namespace cicada::app
