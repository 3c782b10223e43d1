#pragma once
// Users, user types and scenarios: Locust's model of load, shared by YAML and C++ scenarios.
//
// A scenario defines user types. The engine creates users (instances), each on one event loop thread,
// runs on_start, then repeatedly picks a task by weight, awaits it, and waits its wait_time; on stop
// it runs on_stop. Exceptions escaping a task are recorded as scenario exceptions and the user goes on.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cicada/client_settings.hpp"
#include "cicada/grpc.hpp"
#include "cicada/http_client.hpp"
#include "cicada/random.hpp"
#include "cicada/shape.hpp"
#include "cicada/task.hpp"

namespace cicada {

namespace detail {
class UserBinder;
}

// Base of every user. C++ scenarios derive from it to keep per-user state; YAML users use it as is.
class User {
 public:
  virtual ~User() = default;

  HttpClient& client() { return *client_; }
  // The user's gRPC client (cicada/grpc.hpp): OIP v2 calls to the user's host or a target per call.
  // Throws std::logic_error when the engine gave the user none (a unit test's harness).
  GrpcClient& grpc() {
    if (!grpc_) throw std::logic_error("this user has no gRPC client");
    return *grpc_;
  }
  Random& random() { return *random_; }
  // 0-based, unique within the run (across threads).
  std::uint64_t id() const { return id_; }

  // Called once when the user starts / stops (Locust's on_start / on_stop).
  virtual Task<> on_start() { co_return; }
  virtual Task<> on_stop() { co_return; }

 private:
  friend class detail::UserBinder;
  HttpClient* client_ = nullptr;
  GrpcClient* grpc_ = nullptr;
  Random* random_ = nullptr;
  std::uint64_t id_ = 0;
};

// Time a user waits between two tasks (Locust's wait_time functions), in seconds.
struct WaitTime {
  enum class Kind { kConstant, kBetween, kConstantPacing, kConstantThroughput };
  Kind kind = Kind::kConstant;
  double a = 0;  // constant: seconds; between: min; pacing: interval; throughput: tasks per second
  double b = 0;  // between: max

  static WaitTime constant(double seconds) { return {Kind::kConstant, seconds, 0}; }
  static WaitTime between(double min_s, double max_s) { return {Kind::kBetween, min_s, max_s}; }
  static WaitTime constant_pacing(double seconds) { return {Kind::kConstantPacing, seconds, 0}; }
  static WaitTime constant_throughput(double per_second) {
    return {Kind::kConstantThroughput, per_second, 0};
  }

  // Seconds to wait after a task that took task_seconds.
  double next(Random& rng, double task_seconds) const {
    switch (kind) {
      case Kind::kConstant:
        return a;
      case Kind::kBetween:
        return rng.uniform(a, b);
      case Kind::kConstantPacing:
        return a > task_seconds ? a - task_seconds : 0.0;
      case Kind::kConstantThroughput: {
        double interval = a > 0 ? 1.0 / a : 0.0;
        return interval > task_seconds ? interval - task_seconds : 0.0;
      }
    }
    return 0;
  }
};

using TaskFn = std::function<Task<>(User&)>;

struct TaskSpec {
  std::string name;               // for messages and the task ratio table
  double weight = 1;              // relative frequency among the user type's tasks
  std::vector<std::string> tags;  // for --tags / --exclude-tags
  TaskFn fn;
};

struct UserType {
  std::string name;
  double weight = 1;               // share of users, relative to the other types
  std::optional<int> fixed_count;  // exactly this many users (taken before weights are applied)
  WaitTime wait_time;
  std::vector<TaskSpec> tasks;
  std::string host;  // overrides the run's --host for this type if set
  // Its users make requests to the host (a locustfile's plain User, which brings its own client or none,
  // does not): a run refuses a type that needs a host and has none.
  bool needs_host = true;
  std::vector<std::pair<std::string, std::string>> default_headers;
  ClientSettings
      client;  // this type's HTTP client settings over the run's flags (cicada/client_settings.hpp)
  std::function<std::unique_ptr<User>()> factory;  // empty: a plain User
};

inline constexpr const char* kDefaultShapeName = "ScenarioShape";

struct Scenario {
  std::string source;        // file it came from, for messages and reports
  std::string default_host;  // from the scenario file; --host overrides
  std::vector<UserType> user_types;
  ShapeFn shape;  // optional load shape; --stages / --arrival-rate on the command line take precedence
  // The shape's name, as the web UI's class picker lists it (a locustfile's LoadTestShape class); empty:
  // kDefaultShapeName.
  std::string shape_name;
  // Scenario code that can hold an event loop thread for good (a locustfile's task that never yields):
  // asked at the end of a run, again and again, about a loop thread (its pthread id) that has not come
  // back. It stops that code if it can (nullopt: wait); once it cannot, it returns what to report and
  // promises that the thread never touches the run again: the engine keeps the loop's stats and leaves
  // its users and loop behind. Empty for YAML and C++ scenarios.
  std::function<std::optional<std::string>(unsigned long)> release_blocked_loop;
};

}  // namespace cicada
