// Benchmark: GET /health as fast as the users can go, no checks: the C++ twin of health-max.yaml, for the
// C++ vs YAML per-request overhead (bench/cpp_vs_yaml/run.sh).
#include <cicada/cicada.hpp>

class HealthMaxUser : public cicada::User {
 public:
  cicada::Task<> get_health() { co_await client().get("/health"); }
};

CICADA_SCENARIO(scenario) {
  scenario.host("http://127.0.0.1:8080");
  scenario.user<HealthMaxUser>("HealthMaxUser")
      .wait(cicada::constant(0))
      .task("get_health", &HealthMaxUser::get_health);
}
