#pragma once
// What the engine's tests build their scenarios and runs from (engine_test.cpp, engine_stop_test.cpp).
#include <chrono>
#include <string>
#include <vector>

#include "cicada/user.hpp"
#include "runner/run_options.hpp"

namespace cicada::engine_test {

using namespace std::chrono_literals;

inline TaskSpec get_task(std::string name, std::string path, double weight = 1) {
  TaskSpec t;
  t.name = std::move(name);
  t.weight = weight;
  t.fn = [path](User& u) -> Task<> { co_await u.client().get(path); };
  return t;
}

inline UserType user_type(std::string name, std::vector<TaskSpec> tasks,
                          WaitTime wait = WaitTime::constant(0)) {
  UserType t;
  t.name = std::move(name);
  t.tasks = std::move(tasks);
  t.wait_time = wait;
  return t;
}

inline runner::RunOptions options(const std::string& host, int users, std::chrono::milliseconds run_time) {
  runner::RunOptions o;
  o.host = host;
  o.users = users;
  o.spawn_rate = 1000;
  o.run_time = run_time;
  o.threads = 2;
  o.seed = 7;
  o.request_timeout = 300ms;
  return o;
}

}  // namespace cicada::engine_test
