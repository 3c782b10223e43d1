#pragma once
// One phrase for the load a run will apply, for the start-up log line and the web UI's start form.
#include <string>

#include "runner/run_options.hpp"

namespace cicada::runner {

// "10 users" (closed model), "arrival rate 200/s, max in-flight 1000" (open model: users mean nothing
// there), or the shape's first target with its stage ("... (stage 1/3: 10 users @ 5/s)").
std::string describe_load(const RunOptions& ro);

// The line a headless run starts with, local or a master's: "Starting cicada: <load>, host H, seed S".
std::string start_line(const RunOptions& ro);

}  // namespace cicada::runner
