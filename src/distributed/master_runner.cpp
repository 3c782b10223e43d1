#include "distributed/master_runner.hpp"

#include <random>

namespace cicada::distributed {

MasterRunner::MasterRunner(ScenarioPayload scenario, runner::RunOptions options, MasterOptions master)
    : options_(std::move(options)), fleet_(std::move(scenario), std::move(master)) {}

MasterRunner::~MasterRunner() = default;

void MasterRunner::run(const std::function<void(const stats::Snapshot&)>& on_second) {
  if (options_.seed == 0) options_.seed = std::random_device{}() | 1;
  fleet_.set_options(options_);
  control_.run(options_, on_second);
}

}  // namespace cicada::distributed
