// Every kind of mistake in a scenario file is reported before any load starts, with file, line, column and
// what was expected. One test per kind of mistake.
#include <gtest/gtest.h>

#include "scenario/yaml_loader.hpp"
#include "temp_dir.hpp"

using cicada::scenario::load_yaml_scenario;
using cicada::scenario::load_yaml_scenario_text;

namespace {

constexpr const char* kFile = "/scenarios/s.yaml";

// Loads `yaml`, expects an error starting with "FILE:LINE:COL: expected" and containing `detail`.
void expect_error(const std::string& yaml, int line, int column, const std::string& detail,
                  const std::filesystem::path& file = kFile) {
  auto r = load_yaml_scenario_text(yaml, file);
  ASSERT_FALSE(r.ok()) << "loaded:\n" << yaml;
  const std::string& msg = r.error().message;
  const std::string where =
      file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": expected";
  EXPECT_EQ(msg.rfind(where, 0), 0u) << msg;
  EXPECT_NE(msg.find(detail), std::string::npos) << msg;
}

// A valid scenario with `extra` text inserted as user type keys (indented 4) and a task body.
std::string with_user_type(const std::string& user_type_body) {
  return "user_types:\n  U:\n" + user_type_body;
}

const std::string kTask = "    tasks:\n      t:\n        - get: /health\n";

}  // namespace

TEST(LoaderErrors, AValidMinimalScenarioLoads) {
  auto r = load_yaml_scenario_text(with_user_type(kTask), kFile);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->scenario.user_types.size(), 1u);
  EXPECT_EQ(r->scenario.user_types[0].tasks.size(), 1u);
  EXPECT_EQ(r->scenario.source, kFile);
}

TEST(LoaderErrors, UnknownTopLevelKeyListsTheAllowedKeys) {
  expect_error(
      "host: http://127.0.0.1:1\nusres: 10\n" + with_user_type(kTask), 2, 1,
      "one of the keys of the scenario (host, users, spawn_rate, run_time, headers, client, payloads, "
      "user_types, stages, arrival_rate, max_inflight, arrival_distribution, thresholds), got \"usres\"");
}

TEST(LoaderErrors, ArrivalDistributionIsConstantOrPoisson) {
  auto r = load_yaml_scenario_text(
      "arrival_rate: 20\narrival_distribution: poisson\n" + with_user_type(kTask), kFile);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->settings.poisson_arrivals, std::optional<bool>(true));
  r = load_yaml_scenario_text(with_user_type(kTask), kFile);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->settings.poisson_arrivals.has_value());  // the command line's default then
  expect_error("arrival_distribution: uniform\n" + with_user_type(kTask), 1, 23,
               "constant or poisson, got \"uniform\"");
}

TEST(LoaderErrors, TypoInARequestKeyIsRejected) {
  expect_error(
      with_user_type("    tasks:\n      t:\n        - get: /health\n          chek: {status: 200}\n"), 6, 11,
      "got \"chek\"");
}

TEST(LoaderErrors, AMalformedStreamTokensRuleIsRejectedWhereItIs) {
  expect_error(
      with_user_type("    tasks:\n      t:\n        - get: /chat\n          stream_tokens: tokens\n"), 6, 26,
      "event or json:POINTER (e.g. json:/choices/0/delta/content), got \"tokens\"");
  expect_error(
      with_user_type("    tasks:\n      t:\n        - get: /chat\n          stream_tokens: \"json:\"\n"), 6,
      26, "event or json:POINTER");
  // A gRPC call has no streamed response to count.
  expect_error(
      with_user_type("    tasks:\n      t:\n        - grpc: ServerLive\n          stream_tokens: event\n"), 6,
      11, "got \"stream_tokens\"");
}

TEST(LoaderErrors, TypoInACheckKeyIsRejected) {
  expect_error(
      with_user_type("    tasks:\n      t:\n        - get: /health\n          check: {stauts: 200}\n"), 6, 19,
      "one of the keys of check (status, body_contains, json, json_has, max_latency, message)");
}

TEST(LoaderErrors, DuplicateKeysAreRejected) {
  expect_error(with_user_type("    weight: 1\n    weight: 2\n" + kTask), 4, 5, "each key once");
}

TEST(LoaderErrors, WrongTypeSaysWhatWasExpected) {
  expect_error(with_user_type("    weight: heavy\n" + kTask), 3, 13,
               "a user type weight (a number), got \"heavy\"");
  expect_error("users: [1, 2]\n" + with_user_type(kTask), 1, 8,
               "a number of users (a whole number), got a list");
  expect_error(with_user_type("    tasks:\n      t:\n        - get: {path: /x}\n"), 5, 16,
               "a path (a string), got a mapping");
}

TEST(LoaderErrors, BadDuration) {
  expect_error("run_time: 5x\n" + with_user_type(kTask), 1, 11, "run_time (a duration such as 200ms");
  expect_error(
      with_user_type("    tasks:\n      t:\n        - get: /\n          check: {max_latency: fast}\n"), 6, 32,
      "max_latency (a duration");
}

TEST(LoaderErrors, BadWaitTime) {
  expect_error(with_user_type("    wait_time: betwen(1, 5)\n" + kTask), 3, 16, "between(MIN, MAX)");
  expect_error(with_user_type("    wait_time: between(5, 1)\n" + kTask), 3, 16, "MIN is above MAX");
}

