#pragma once
// load_python_scenario: `cicada -f locustfile.py`. Runs the locustfile in the embedded interpreter, where
// `import locust` is cicada's own module (src/python/py/locust), and turns its User classes into the
// engine's user types: tasks and weights, wait_time (natively when it is between/constant/...), host,
// weight, fixed_count; a LoadTestShape becomes the scenario's shape.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::python {

struct PythonLoadOptions {
  std::vector<std::string> tags;          // --tags: applied inside TaskSets too, as Locust does
  std::vector<std::string> exclude_tags;  // --exclude-tags
  std::string host;                       // --host, for Environment.host
  // Command-line words cicada does not know: the locustfile's own arguments (init_command_line_parser).
  std::vector<std::string> extra_args;
  // Locust's names for the run settings, seen by the locustfile as environment.parsed_options; the
  // defaults are Locust's (what a worker has before the master's options arrive).
  int num_users = 1;
  double spawn_rate = 1;
  std::optional<long> run_time_s;  // -t in whole seconds, as Locust's parse_timespan gives it
  bool headless = false;
  std::string csv_prefix;
  double stop_timeout = 0;
  std::string loglevel = "INFO";  // --loglevel: also the level of the locustfile's own `logging`
  int expect_workers = 1;
  bool reset_stats = false;
  int exit_code_on_error = 1;
  std::string web_host;  // Locust's default: every interface
  int web_port = 8089;
  std::string tls_cert;  // --tls-cert/--tls-key: the web UI's HTTPS identity ("" when none, as in Locust)
  std::string tls_key;
  std::string html_file;
  std::string logfile;
  bool only_summary = false;
  bool autostart = false;
  bool skip_log_setup = false;  // --skip-log-setup: the locustfile's `logging` is left as it sets it up
  bool equal_weights = false;   // --equal-weights: task sets opened into their tasks, all of weight 1
  // A worker: the master's parsed_options (JSON, distributed::ScenarioPayload::parsed_options), set over
  // this worker's own before the locustfile's init listeners run.
  std::string sent_options;
  std::string runner = "local";    // environment.runner's class: "local", "master" or "worker"
  std::uint32_t worker_index = 0;  // a worker's environment.runner.worker_index (the master's number for it)
};

Result<scenario::LoadedScenario> load_python_scenario(const std::filesystem::path& file,
                                                      const PythonLoadOptions& options = {});

}  // namespace cicada::python
