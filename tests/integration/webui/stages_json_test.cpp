// GET /stats/requests (and each "stats" event) carries the run's stage boundaries for the live charts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "webui/stats_json.hpp"

using namespace cicada;

TEST(StagesJson, StatsRequestsListsEveryStageWithTimeAndLabel) {
  stats::Snapshot snap;
  snap.stages = {{1'795'000'000.25, "stage 1/2: 10 users @ 5/s"}, {1'795'000'030.5, "stage 2/2: <b>"}};
  const auto j = nlohmann::json::parse(webui::stats_requests_json(snap, runner::RunState::kRunning, true));
  ASSERT_EQ(j.at("stages").size(), 2u) << j.dump();
  EXPECT_DOUBLE_EQ(j["stages"][0].at("time").get<double>(), 1'795'000'000.25);
  EXPECT_EQ(j["stages"][0].at("label"), "stage 1/2: 10 users @ 5/s");
  EXPECT_EQ(j["stages"][1].at("label"), "stage 2/2: <b>");  // plain text: the UI draws it on a canvas
}

TEST(StagesJson, NoShapeNoStages) {
  const auto j = nlohmann::json::parse(webui::stats_requests_json({}, runner::RunState::kReady, false));
  EXPECT_TRUE(j.at("stages").empty());
}
