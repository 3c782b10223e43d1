// cicada: load test an HTTP API. Thin main: parse the layered config, load the scenario, run headless.
#include <csignal>
#include <iostream>

#include "base/log.hpp"
#include "cli_options.hpp"
#include "headless_run.hpp"

int main(int argc, char** argv) {
  auto parsed = cicada::app::parse_cli(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  return cicada::app::run_headless(*parsed.options);
}
