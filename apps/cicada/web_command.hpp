#pragma once
// The web UI mode of `cicada` (no --headless): serves the UI, runs tests as the page (or --autostart)
// asks, and exits on SIGINT/SIGTERM (or --autoquit).
#include "cli_options.hpp"
#include "report/run_load.hpp"
#include "runner/run_options.hpp"
#include "runner/test_run.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::app {

// runs: what runs each test (a distributed master's session); null: this process.
// load: what drives a test the form does not choose (a configured shape), for the reports.
int run_web_ui(const CliOptions& o, scenario::LoadedScenario loaded, const runner::RunOptions& ro,
               const report::RunLoad& load, runner::TestRunSource* runs = nullptr);

}  // namespace cicada::app
