#pragma once
// Running the system C++ compiler for C++ scenarios: a child process with an argv (no shell, so paths
// with spaces or quotes need no escaping), either capturing its stdout or letting it write to ours.
#include <string>
#include <vector>

#include "base/result.hpp"

namespace cicada::scenario {

struct ProcessOutcome {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;     // stdout, when captured
};

// Runs argv[0] (looked up in PATH) to completion. With capture_stdout its stdout is returned; otherwise
// stdout and stderr are ours, so a compiler's diagnostics reach the user exactly as it printed them.
// Fails only when the program cannot be started.
Result<ProcessOutcome> run_process(const std::vector<std::string>& argv, bool capture_stdout);

}  // namespace cicada::scenario
