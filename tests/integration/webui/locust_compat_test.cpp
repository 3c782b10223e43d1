// Details a Locust user's scripts rely on: /stats/requests and the other JSON routes have Locust 2.12's
// JSON types in every state (tests/golden/locust-2.12/webui/*.json, written by Locust itself), and the
// full history download has every entry's rows without --csv-full-history.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "webui_fixture.hpp"

using namespace cicada::test;
using json = nlohmann::json;
using cicada::testing::read_file;
using cicada::testing::source;

TEST_F(WebUiTest, ReadyStateHasLocustsTypesKeyByKey) {
  const auto locust =
      json::parse(read_file(source("tests/golden/locust-2.12/webui/stats_requests.ready.json")));
  const auto ours = json::parse(get("/stats/requests").body);
  // Every key Locust has, with the same JSON type (integer 0 stays an integer, 0.0 a float, null null).
  for (const auto& [key, value] : locust.items()) {
    ASSERT_TRUE(ours.contains(key)) << key;
    if (key == "stats") continue;
    EXPECT_EQ(ours[key].type_name(), value.type_name()) << key;
    EXPECT_EQ(ours[key].is_number_integer(), value.is_number_integer()) << key << ": " << ours[key];
  }
  const auto& theirs = locust["stats"][0];
  const auto& mine = ours["stats"][0];
  for (const auto& [key, value] : theirs.items()) {
    ASSERT_TRUE(mine.contains(key)) << key;
    EXPECT_EQ(mine[key].type_name(), value.type_name()) << key << ": " << mine[key] << " vs " << value;
    EXPECT_EQ(mine[key].is_number_integer(), value.is_number_integer()) << key << ": " << mine[key];
    EXPECT_EQ(mine[key], value) << key;
  }
  // cicada's own per-entry percentiles: 0, not null, before any request.
  for (const auto& p : mine["response_time_percentiles"]) EXPECT_EQ(p, 0);
}

TEST_F(WebUiTest, FullHistoryDownloadHasEveryEntry) {
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
  wait_stats([this](const std::string&) {
    return get("/stats/requests_full_history/csv").body.find(",GET,/health,") != std::string::npos;
  });
  const auto csv = get("/stats/requests_full_history/csv").body;
  EXPECT_NE(csv.find(",GET,/health,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",,Aggregated,"), std::string::npos) << csv;
  get("/stop");
}

namespace {

// Users that get /health and a /missing route answering 404: entries, errors and failures to compare.
constexpr const char* kFailingScenario = R"(
user_types:
  MixedUser:
    wait_time: constant(0.01)
    tasks:
      get_health:
        - get: /health
      get_missing:
        - get: /missing
)";

class WebUiWithFailures : public WebUiTest {
 protected:
  void SetUp() override { start("", {}, kFailingScenario); }
};

json golden(const std::string& name) {
  return json::parse(read_file(source("tests/golden/locust-2.12/webui/" + name)));
}

// Every key of Locust's object is in ours with the same JSON type; an integer stays an integer and a
// float a float (`x > 100` and int(x) behave alike). A list is compared element by element against
// Locust's first element. Returns how many leaf values were compared.
int expect_same_types(const json& theirs, const json& ours, const std::string& where) {
  if (theirs.is_object()) {
    EXPECT_TRUE(ours.is_object()) << where << ": " << ours;
    if (!ours.is_object()) return 0;
    int compared = 0;
    for (const auto& [key, value] : theirs.items()) {
      EXPECT_TRUE(ours.contains(key)) << where << "." << key;
      if (ours.contains(key)) compared += expect_same_types(value, ours[key], where + "." + key);
    }
    return compared;
  }
  if (theirs.is_array()) {
    EXPECT_TRUE(ours.is_array()) << where << ": " << ours;
    int compared = 0;
    if (!theirs.empty() && ours.is_array())
      for (std::size_t i = 0; i < ours.size(); ++i)
        compared += expect_same_types(theirs[0], ours[i], where + "[" + std::to_string(i) + "]");
    return compared;
  }
  EXPECT_EQ(ours.type_name(), theirs.type_name()) << where << ": ours " << ours << ", Locust's " << theirs;
  EXPECT_EQ(ours.is_number_integer(), theirs.is_number_integer())
      << where << ": ours " << ours << ", Locust's " << theirs;
  return 1;
}

// The Aggregated row of Locust's running capture stands for every row (its method is "" once started).
bool has_every_figure(const json& j) {
  if (j["state"] != "running" || j["stats"].size() != 3 || j["errors"].empty()) return false;
  if (j["current_response_time_percentile_50"].is_null()) return false;
  for (const auto& e : j["stats"])
    if (e["num_requests"].get<int>() < 5) return false;
  return true;
}

}  // namespace

TEST_F(WebUiWithFailures, RunningAndStoppedStatsHaveLocustsTypesKeyByKey) {
  const auto swarm = json::parse(post_form("/swarm", "user_count=2&spawn_rate=10&run_time=45").body);
  EXPECT_GT(expect_same_types(golden("swarm.json"), swarm, "swarm"), 3);

  const auto running =
      json::parse(wait_stats([](const std::string& b) { return has_every_figure(json::parse(b)); }));
  ASSERT_TRUE(has_every_figure(running)) << running.dump(2);
  // 6 top-level values (besides the lists), 14 per row, 4 per error.
  EXPECT_GE(expect_same_types(golden("stats_requests.running.json"), running, "running"), 6 + 3 * 14 + 4);
  // The figures a script compares, read as Locust gives them: whole milliseconds.
  for (const char* key : {"median_response_time", "ninetieth_response_time", "ninety_ninth_response_time"})
    EXPECT_TRUE(running["stats"].back()[key].is_number_integer()) << key;
  // cicada's own keys keep the microseconds the UI draws.
  EXPECT_TRUE(running["current_response_time_ms"]["p95"].is_number_float())
      << running["current_response_time_ms"];
  EXPECT_TRUE(running["stats"].back()["response_time_percentiles"][0].is_number_float());

  const auto tasks = json::parse(get("/tasks").body);
  EXPECT_TRUE(tasks["per_class"]["MixedUser"]["ratio"].is_number_float()) << tasks;
  EXPECT_TRUE(tasks["total"]["MixedUser"]["tasks"]["get_missing"]["ratio"].is_number_float()) << tasks;

  EXPECT_EQ(expect_same_types(golden("stop.json"), json::parse(get("/stop").body), "stop"), 2);
  const auto stopped =
      json::parse(wait_stats([](const std::string& b) { return json::parse(b)["state"] == "stopped"; }));
  ASSERT_EQ(stopped["state"], "stopped");
  // Locust's capture says "running" (it memoizes the answer for 2 s); the types are what is compared.
  json reference = golden("stats_requests.stopped.json");
  reference.erase("state");
  // After the stop the last ~10 s still hold samples: integers, as Locust's.
  EXPECT_FALSE(stopped["current_response_time_percentile_95"].is_null()) << stopped.dump(2);
  EXPECT_GE(expect_same_types(reference, stopped, "stopped"), 5 + 3 * 14 + 4);
}
