#pragma once
#include "cli_options.hpp"

namespace cicada::app {

// Loads the scenario, runs the test with its observers (console, CSV, ...), returns the exit code.
int run_load_test(const CliOptions& options);

}  // namespace cicada::app
