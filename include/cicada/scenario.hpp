#pragma once
// Defining user types in C++, reading like the locustfile it replaces:
//
//   class HealthUser : public cicada::User {                 // class HealthUser(HttpUser):
//    public:
//     cicada::Task<> get_health() {                          //     @task
//       auto r = co_await client().get("/health");           //     def get_health(self):
//     }                                                      //         self.client.get("/health")
//   };
//
//   CICADA_SCENARIO(scenario) {
//     scenario.user<HealthUser>("HealthUser")
//         .wait(cicada::between(1, 5))                       //     wait_time = between(1, 5)
//         .task("get_health", &HealthUser::get_health);      //     tasks = [get_health]
//   }
//
// `cicada -f file.cpp` compiles the file into a shared object and calls the CICADA_SCENARIO body once
// to learn the user types. A program using cicada as a library fills a ScenarioBuilder itself and passes
// the Scenario to cicada::run (cicada/run.hpp).
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cicada/user.hpp"

namespace cicada {

// Locust's wait_time functions.
inline WaitTime constant(double seconds) { return WaitTime::constant(seconds); }
inline WaitTime between(double min_seconds, double max_seconds) {
  return WaitTime::between(min_seconds, max_seconds);
}
inline WaitTime constant_pacing(double seconds) { return WaitTime::constant_pacing(seconds); }
inline WaitTime constant_throughput(double tasks_per_second) {
  return WaitTime::constant_throughput(tasks_per_second);
}

// Sets the fields of one user type. Holds the scenario and an index, not a reference into the vector,
// so defining another user type meanwhile cannot leave it dangling.
template <class U>
class UserTypeBuilder {
  static_assert(std::is_base_of_v<User, U>, "a user type derives from cicada::User");

 public:
  UserTypeBuilder(Scenario& scenario, std::size_t index) : scenario_(&scenario), index_(index) {}

  // Time between two tasks of one user (default: none, as constant(0)).
  UserTypeBuilder& wait(WaitTime wait_time) {
    return set([&](UserType& t) { t.wait_time = wait_time; });
  }
  // Share of the users relative to the other types (Locust's weight; default 1).
  UserTypeBuilder& weight(double w) {
    return set([&](UserType& t) { t.weight = w; });
  }
  // Exactly this many users of this type, whatever the weights (Locust's fixed_count).
  UserTypeBuilder& fixed_count(int n) {
    return set([&](UserType& t) { t.fixed_count = n; });
  }
  // Base URL for this type's relative paths, instead of the run's --host.
  UserTypeBuilder& host(std::string url) {
    return set([&](UserType& t) { t.host = std::move(url); });
  }
  // This type's HTTP client settings over the run's flags (cicada/client_settings.hpp); set ones replace
  // those set before.
  UserTypeBuilder& client(const ClientSettings& settings) {
    return set([&](UserType& t) { t.client = t.client.overridden_by(settings); });
  }
  // This type's users speak HTTP/2 (as --http2 for them only), or HTTP/1.1 with false whatever --http2 says.
  UserTypeBuilder& http2(bool on = true) {
    return set([&](UserType& t) { t.client.http2 = on; });
  }
  // A header sent with every request of users of this type.
  UserTypeBuilder& header(std::string name, std::string value) {
    return set([&](UserType& t) { t.default_headers.emplace_back(std::move(name), std::move(value)); });
  }

  // A task: a member coroutine `Task<> U::f()`, or any callable taking U& and returning Task<> (a free
  // function, or a lambda without captures: a coroutine lambda's captures die before the task runs).
  // weight: relative frequency among this type's tasks (Locust's {task: weight}); tags: for --tags.
  UserTypeBuilder& task(std::string name, Task<> (U::*member)(), double weight = 1,
                        std::vector<std::string> tags = {}) {
    return add(std::move(name), weight, std::move(tags),
               [member](User& u) { return (static_cast<U&>(u).*member)(); });
  }
  template <class F>
  requires std::is_invocable_r_v < Task<>,
  const F&, U& > UserTypeBuilder& task(std::string name, F fn, double weight = 1,
                                       std::vector<std::string> tags = {}) {
    return add(std::move(name), weight, std::move(tags),
               [fn = std::move(fn)](User& u) { return fn(static_cast<U&>(u)); });
  }

 private:
  template <class Setter>
  UserTypeBuilder& set(Setter&& setter) {
    setter(scenario_->user_types[index_]);
    return *this;
  }
  UserTypeBuilder& add(std::string name, double weight, std::vector<std::string> tags, TaskFn fn) {
    scenario_->user_types[index_].tasks.push_back({std::move(name), weight, std::move(tags), std::move(fn)});
    return *this;
  }

  Scenario* scenario_;
  std::size_t index_;
};

class ScenarioBuilder {
 public:
  explicit ScenarioBuilder(Scenario& scenario) : scenario_(&scenario) {}

  // Default base URL of the system under test (--host overrides it).
  ScenarioBuilder& host(std::string url) {
    scenario_->default_host = std::move(url);
    return *this;
  }

  // A load shape (cicada/shape.hpp, Locust's LoadTestShape.tick): the runner follows it instead of -u/-r;
  // --stages and --arrival-rate on the command line take precedence.
  ScenarioBuilder& shape(ShapeFn fn) {
    scenario_->shape = std::move(fn);
    return *this;
  }

  // Adds a user type named `name` whose users are instances of U (default-constructed, one per user).
  template <class U = User>
  UserTypeBuilder<U> user(std::string name) {
    UserType type;
    type.name = std::move(name);
    type.factory = [] { return std::unique_ptr<User>(std::make_unique<U>()); };
    scenario_->user_types.push_back(std::move(type));
    return UserTypeBuilder<U>(*scenario_, scenario_->user_types.size() - 1);
  }

  Scenario& scenario() { return *scenario_; }

 private:
  Scenario* scenario_;
};

// What `cicada -f file.cpp` looks up in the compiled file. The version is part of the name so that a
// shared object built against other headers is refused instead of misread.
#define CICADA_SCENARIO_ENTRY cicada_scenario_entry_v1
#define CICADA_SCENARIO_ENTRY_NAME "cicada_scenario_entry_v1"
using ScenarioEntryFn = bool (*)(Scenario*, std::string*);

}  // namespace cicada

// CICADA_SCENARIO(builder) { ... }: the body fills `builder` (a cicada::ScenarioBuilder&). Exceptions
// thrown by the body are reported as a scenario error before any load starts.
#define CICADA_SCENARIO(builder)                                                                      \
  static void cicada_define_scenario(::cicada::ScenarioBuilder& builder);                             \
  extern "C" __attribute__((visibility("default"))) bool CICADA_SCENARIO_ENTRY(::cicada::Scenario* s, \
                                                                               std::string* error) {  \
    try {                                                                                             \
      ::cicada::ScenarioBuilder b(*s);                                                                \
      cicada_define_scenario(b);                                                                      \
      return true;                                                                                    \
    } catch (const std::exception& e) {                                                               \
      *error = e.what();                                                                              \
    } catch (...) {                                                                                   \
      *error = "unknown exception";                                                                   \
    }                                                                                                 \
    return false;                                                                                     \
  }                                                                                                   \
  static void cicada_define_scenario(::cicada::ScenarioBuilder& builder)
