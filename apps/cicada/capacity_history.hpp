#pragma once
// Records a capacity search in the run history (docs/history.md) as one run, written when the search
// ends: its configuration JSON says "kind": "capacity" and carries the plan, the objectives, every
// step's figures and the result (what --json writes); its stats are the whole search's per-second
// history; its verdict is "pass" when the search exits 0 (its limit found), "fail" otherwise. Schema v1 has
// no column for the kind of a run, hence the JSON. A search stopped before its end is not recorded.
#include <string>

#include "base/result.hpp"
#include "runner/capacity_search.hpp"

namespace cicada::app {

struct CapacityRecord {
  std::string scenario_file;
  std::string host;
  std::string config_json;  // {"kind": "capacity", plan, objectives, "result": {...}}
  double started_unix_s = 0;
  int users = 0;  // users mode: the highest sustainable users; 0 in rate mode
};

// Writes the run; returns its id. The caller logs an error: history never fails a search.
Result<std::string> record_capacity_search(const std::string& db_path, const CapacityRecord& record,
                                           const runner::CapacityResult& result, int exit_code);

}  // namespace cicada::app
