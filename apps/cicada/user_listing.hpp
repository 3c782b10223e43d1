#pragma once
// Locust's inspection flags: -l/--list (the scenario's user types), --show-task-ratio (the ratio tables)
// and --show-task-ratio-json. They load the scenario, print, and exit without running anything.
#include "cli_options.hpp"

namespace cicada::app {

bool wants_user_listing(const CliOptions& o);
// Prints what the flags ask for on stdout; the exit code (0, or 2 when the scenario does not load).
int print_user_listing(const CliOptions& o);

}  // namespace cicada::app
