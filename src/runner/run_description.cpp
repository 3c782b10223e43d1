#include "runner/run_description.hpp"

#include "runner/stages.hpp"

namespace cicada::runner {

RunDescription describe_run(Scenario scenario, RunOptions options, std::uint64_t seed) {
  RunDescription d;
  options.seed = seed;
  if (!options.shape) options.shape = scenario.shape;
  d.open_model = opens_with_arrival_rate(options.shape);
  d.scenario = std::move(scenario);
  d.options = std::move(options);
  return d;
}

}  // namespace cicada::runner
