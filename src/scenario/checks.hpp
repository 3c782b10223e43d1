#pragma once
// Checks on a response, declared in YAML under `check:`; Locust's `catch_response=True` pattern without
// code. A failed check records the request as a failure with a message saying what was expected.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cicada/response.hpp"
#include "scenario/yaml_json.hpp"

namespace cicada::scenario {

struct JsonCheck {
  std::string path;                  // as written in the scenario: "diagnosis", "result.items.0"
  std::string pointer;               // the same as a JSON pointer: "/diagnosis", "/result/items/0"
  std::optional<JsonScalar> equals;  // empty: the field only has to be present
};

struct Checks {
  std::vector<int> statuses;               // any of these; empty: any status below 400
  std::vector<std::string> body_contains;  // every one of these substrings
  std::vector<JsonCheck> json;             // the body is JSON and every field matches
  std::optional<std::chrono::microseconds> max_latency;
  std::string message_prefix;  // put before the failure message ("Wrong response.")
};

// "diagnosis" -> "/diagnosis", "a.b.0" -> "/a/b/0"; a path starting with '/' is already a pointer.
std::string json_pointer_from_path(std::string_view path);

enum class CheckOutcome {
  kPass,     // every check holds: success()
  kFail,     // a check failed: failure(message())
  kDefault,  // transport error, or status >= 400 with no status check: the client's usual accounting
};

// Per-user state for evaluating checks: a reusable JSON parser and message buffer, so checking a response
// does not allocate once warmed up (failure messages may).
class CheckRunner {
 public:
  CheckRunner();
  ~CheckRunner();
  CheckRunner(const CheckRunner&) = delete;
  CheckRunner& operator=(const CheckRunner&) = delete;

  CheckOutcome evaluate(const Checks& checks, const Response& response);
  // The failure message of the last kFail outcome.
  std::string_view message() const { return message_; }
  // evaluate, then success()/failure() on the response as the outcome says.
  void apply(const Checks& checks, Response& response);

 private:
  bool check_json(const Checks& checks, std::string_view body);

  struct JsonState;
  std::unique_ptr<JsonState> json_;
  std::string message_;
};

}  // namespace cicada::scenario
