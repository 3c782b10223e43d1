#include "webui/workers_json.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "report/json_dump.hpp"

namespace cicada::webui {

std::string with_workers(std::string stats_json,
                         const std::optional<std::vector<runner::WorkerStatus>>& workers, bool pretty) {
  if (!workers) return stats_json;
  // Parsing the rendered object again costs a master a few microseconds a second, and spares the stats
  // renderer a parameter only the master uses.
  auto out = nlohmann::json::parse(stats_json, nullptr, false);
  if (!out.is_object()) return stats_json;
  auto rows = nlohmann::json::array();
  for (const auto& w : *workers) {
    rows.push_back({{"id", w.id},
                    {"state", w.state},
                    {"user_count", w.user_count},
                    {"cpu_usage", w.cpu_percent},
                    {"memory_usage", w.memory_bytes}});
  }
  // Missing workers are listed (as Locust does) but not counted: worker_count is the workers that run.
  out["worker_count"] = std::count_if(workers->begin(), workers->end(),
                                      [](const runner::WorkerStatus& w) { return w.state != "missing"; });
  out["workers"] = std::move(rows);
  return report::dump_json(out, pretty);
}

}  // namespace cicada::webui
