#pragma once
// The web UI mode of `cicada` (no --headless): serves the UI, runs tests as the page (or --autostart)
// asks, and exits on SIGINT/SIGTERM (or --autoquit).
#include "cli_options.hpp"
#include "runner/run_options.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::app {

int run_web_ui(const CliOptions& o, scenario::LoadedScenario loaded, const runner::RunOptions& ro);

}  // namespace cicada::app
