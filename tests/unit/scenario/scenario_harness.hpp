#pragma once
// Loads a scenario from text and runs its tasks for one user against the fake client.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "fake_client.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::test {

struct Harness {
  explicit Harness(const std::string& yaml, std::uint64_t seed = 42) : random(seed) {
    auto r = scenario::load_yaml_scenario_text(yaml, "/scenarios/test.yaml");
    if (!r.ok()) throw std::runtime_error(r.error().message);
    loaded = std::move(*r);
    const auto& type = loaded.scenario.user_types.at(0);
    user = type.factory();
    detail::UserBinder::bind(*user, client, random, 0);
  }

  const UserType& type() const { return loaded.scenario.user_types.at(0); }
  const TaskSpec& task(const std::string& name) const {
    for (const auto& t : type().tasks) {
      if (t.name == name) return t;
    }
    throw std::runtime_error("no task " + name);
  }
  void run(const std::string& name) { run_now(task(name).fn(*user)); }
  const RecordedRequest& last() const { return client.requests.back(); }

  scenario::LoadedScenario loaded;
  FakeClient client;
  Random random;
  std::unique_ptr<User> user;
};

}  // namespace cicada::test
