#pragma once
// RunOptions as JSON, for the run history's configuration and reports: one key per field that
// runner::visit_run_options lists (durations as "1m30s" text, an absent one as ""), so a new option
// shows up in `cicada history show` without an edit here.
#include <nlohmann/json_fwd.hpp>

#include "runner/run_options.hpp"

namespace cicada::report {

// Adds (or replaces) the options' keys in `object`.
void add_run_options(nlohmann::json& object, const runner::RunOptions& options);

}  // namespace cicada::report
