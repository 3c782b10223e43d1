#pragma once
// What drove a run, in the same words everywhere a run is described: the live report and --html, the
// web UI's /stats/report, `cicada report --html`, `history list/show`, --json and the README section.
//
//   "20 users (spawn rate 2/s)"                     closed model; users are the peak the run reached
//   "arrival rate 200/s (max in-flight 1000)"       open model at a constant rate
//   "arrival rate 200/s (Poisson arrivals, max in-flight 1000)"   ... with exponential gaps between arrivals
//   "stages 30s:10@5,1m:100@10"                     a staged shape (its rates: "stages 30s:50/s, ...")
//   "a load shape from the scenario"                a C++ scenario's own shape function
//   "capacity search by arrival rate from 100/s (p95 < 50ms): highest sustainable 1100/s"
//   "..., 3 workers"                                 a distributed run
//
// The facts are stored with the run (config JSON key "load"); runs recorded before that key existed are
// described from their other configuration keys.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "stats/snapshot.hpp"

namespace cicada::report {

// Filled where the load is decided: apps/cicada/shape_options.cpp (command line and scenario) and
// webui/test_controller.cpp (the start form).
struct RunLoad {
  std::string mode = "users";     // "users", "arrival_rate", "stages", "shape" or "capacity"
  int users = 0;                  // users: asked for at the start
  double spawn_rate = 0;          // users (and user stages without their own rate)
  double arrival_rate = 0;        // arrival_rate: iterations per second
  std::string stages;             // stages: as written ("30s:10@5,1m:100@10")
  std::size_t max_inflight = 0;   // open model (arrival rate or rate stages): 0 for a closed model
  bool poisson_arrivals = false;  // open model: exponential gaps between arrivals
  int workers = 0;                // distributed: workers at the start; 0 for a local run
  std::string capacity;           // capacity: the search and its outcome, in words
};

nlohmann::json run_load_json(const RunLoad& load);
// From a stored run's configuration JSON; `users` is the run's recorded users (RunInfo::users: the peak
// reached once it finished, as describe_load() reads it from a snapshot).
RunLoad run_load_from_config(const std::string& config_json, int users);

// The highest user count of the run's per-second history; `asked` when it has none, or only seconds of 0
// users while requests were made (a run shorter than a second).
int peak_users(const stats::Snapshot& snap, int asked);

// The phrase (see the top of this file). A users run reads its peak users from the snapshot, so a run
// edited from 20 to 40 users reads 40 in the live report and in the history alike.
std::string describe_load(const RunLoad& load, const stats::Snapshot& snap);

}  // namespace cicada::report
