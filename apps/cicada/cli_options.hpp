#pragma once
// The cicada command line: Locust's flags where Locust has them, layered as
// defaults < config file (cicada.conf or --config) < CICADA_* environment variables < flags.
#include <optional>
#include <string>
#include <vector>

#include "distributed_options.hpp"
#include "history_options.hpp"
#include "shape_options.hpp"
#include "web_options.hpp"

namespace cicada::app {

struct CliOptions {
  std::string scenario_file;              // -f
  std::vector<std::string> user_classes;  // positional: run only these user types (Locust's user classes)
  std::vector<std::string> extra_args;    // --options cicada does not know: a locustfile's own arguments
  std::string host;                       // -H/--host
  int users = 1;                          // -u/--users
  double spawn_rate = 1;                  // -r/--spawn-rate
  std::string run_time;                   // -t/--run-time ("20s", "3m"...); empty: until stopped
  bool headless = false;
  bool only_summary = false;
  std::string csv_prefix;  // --csv
  bool csv_full_history = false;
  double stop_timeout_s = 0;  // --stop-timeout (seconds)
  int exit_code_on_error = 1;
  std::vector<std::string> tags;
  std::vector<std::string> exclude_tags;
  bool reset_stats = false;
  std::string warmup;  // --warmup ("5s"); empty: none
  std::string loglevel = "INFO";
  std::string config_file;         // --config; default ./cicada.conf if present
  int threads = 0;                 // event loops; 0: one per usable CPU
  unsigned long long seed = 0;     // 0: random
  ShapeOptions shape;              // --stages, --arrival-rate, --max-inflight, --max-lateness
  WebOptions web;                  // --web-host, --web-port, --web-auth, --autostart, --autoquit, --html
  HistoryOptions history;          // --threshold, --abort-on-threshold, --history-db, --no-history
  DistributedOptions distributed;  // --master, --worker, --master-host... (distributed_options.hpp)
  // Which options came from the scenario's defaults rather than the user (so they can be applied).
  bool users_given = false, spawn_rate_given = false, run_time_given = false, host_given = false;
};

// Parses argv with the config file and environment layered underneath.
// Returns the options, or an exit code: 0 after --help/--version, 2 after a usage error (message printed).
struct ParseOutcome {
  std::optional<CliOptions> options;
  int exit_code = 0;
};
ParseOutcome parse_cli(int argc, char** argv);

}  // namespace cicada::app
