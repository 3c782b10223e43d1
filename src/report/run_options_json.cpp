#include "report/run_options_json.hpp"

#include <nlohmann/json.hpp>

#include "base/duration.hpp"

namespace cicada::report {
namespace {

struct JsonField {
  nlohmann::json& object;
  template <class T>
  void operator()(const char* key, const T& value) {
    object[key] = value;
  }
  template <class Rep, class Period>
  void operator()(const char* key, const std::chrono::duration<Rep, Period>& d) {
    object[key] = format_duration(std::chrono::duration_cast<std::chrono::microseconds>(d));
  }
  void operator()(const char* key, const std::optional<std::chrono::microseconds>& d) {
    object[key] = d ? format_duration(*d) : std::string();
  }
};

}  // namespace

void add_run_options(nlohmann::json& object, const runner::RunOptions& options) {
  runner::visit_run_options(options, JsonField{object});
}

}  // namespace cicada::report
