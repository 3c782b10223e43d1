// POST /swarm beyond Locust's users: an arrival rate (the open model), stages in the --stages syntax,
// a shape set on the command line that the form cannot replace, and bad load fields answered with 400
// and a message (the test does not start).
#include <nlohmann/json.hpp>

#include "runner/stages.hpp"
#include "webui_fixture.hpp"

namespace cicada::test {
namespace {

using nlohmann::json;

json stats_json(const std::string& body) { return json::parse(body); }

TEST_F(WebUiTest, ArrivalRateStartsAnOpenModelTestAndCanBeRetargeted) {
  auto r = post_form("/swarm", "arrival_rate=40&max_inflight=20&run_time=20s");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["load_mode"], "arrival_rate");

  auto body = wait_stats([](const std::string& b) {
    const auto j = stats_json(b);
    return !j["open_model"].is_null() && j["stats"].back()["num_requests"].get<int>() > 40;
  });
  auto j = stats_json(body);
  ASSERT_FALSE(j["open_model"].is_null()) << body;
  EXPECT_EQ(j["load_mode"], "arrival_rate");
  const auto& open = j["open_model"];
  EXPECT_DOUBLE_EQ(open["arrival_rate"].get<double>(), 40.0);
  EXPECT_EQ(open["max_inflight"], 20);
  EXPECT_EQ(open["arrival_distribution"], "constant");  // the command line's default
  EXPECT_GE(open["in_flight"].get<int>(), 0);
  EXPECT_LE(open["in_flight"].get<int>(), 20);
  EXPECT_EQ(open["dropped_iterations"], 0);
  // Both latencies are there; from the scheduled start it can only be as long or longer.
  ASSERT_TRUE(open["corrected"]["p95"].is_number()) << body;
  ASSERT_TRUE(open["uncorrected"]["p99"].is_number()) << body;
  EXPECT_GE(open["corrected"]["p99"].get<double>(), open["uncorrected"]["p99"].get<double>());

  // A running open-model test takes a new rate, not users.
  ASSERT_EQ(post_form("/swarm", "arrival_rate=80").status, 200);
  body = wait_stats([](const std::string& b) {
    const auto s = stats_json(b);
    return !s["open_model"].is_null() && s["open_model"]["arrival_rate"] == 80.0;
  });
  EXPECT_DOUBLE_EQ(stats_json(body)["open_model"]["arrival_rate"].get<double>(), 80.0) << body;
  r = post_form("/swarm", "user_count=5&spawn_rate=5");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("arrival_rate"), std::string::npos);
  get("/stop");
}

TEST_F(WebUiTest, PoissonArrivalsChosenOnTheFormRunAndAreNamedInTheStatsAndTheReport) {
  EXPECT_EQ(json::parse(get("/config").body)["arrival_distribution"], "constant");
  auto r = post_form("/swarm", "arrival_rate=40&max_inflight=20&arrival_distribution=poisson&run_time=20s");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = wait_stats([](const std::string& b) { return !stats_json(b)["open_model"].is_null(); });
  EXPECT_EQ(stats_json(body)["open_model"]["arrival_distribution"], "poisson") << body;
  // The distribution is the test's: a new rate keeps it, and cannot change it.
  r = post_form("/swarm", "arrival_rate=50&arrival_distribution=constant");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("fixed for a running test"), std::string::npos) << r.body;
  ASSERT_EQ(post_form("/swarm", "arrival_rate=60").status, 200);
  EXPECT_EQ(stats_json(get("/stats/requests").body)["open_model"]["arrival_distribution"], "poisson");
  EXPECT_NE(get("/stats/report").body.find("arrival rate 60/s (Poisson arrivals, max in-flight 20)"),
            std::string::npos);
  get("/stop");
}

// With --arrival-distribution poisson the form offers Poisson by default, also beside users stages: that
// echo of the command line is no request, and a test of users starts (while asking for Poisson arrivals
// where the command line did not is refused: BadLoadFieldsAre400WithAMessageAndStartNothing).
TEST_F(WebUiTest, TheCommandLinesPoissonDefaultDoesNotStopATestOfUsers) {
  ui_->stop();
  ui_.reset();
  poisson_arrivals_ = true;
  start("");
  EXPECT_EQ(json::parse(get("/config").body)["arrival_distribution"], "poisson");
  auto r = post_form("/swarm", "stages=20s%3A2%405&arrival_distribution=poisson");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = wait_stats([](const std::string& b) { return stats_json(b)["user_count"] == 2; });
  EXPECT_TRUE(stats_json(body)["open_model"].is_null()) << body;
  get("/stop");
}

