// cicada as a library: a program (a smoke test in a deployment pipeline, say) that puts a few seconds of
// load on /health, prints the result and fails when any request failed or p95 is too slow.
//   health_check http://127.0.0.1:8080
#include <cicada/cicada.hpp>
#include <cicada/run.hpp>
#include <cstdio>
#include <string>

class HealthUser : public cicada::User {
 public:
  cicada::Task<> get_health() { co_await client().get("/health"); }
};

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s BASE_URL\n", argv[0]);
    return 2;
  }
  cicada::Scenario scenario;
  cicada::ScenarioBuilder(scenario)
      .user<HealthUser>("HealthUser")
      .wait(cicada::constant(0.01))
      .task("get_health", &HealthUser::get_health);

  const auto summary = cicada::run(
      std::move(scenario),
      {.host = argv[1], .users = 4, .spawn_rate = 4, .run_time = std::chrono::seconds(2), .threads = 1});
  for (const auto& e : summary.entries) {
    std::printf("%s %s: %llu requests, %llu failures, median %.2f ms, p95 %.2f ms, %.1f req/s\n",
                e.method.c_str(), e.name.c_str(), static_cast<unsigned long long>(e.requests),
                static_cast<unsigned long long>(e.failures), e.median_ms, e.p95_ms, e.requests_per_s);
  }
  const bool ok = summary.total.requests > 0 && summary.total.failures == 0 && summary.total.p95_ms < 100;
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? 0 : 1;
}
