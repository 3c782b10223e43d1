#include "runner/equal_weights.hpp"

namespace cicada::runner {

void assign_equal_weights(Scenario& scenario) {
  for (auto& type : scenario.user_types) {
    type.weight = 1;
    for (auto& task : type.tasks) task.weight = 1;
  }
}

}  // namespace cicada::runner
