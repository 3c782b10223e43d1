#include "shape_options.hpp"

#include <CLI/CLI.hpp>

#include "cli_options.hpp"
#include "duration_flag.hpp"
#include "positive_check.hpp"
#include "runner/stages.hpp"
#include "scenario/arrival_distribution.hpp"

namespace cicada::app {

void add_shape_flags(CLI::App& app, CliOptions& o) {
  app.add_option("--stages", o.shape.stages,
                 "Load shape: DURATION:USERS[@SPAWN_RATE],... (e.g. 30s:10@5,1m:100@10) or arrival rates "
                 "DURATION:RATE/s / DURATION:FROM..TO/s; the test ends after the last stage");
  app.add_option("--arrival-rate", o.shape.arrival_rate,
                 "Open model: start this many iterations per second on schedule, whether or not earlier "
                 "ones finished (latency measured from the scheduled start)")
      ->check(above_zero_at_most(runner::kMaxArrivalRate));
  app.add_option("--max-inflight", o.run.max_inflight,
                 "Open model: iterations running at once at most (default 1000); later ones wait")
      ->check(above_zero_at_most(runner::kMaxUsers));
  add_duration_flag(app, "--max-lateness", o.run.max_lateness,
                    "Open model: an iteration that waited this long for a free slot is dropped (counted; "
                    "default 10s)");
  add_arrival_distribution_flag(app, o.shape.arrival_distribution);
}

void add_arrival_distribution_flag(CLI::App& app, std::string& choice) {
  app.add_option("--arrival-distribution", choice,
                 "Open model: gaps between arrivals, constant (the rate's interval, default) or poisson "
                 "(exponential, as many independent clients make them)")
      ->check(CLI::IsMember(std::vector<std::string>(scenario::kArrivalDistributions.begin(),
                                                     scenario::kArrivalDistributions.end())));
}

bool poisson_arrivals(const std::string& choice, const scenario::ScenarioSettings& settings) {
  return choice.empty() ? settings.poisson_arrivals.value_or(false)
                        : scenario::parse_arrival_distribution(choice).value_or(false);
}

Result<void> apply_shape_options(const CliOptions& cli, const scenario::ScenarioSettings& settings,
                                 double default_spawn_rate, runner::RunOptions& ro, bool scenario_shape,
                                 report::RunLoad& load) {
  const ShapeOptions& o = cli.shape;
  load = report::RunLoad{};
  load.users = ro.users;
  load.spawn_rate = ro.spawn_rate;
  if (scenario_shape) load.mode = "shape";
  if (!o.stages.empty() && o.arrival_rate > 0)
    return make_error(cli.named("stages") + " and " + cli.named("arrival-rate") +
                      ": give one (rates go in stages as 30s:200/s)");
  if (!o.stages.empty()) {
    auto stages = runner::parse_stages(o.stages);
    if (!stages) return make_error(cli.named("stages") + ": " + stages.error().message);
    ro.shape = runner::stages_shape(std::move(*stages), default_spawn_rate);
    load.mode = "stages";
    load.stages = o.stages;
  } else if (o.arrival_rate > 0) {
    ro.shape = runner::constant_rate_shape(o.arrival_rate);
    load.mode = "arrival_rate";
    load.arrival_rate = o.arrival_rate;
  } else if (!settings.stages.empty()) {
    std::vector<runner::Stage> stages;
    for (const auto& text : settings.stages) {
      auto stage = runner::parse_stage(text);
      if (!stage) return make_error("stages: " + stage.error().message);
      stages.push_back(*stage);
    }
    if (auto r = runner::validate_stages(stages); !r) return make_error("stages: " + r.error().message);
    ro.shape = runner::stages_shape(std::move(stages), default_spawn_rate);
    load.mode = "stages";
    for (const auto& text : settings.stages) load.stages += (load.stages.empty() ? "" : ",") + text;
  } else if (settings.arrival_rate) {
    ro.shape = runner::constant_rate_shape(*settings.arrival_rate);
    load.mode = "arrival_rate";
    load.arrival_rate = *settings.arrival_rate;
  }
  if (!cli.was_given("max-inflight") && settings.max_inflight)
    ro.max_inflight = static_cast<std::size_t>(*settings.max_inflight);
  ro.poisson_arrivals = poisson_arrivals(o.arrival_distribution, settings);
  // A distribution of arrivals means nothing to users in a closed loop: say so rather than ignore it
  // (the web UI's start form may still ask for an arrival rate, so only without it; a C++ shape decides
  // its model as it goes).
  const bool closed =
      load.mode == "users" || (load.mode == "stages" && load.stages.find("/s") == std::string::npos);
  if (!o.arrival_distribution.empty() && closed && cli.headless)
    return make_error(
        "--arrival-distribution: for the open model only (--arrival-rate, or stages with rates)");
  // A headless closed run does not carry a YAML arrival_distribution into its options, its history or its
  // workers (which would refuse an older worker for an option the run does not use). With the web UI the
  // choice stays: it is the start form's default for an arrival rate (TestController clears it for users).
  if (closed && cli.headless) ro.poisson_arrivals = false;
  if (runner::opens_with_arrival_rate(ro.shape)) {
    load.max_inflight = ro.max_inflight;  // the open model's limit belongs to its description
    load.poisson_arrivals = ro.poisson_arrivals;
  }
  return {};
}

}  // namespace cicada::app
