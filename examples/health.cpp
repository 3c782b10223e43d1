// GET /health with 1-5 s of think time, checking the body is "OK": the C++ twin of examples/health.yaml
// and of HealthUser in the reference health.py.
//   cicada -f examples/health.cpp --headless -u 10 -r 10 -t 30s --host http://127.0.0.1:8080
#include <cicada/cicada.hpp>

using cicada::Task;

class HealthUser : public cicada::User {
 public:
  Task<> get_health() {
    auto r = co_await client().get("/health", {.catch_response = true});
    if (r.status() != 200) {
      r.failure("Expected status 200, got " + std::to_string(r.status()));
    } else if (r.text().find("OK") == std::string_view::npos) {
      r.failure("Body does not contain OK");
    } else {
      r.success();
    }
  }
};

CICADA_SCENARIO(scenario) {
  scenario.host("http://127.0.0.1:8080");
  scenario.user<HealthUser>("HealthUser")
      .wait(cicada::between(1, 5))
      .task("get_health", &HealthUser::get_health);
}
