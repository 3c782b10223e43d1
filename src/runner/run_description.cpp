#include "runner/run_description.hpp"

namespace cicada::runner {

RunDescription describe_run(Scenario scenario, RunOptions options, std::uint64_t seed) {
  RunDescription d;
  options.seed = seed;
  if (!options.shape) options.shape = scenario.shape;
  if (options.shape) {
    const auto first = options.shape(std::chrono::duration<double>(0));
    d.open_model = first && first->arrival_rate.has_value();
  }
  d.scenario = std::move(scenario);
  d.options = std::move(options);
  return d;
}

}  // namespace cicada::runner
