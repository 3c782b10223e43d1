#pragma once
// The distributed master's additions to /stats/requests, as Locust's master adds them: "workers" (one row
// per connected worker: id, state, user_count, cpu_usage in % of one core, memory_usage in bytes) and
// "worker_count". Kept apart from stats_json so the stats rendering stays the same for both runners.
#include <optional>
#include <string>
#include <vector>

#include "runner/worker_status.hpp"

namespace cicada::webui {

// `stats_json` (an object) with the workers added; unchanged when `workers` is nullopt (a single process).
std::string with_workers(std::string stats_json,
                         const std::optional<std::vector<runner::WorkerStatus>>& workers, bool pretty);

}  // namespace cicada::webui
