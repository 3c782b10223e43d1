// The YAML loader's `thresholds:` list and the request entries it exposes for validating them.
#include <gtest/gtest.h>

#include "scenario/yaml_loader.hpp"

using namespace cicada::scenario;

TEST(YamlThresholds, CarriesThresholdsAndEveryRequestEntryOnce) {
  auto loaded = load_yaml_scenario_text(R"(host: http://127.0.0.1:1
thresholds:
  - p95 < 200ms
  - "POST /predict: p99 < 50ms"
user_types:
  Api:
    on_start:
      - get: /login
    tasks:
      predict:
        - post: /predict
          json: {a: 1}
        - post: /predict
          name: /predict (invalid)
          json: {a: 2}
      health:
        - get: /health?verbose=1
        - post: /predict
          json: {a: 3}
)",
                                        "t.yaml");
  ASSERT_TRUE(loaded) << loaded.error().message;  // on_start is read before the tasks
  EXPECT_EQ(loaded->thresholds, (std::vector<std::string>{"p95 < 200ms", "POST /predict: p99 < 50ms"}));
  const std::vector<RequestEntry> want = {
      {"GET", "/login"}, {"POST", "/predict"}, {"POST", "/predict (invalid)"}, {"GET", "/health?verbose=1"}};
  EXPECT_EQ(loaded->entries, want);
}

TEST(YamlThresholds, ThresholdsMustBeStrings) {
  auto loaded = load_yaml_scenario_text("thresholds: {p95: 1}\nuser_types: {}\n", "t.yaml");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("t.yaml:1:"), std::string::npos) << loaded.error().message;
}