TEST(LoaderErrors, WeightsMustBeAboveZero) {
  expect_error(with_user_type("    weight: 0\n" + kTask), 3, 13, "a user type weight above 0, got \"0\"");
  expect_error(with_user_type("    tasks:\n      t:\n        weight: -1\n        requests: [{get: /}]\n"), 5,
               17, "a task weight above 0");
  expect_error(with_user_type("    fixed_count: 0\n" + kTask), 3, 18, "a fixed user count of at least 1");
  expect_error(with_user_type("    weight: 1\n    fixed_count: 2\n" + kTask), 4, 18,
               "either weight or fixed_count");
}

TEST(LoaderErrors, EmptyTaskListsAreRejected) {
  expect_error(with_user_type("    tasks: {}\n"), 3, 12, "a non-empty mapping of task names to tasks");
  expect_error(with_user_type("    wait_time: constant(0)\n"), 3, 5, "`tasks:` in user type U");
  expect_error(with_user_type("    tasks:\n      t:\n        requests: []\n"), 5, 19,
               "the requests of task t (a non-empty list of requests)");
  expect_error("host: http://127.0.0.1:1\nuser_types: {}\n", 2, 13, "a non-empty mapping of user type names");
}

TEST(LoaderErrors, UnknownPayloadNameListsTheDefinedOnes) {
  const std::string yaml =
      "payloads:\n  p: {random: {a: {int: [0, 1]}}}\n" +
      with_user_type("    tasks:\n      t:\n        - post: /predict\n          payload: q\n");
  expect_error(yaml, 8, 20, "the name of a payload defined under payloads (p), got \"q\"");
}

TEST(LoaderErrors, UnknownInvalidVariantOrBaseIsRejected) {
  expect_error("payloads:\n  p: {random: {a: {int: [0, 1]}}}\n  bad: {invalid: drop_fields, of: p}\n" +
                   with_user_type(kTask),
               3, 18, "an invalid variant (drop_field, wrong_type, out_of_range, malformed_json)");
  expect_error("payloads:\n  p: {random: {a: {int: [0, 1]}}}\n  bad: {invalid: drop_field, of: nope}\n" +
                   with_user_type(kTask),
               3, 34, "the name of a random payload");
  expect_error("payloads:\n  p: {random: {a: {constant: x}}}\n  bad: {invalid: wrong_type, of: p}\n" +
                   with_user_type(kTask),
               3, 34, "at least one int or float field");
}

TEST(LoaderErrors, BadFieldSpecs) {
  expect_error("payloads:\n  p: {random: {a: {int: [5, 1]}}}\n" + with_user_type(kTask), 2, 29, "HI >= LO");
  expect_error("payloads:\n  p: {random: {a: {integer: [0, 1]}}}\n" + with_user_type(kTask), 2, 20,
               "one of the keys of a field spec (int, float, choice, constant)");
  expect_error("payloads:\n  p: {random: {a: {choice: []}}}\n" + with_user_type(kTask), 2, 28,
               "a non-empty list");
  expect_error("payloads:\n  p: {random: {a: 5}}\n" + with_user_type(kTask), 2, 19, "a field spec");
}

TEST(LoaderErrors, UnreadableOrInvalidPayloadFiles) {
  cicada::test::TempDir dir;
  dir.write("bad.json", "{\"a\": ");
  const auto scenario = dir.path() / "s.yaml";
  expect_error("payloads:\n  p: {file: missing.json}\n" + with_user_type(kTask), 2, 13,
               "missing.json: cannot read", scenario);
  expect_error("payloads:\n  p: {file: bad.json}\n" + with_user_type(kTask), 2, 13,
               "bad.json: expected a JSON document", scenario);
}

TEST(LoaderErrors, OneBodyPerRequest) {
  expect_error(with_user_type(
                   "    tasks:\n      t:\n        - post: /x\n          json: {a: 1}\n          body: raw\n"),
               5, 11, "at most one of json, body and payload");
}

TEST(LoaderErrors, BadMethodPathAndHost) {
  expect_error(with_user_type("    tasks:\n      t:\n        - method: FETCH\n          path: /x\n"), 5, 19,
               "an HTTP method");
  expect_error(with_user_type("    tasks:\n      t:\n        - get: health\n"), 5, 16,
               "a path starting with /");
  expect_error("host: 127.0.0.1:8080\n" + with_user_type(kTask), 1, 7, "a host URL starting with http://");
  expect_error(with_user_type("    tasks:\n      t:\n        - get: /a\n          post: /b\n"), 6, 17,
               "one method per request");
  expect_error(with_user_type("    tasks:\n      t:\n        - check: {status: 200}\n"), 5, 11, "a path");
}

TEST(LoaderErrors, BadStatusCodes) {
  expect_error(with_user_type("    tasks:\n      t:\n        - get: /\n          check: {status: 999}\n"), 6,
               27, "an HTTP status code (100 to 599)");
}

TEST(LoaderErrors, YamlSyntaxErrorsCarryTheirPosition) {
  auto r = load_yaml_scenario_text("user_types:\n  U: {tasks: [\n", kFile);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind(std::string(kFile) + ":", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("expected valid YAML"), std::string::npos) << r.error().message;
}

TEST(LoaderErrors, MissingScenarioFileAndEmptyDocument) {
  auto r = load_yaml_scenario("/nonexistent/scenario.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "/nonexistent/scenario.yaml: cannot read the scenario file: No such file or directory");
  auto empty = load_yaml_scenario_text("", kFile);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("expected the scenario (a mapping), got nothing"), std::string::npos)
      << empty.error().message;
}
