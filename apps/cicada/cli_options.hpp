#pragma once
// The cicada command line: Locust's flags where Locust has them, layered as
// defaults < config file (cicada.conf or --config) < CICADA_* environment variables < flags.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "distributed_options.hpp"
#include "history_options.hpp"
#include "runner/run_options.hpp"
#include "shape_options.hpp"
#include "web_options.hpp"

namespace cicada::app {

struct CliOptions {
  std::string scenario_file;              // -f
  std::vector<std::string> user_classes;  // positional: run only these user types (Locust's user classes)
  std::vector<std::string> extra_args;    // --options cicada does not know: a locustfile's own arguments
  // The run's options, bound to their flags directly (-H, -u, -r, -t, --stop-timeout, --tags, --warmup,
  // --seed, --max-inflight...): a new run option is a field of runner::RunOptions and one flag in
  // cli_options.cpp. run_command.cpp fills in the scenario's defaults for what no flag gave.
  runner::RunOptions run;
  bool headless = false;
  bool headful = false;  // Locust's hidden --headful: the web UI even when a config file says headless
  bool only_summary = false;
  bool print_stats = false;     // --print-stats: the console's stats every 2 s in a web UI run too
  double hatch_rate = 0;        // Locust's deprecated --hatch-rate: the spawn rate, with a warning
  bool skip_log_setup = false;  // --skip-log-setup: a locustfile's `logging` is its own to set up
  std::string csv_prefix;       // --csv
  bool csv_full_history = false;
  int exit_code_on_error = 1;
  std::string stream_tokens = "event";  // --stream-tokens: how streamed responses count tokens
  std::string loglevel = "INFO";
  std::string config_file;       // --config; default ./cicada.conf if present
  std::string logfile;           // --logfile: the log (stderr) goes to this file
  bool list_user_types = false;  // -l/--list: print the user types and exit
  bool show_task_ratio = false;  // --show-task-ratio: Locust's task ratio tables, then exit
  bool show_task_ratio_json = false;
  ShapeOptions shape;              // --stages, --arrival-rate
  WebOptions web;                  // --web-host, --web-port, --web-auth, --autostart, --autoquit, --html
  HistoryOptions history;          // --threshold, --abort-on-threshold, --history-db, --no-history
  DistributedOptions distributed;  // --master, --worker, --master-host... (distributed_options.hpp)
  // The long names of the options the user set (flag, environment or config file), so the scenario's
  // defaults fill in only the others.
  std::set<std::string> given;
  bool was_given(const std::string& long_name) const { return given.count(long_name) > 0; }
  // Where each option that a layer under the command line set came from: long name -> "CICADA_STAGES",
  // "cicada.conf:3".
  std::map<std::string, std::string> layered_from;
  // An option as a check after parsing names it: "--stages", or "CICADA_STAGES (--stages)" when the
  // environment or a config file set it (the user never typed the flag then).
  std::string named(const std::string& long_name) const {
    const auto it = layered_from.find(long_name);
    return it == layered_from.end() ? "--" + long_name : it->second + " (--" + long_name + ")";
  }
};

// Parses argv with the config file and environment layered underneath.
// Returns the options, or an exit code: 0 after --help/--version, 2 after a usage error (message printed).
struct ParseOutcome {
  std::optional<CliOptions> options;
  int exit_code = 0;
};
ParseOutcome parse_cli(int argc, char** argv);

}  // namespace cicada::app
