// Every shipped scenario file loads, and the examples mirror the reference locustfiles.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenario_harness.hpp"

namespace fs = std::filesystem;
using cicada::WaitTime;
using cicada::scenario::load_yaml_scenario;

namespace {

fs::path source(const char* relative) { return fs::path(CICADA_SOURCE_DIR) / relative; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

TEST(Examples, EveryScenarioFileLoads) {
  int count = 0;
  for (const char* folder : {"examples", "bench/scenarios"}) {
    for (const auto& entry : fs::directory_iterator(source(folder))) {
      if (entry.path().extension() != ".yaml") continue;
      auto r = load_yaml_scenario(entry.path());
      EXPECT_TRUE(r.ok()) << r.error().message;
      ++count;
    }
  }
  EXPECT_GE(count, 4);
}

TEST(Examples, HealthWaitsOneToFiveSecondsAndChecksTheBody) {
  auto r = load_yaml_scenario(source("examples/health.yaml"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& type = r->scenario.user_types.at(0);
  EXPECT_EQ(type.wait_time.kind, WaitTime::Kind::kBetween);
  EXPECT_EQ(type.wait_time.a, 1);
  EXPECT_EQ(type.wait_time.b, 5);

  cicada::test::Harness h(read(source("examples/health.yaml")));
  h.client.script.push_back({200, "OK", "", {}});
  h.client.script.push_back({200, "starting", "", {}});
  h.run("get_health");
  EXPECT_EQ(h.last().path, "/health");
  EXPECT_FALSE(h.last().failed);
  h.run("get_health");
  EXPECT_EQ(h.last().message, "Body does not contain \"OK\"");
}

TEST(Examples, HealthMaxHasNoWaitAndNoChecks) {
  cicada::test::Harness h(read(source("bench/scenarios/health-max.yaml")));
  EXPECT_EQ(h.type().wait_time.kind, WaitTime::Kind::kConstant);
  EXPECT_EQ(h.type().wait_time.a, 0);
  h.run("get_health");
  EXPECT_FALSE(h.last().catch_response);
}

TEST(Examples, RandomizedIsFourValidToOneInvalidThatMustGet400) {
  for (const char* file : {"examples/randomized.yaml", "examples/randomized-max.yaml"}) {
    cicada::test::Harness h(read(source(file)));
    const auto& type = h.type();
    EXPECT_EQ(type.wait_time.kind, std::string(file).find("max") != std::string::npos
                                       ? WaitTime::Kind::kConstant
                                       : WaitTime::Kind::kBetween);
    EXPECT_EQ(h.task("predict_valid").weight, 4);
    EXPECT_EQ(h.task("predict_invalid").weight, 1);
    EXPECT_EQ(h.task("predict_invalid").tags, (std::vector<std::string>{"predict", "invalid"}));

    simdjson::dom::parser parser;
    h.run("predict_valid");
    simdjson::dom::object valid;
    ASSERT_EQ(parser.parse(h.last().sent_body).get(valid), simdjson::SUCCESS);
    EXPECT_EQ(valid.size(), 13u);
    double oldpeak = valid["oldpeak"].get_double().value();
    EXPECT_TRUE(oldpeak >= 0 && oldpeak < 7);
    std::int64_t trestbps = valid["trestbps"].get_int64().value();
    EXPECT_TRUE(trestbps >= 90 && trestbps <= 200);
    EXPECT_FALSE(h.last().catch_response);

    h.client.script.push_back({200, R"({"diagnosis": 0})", "", {}});
    h.run("predict_invalid");
    simdjson::dom::object invalid;
    ASSERT_EQ(parser.parse(h.last().sent_body).get(invalid), simdjson::SUCCESS);
    EXPECT_EQ(invalid.size(), 12u);
    EXPECT_EQ(h.last().message, "Wrong response. Expected status code 400, got 200");
  }
}

TEST(Examples, FixedPredictSendsDataPayloadJson) {
  auto r = load_yaml_scenario(source("examples/fixed-predict.yaml"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto user = r->scenario.user_types[0].factory();
  cicada::test::FakeClient client;
  cicada::Random random;
  cicada::detail::UserBinder::bind(*user, client, random, 0);
  cicada::test::run_now(r->scenario.user_types[0].tasks[0].fn(*user));
  EXPECT_EQ(client.requests.back().sent_body, read(source("data/payload.json")));
}

TEST(Examples, TheCompleteExampleInTheDocsLoads) {
  const std::string doc = read(source("docs/scenarios.md"));
  const auto section = doc.find("## A complete example");
  ASSERT_NE(section, std::string::npos);
  const auto start = doc.find("```yaml\n", section) + 8;
  const auto end = doc.find("```", start);
  auto r =
      cicada::scenario::load_yaml_scenario_text(doc.substr(start, end - start), source("docs/scenarios.md"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->scenario.user_types.size(), 2u);
  EXPECT_EQ(r->settings.users, 100);
  EXPECT_EQ(r->settings.spawn_rate, 10.0);
  EXPECT_EQ(r->settings.run_time, std::chrono::seconds(60));
  EXPECT_EQ(r->scenario.default_host, "http://127.0.0.1:8080");
}