TEST_F(WebUiTest, StagesOfRatesRunInOrderAndMarkTheirBoundaries) {
  auto r = post_form("/swarm", "stages=1s%3A20%2Fs%2C+20s%3A50%2Fs&max_inflight=30");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["load_mode"], "stages");

  const auto body = wait_stats(
      [](const std::string& b) {
        const auto j = stats_json(b);
        return j["stages"].size() == 2 && !j["open_model"].is_null() &&
               j["open_model"]["arrival_rate"] == 50.0;
      },
      8s);
  const auto j = stats_json(body);
  ASSERT_EQ(j["stages"].size(), 2u) << body;
  EXPECT_NE(j["stages"][0]["label"].get<std::string>().find("stage 1/2"), std::string::npos) << body;
  EXPECT_NE(j["stages"][1]["label"].get<std::string>().find("stage 2/2"), std::string::npos) << body;
  EXPECT_LT(j["stages"][0]["time"].get<double>(), j["stages"][1]["time"].get<double>());
  EXPECT_EQ(j["open_model"]["max_inflight"], 30);
  EXPECT_EQ(json::parse(get("/config").body)["stages"], "1s:20/s,20s:50/s");
  get("/stop");
}

TEST_F(WebUiTest, StagesOfUsersUseTheClosedModel) {
  ASSERT_EQ(post_form("/swarm", "stages=1s%3A1%4010%2C20s%3A3%4010").status, 200);
  const auto body = wait_stats([](const std::string& b) { return stats_json(b)["user_count"] == 3; });
  const auto j = stats_json(body);
  EXPECT_EQ(j["user_count"], 3) << body;
  EXPECT_TRUE(j["open_model"].is_null());
  EXPECT_EQ(j["load_mode"], "stages");
  // A shaped test is not edited by a new stage list while it runs.
  const auto r = post_form("/swarm", "stages=10s%3A5");
  EXPECT_EQ(r.status, 400) << r.body;
  get("/stop");
}

TEST_F(WebUiTest, BadLoadFieldsAre400WithAMessageAndStartNothing) {
  const std::pair<const char*, const char*> cases[] = {
      {"stages=30x%3A10", "stages"},                       // unknown unit
      {"stages=10s%3A5%2C10s%3A20%2Fs", "stages"},         // users and rates mixed
      {"stages=%2C%2C", "stages"},                         // nothing in it
      {"arrival_rate=-3", "arrival_rate"},                 // not > 0
      {"arrival_rate=fast", "arrival_rate"},               // not a number
      {"arrival_rate=10&max_inflight=0", "max_inflight"},  // not >= 1
      {"arrival_rate=10&stages=10s%3A5%2Fs", "not both"},  // two loads
      {"user_count=&spawn_rate=1", "user_count"},          // Locust's message, unchanged
      {"arrival_rate=10&arrival_distribution=normal", "constant or poisson"},
      {"user_count=2&spawn_rate=1&arrival_distribution=poisson", "open model"},  // users have no gaps
      {"stages=10s%3A5&arrival_distribution=poisson", "open model"},             // nor stages of users
      // Out of range (a hostile-input probe's): 1e300/s looped the arrival schedule forever and took all
      // memory; 2^32 users wrapped to 0; 1e22/s spawned past a cast's range; 1e300 overflowed a cast.
      {"arrival_rate=1e300&max_inflight=2", "at most 1e+07"},
      {"stages=2s%3A1e300%2Fs", "at most 1e+07"},
      {"stages=2s%3A1..1e300%2Fs", "at most 1e+07"},
      {"user_count=4294967296&spawn_rate=1", "user_count"},
      {"stages=1s%3A4294967297%401", "users"},
      {"user_count=3&spawn_rate=1e22", "spawn_rate"},
      {"arrival_rate=5&max_inflight=1e300", "max_inflight"},
  };
  for (const auto& [form, word] : cases) {
    const auto r = post_form("/swarm", form);
    EXPECT_EQ(r.status, 400) << form << ": " << r.body;
    const auto j = json::parse(r.body);
    EXPECT_EQ(j["success"], false) << form;
    EXPECT_NE(j["message"].get<std::string>().find(word), std::string::npos) << form << ": " << r.body;
  }
  EXPECT_EQ(stats_json(get("/stats/requests").body)["state"], "ready");
}

TEST_F(WebUiTest, AShapeFromTheCommandLineRunsOnSwarmAndCannotBeReplaced) {
  ui_->stop();
  ui_.reset();
  auto stages = runner::parse_stages("20s:25/s");
  ASSERT_TRUE(stages);
  start("", runner::stages_shape(*stages, 1));

  const auto config = json::parse(get("/config").body);
  EXPECT_EQ(config["shape_controlled"], true);
  EXPECT_NE(config["shape"].get<std::string>().find("arrival rate 25/s"), std::string::npos) << config;

  auto r = post_form("/swarm", "stages=10s%3A5");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("load shape"), std::string::npos);
  // Locust's form without users (its shape form) starts the shape.
  r = post_form("/swarm", "host=");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["load_mode"], "shape");
  const auto body = wait_stats([](const std::string& b) { return !stats_json(b)["open_model"].is_null(); });
  EXPECT_DOUBLE_EQ(stats_json(body)["open_model"]["arrival_rate"].get<double>(), 25.0) << body;
  get("/stop");
}

}  // namespace
}  // namespace cicada::test
