#pragma once
#include "cli_options.hpp"

namespace cicada::app {

// Loads the scenario, runs the test with console output, writes the CSVs, and returns the exit code.
int run_headless(const CliOptions& options);

}  // namespace cicada::app
