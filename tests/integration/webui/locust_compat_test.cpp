// Details a Locust user's scripts rely on: /stats/requests before a run has Locust 2.12's JSON types
// (tests/golden/locust-2.12/webui/stats_requests.ready.json, written by Locust itself), and the full
// history download has every entry's rows without --csv-full-history.
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
