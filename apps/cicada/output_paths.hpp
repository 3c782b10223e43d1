#pragma once
// The report files a run writes at its end (--csv, --json, --junit, --html) are checked before it starts:
// a folder that does not exist or cannot be written is a usage error (exit 2) at once, not a run that
// measured for minutes, wrote nothing and exited 0 (a CI job would pass with no report).
#include <optional>
#include <string>

#include "cli_options.hpp"

namespace cicada::app {

// What is wrong with the first output path that cannot be written ("--csv out/run: the folder 'out'
// does not exist"), or nullopt. Nothing is created or truncated: the files are written at the end.
std::optional<std::string> output_path_problem(const CliOptions& o);

}  // namespace cicada::app
