#pragma once
// The scenario of the arrival-rate tests: one user type whose only task is GET /.
#include <string>
#include <utility>

#include "cicada/user.hpp"

namespace cicada::testing {

inline Scenario one_get_scenario(std::string source) {
  Scenario scenario;
  scenario.source = std::move(source);
  UserType type;
  type.name = "Getter";
  type.tasks.push_back(TaskSpec{"get", 1, {}, [](User& user) -> Task<> { co_await user.client().get("/"); }});
  scenario.user_types.push_back(std::move(type));
  return scenario;
}

}  // namespace cicada::testing
