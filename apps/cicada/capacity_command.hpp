#pragma once
// `cicada capacity -f SCENARIO --slo 'p95 < 50ms' --slo 'fail_ratio < 1%'`: finds the highest load the
// system under test sustains within the objectives (runner/capacity_search.hpp).
namespace cicada::app {

int run_capacity_command(int argc, char** argv);

}  // namespace cicada::app
