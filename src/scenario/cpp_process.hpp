#pragma once
// Running the system C++ compiler for C++ scenarios: a child process with an argv (no shell, so paths
// with spaces or quotes need no escaping), capturing its stdout or its stderr, or letting it write to ours.
#include <string>
#include <vector>

#include "base/result.hpp"

namespace cicada::scenario {

struct ProcessOutcome {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;     // the captured stream (stdout or stderr), when one is captured
};

// Which of the child's streams run_process returns; the others are ours.
enum class Capture { kNothing, kStdout, kStderr };

// Runs argv[0] (looked up in PATH) to completion. Fails only when the program cannot be started.
Result<ProcessOutcome> run_process(const std::vector<std::string>& argv, Capture capture);

}  // namespace cicada::scenario
