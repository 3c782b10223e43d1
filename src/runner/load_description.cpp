#include "runner/load_description.hpp"

#include <fmt/format.h>

#include "scenario/arrival_distribution.hpp"

namespace cicada::runner {

std::string describe_load(const RunOptions& ro) {
  if (!ro.shape) return fmt::format("{} users", ro.users);
  const auto first = ro.shape(std::chrono::duration<double>(0));
  if (!first) return "an empty load shape";
  // The stage label says more than the first target only for real stages ("stage 1/3: ...").
  const std::string stage = first->stage.starts_with("stage") ? " (" + first->stage + ")" : "";
  if (first->arrival_rate)
    return fmt::format("arrival rate {:g}/s{}, max in-flight {}{}", *first->arrival_rate,
                       ro.poisson_arrivals ? fmt::format(" ({})", scenario::kPoissonArrivalsLabel) : "",
                       ro.max_inflight, stage);
  return fmt::format("{} users{}", first->users, stage);
}

std::string start_line(const RunOptions& ro) {
  return fmt::format("Starting cicada: {}, host {}, seed {}", describe_load(ro), ro.host, ro.seed);
}

}  // namespace cicada::runner
