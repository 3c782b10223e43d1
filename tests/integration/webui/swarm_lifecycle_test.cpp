// POST /swarm around a running or stopping test, as a Locust user drives it: a swarm while the previous
// test is still stopping answers at once and starts the new test when the stop is done (the web server
// answers every route meanwhile), a run_time sent to a running test ends it then, another host for a
// running test is refused, a stats reset is seen at once, and the report links its own download.
#include <nlohmann/json.hpp>

#include "webui_fixture.hpp"

namespace cicada::test {
namespace {

using nlohmann::json;

// One user whose every task waits in GET /hold until the test releases it.
constexpr const char* kHoldScenario = R"(
user_types:
  HoldUser:
    wait_time: constant(0.01)
    tasks:
      hold:
        - get: /hold
)";

// A stop that lasts until the test says: --stop-timeout lets the held user finish its task.
class StoppingWebUiTest : public WebUiTest {
 protected:
  void SetUp() override {
    stop_timeout_ = std::chrono::minutes(10);
    start("", {}, kHoldScenario);
  }

  // An answer that does not come within the deadline is a server that waits for something: a hang, not
  // slowness (the deadline is far past any answer's time on a loaded machine).
  std::optional<RawResponse> request_within(const std::string& request) {
    RawConnection c(port());
    if (!c.send(request)) return std::nullopt;
    return c.read_response(60s);
  }

  // Starts one held user and stops the test: it stays stopping until release_hold().
  void start_and_begin_stopping() {
    ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (hold_entered_.load() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    ASSERT_GT(hold_entered_.load(), 0u) << "the user never reached the target";
    ASSERT_EQ(get("/stop").status, 200);
    ASSERT_EQ(json::parse(get("/stats/requests").body)["state"], "stopping");
  }
};

TEST_F(StoppingWebUiTest, ASwarmWhileStoppingAnswersAtOnceAndStartsOnceStopped) {
  start_and_begin_stopping();
  EXPECT_EQ(json::parse(get("/stats/requests").body)["test_id"], 1);

  // The swarm used to join the stopping test on the web server's one thread: this answer, and every
  // other route, waited for the stop.
  const auto swarm = request_within(make_request("POST", "/swarm", "user_count=2&spawn_rate=100&run_time=1h",
                                                 "application/x-www-form-urlencoded"));
  ASSERT_TRUE(swarm) << "POST /swarm waited for the stopping test";
  ASSERT_EQ(swarm->status, 200) << swarm->body;
  const auto answer = json::parse(swarm->body);
  EXPECT_EQ(answer["success"], true);
  EXPECT_EQ(answer["message"], "Swarming started");  // Locust's words, for scripts that read them
  EXPECT_EQ(answer["waiting_for_stop"], true);
  EXPECT_EQ(answer["host"], target_->url());
  EXPECT_EQ(answer["run_time"], 3600);

  const auto stats = request_within(make_request("GET", "/stats/requests"));
  ASSERT_TRUE(stats) << "GET /stats/requests waited for the stopping test";
  auto j = json::parse(stats->body);
  EXPECT_EQ(j["state"], "stopping") << "the held user still holds the stop";
  EXPECT_EQ(j["test_id"], 1);

  // The stop ends when the held task does; the queued test starts then, with its own settings.
  release_hold();
  const auto body = wait_stats(
      [](const std::string& b) {
        const auto s = json::parse(b);
        return s["test_id"] == 2 && s["state"] == "running" && s["user_count"] == 2;
      },
      60s);
  j = json::parse(body);
  EXPECT_EQ(j["test_id"], 2) << body;
  EXPECT_EQ(j["state"], "running") << body;
  EXPECT_EQ(j["user_count"], 2) << body;
  EXPECT_EQ(ui_->controller().info().run_time, std::chrono::hours(1));
}

TEST_F(StoppingWebUiTest, AStopCancelsAStartStillWaitingForThePreviousStop) {
  start_and_begin_stopping();
  const auto swarm = request_within(
      make_request("POST", "/swarm", "user_count=2&spawn_rate=100", "application/x-www-form-urlencoded"));
  ASSERT_TRUE(swarm);
  ASSERT_EQ(json::parse(swarm->body)["success"], true) << swarm->body;
  ASSERT_EQ(get("/stop").status, 200);
  release_hold();
  ASSERT_TRUE(ui_->controller().wait_idle(60s));
  const auto j = json::parse(get("/stats/requests").body);
  EXPECT_EQ(j["state"], "stopped");
  EXPECT_EQ(j["test_id"], 1) << "the cancelled test must not start";
}

// Locust's swarm schedules a stop run_time after it, also for a running test; cicada ignored it there
// while its answer echoed it.
TEST_F(WebUiTest, RunTimeSentToARunningTestEndsItThen) {
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
  wait_stats([](const std::string& b) { return json::parse(b)["state"] == "running"; });
  const auto r = post_form("/swarm", "user_count=1&spawn_rate=10&run_time=1");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = json::parse(r.body);
  EXPECT_EQ(answer["success"], true);
  EXPECT_EQ(answer["message"], "Swarming started");
  EXPECT_FALSE(answer.contains("waiting_for_stop"));
  EXPECT_EQ(answer["run_time"], 1);
  const auto body =
      wait_stats([](const std::string& b) { return json::parse(b)["state"] == "stopped"; }, 60s);
  EXPECT_EQ(json::parse(body)["state"], "stopped") << "the test should have ended a second after the swarm";
  EXPECT_EQ(json::parse(body)["test_id"], 1) << "the same test, ended; not a new one";
}

// A running test's users are connected to its host: another host is refused, and nothing changes.
TEST_F(WebUiTest, AnotherHostForARunningTestIsRefused) {
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
  wait_stats([](const std::string& b) { return json::parse(b)["state"] == "running"; });
  auto r = post_form("/swarm", "user_count=3&spawn_rate=10&host=http://127.0.0.1:1");
  EXPECT_EQ(r.status, 400) << r.body;
  auto answer = json::parse(r.body);
  EXPECT_EQ(answer["success"], false);
  EXPECT_NE(answer["message"].get<std::string>().find("host of a running test cannot change"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(answer["host"], target_->url()) << "the answer names the host in effect";
  auto j = json::parse(get("/stats/requests").body);
  EXPECT_EQ(j["host"], target_->url());
  EXPECT_EQ(ui_->controller().info().users, 1) << "nothing of the refused request was applied";
  // The same host, as a page or script that sends the whole form again: applied.
  r = post_form("/swarm", "user_count=2&spawn_rate=10&host=" + target_->url());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["host"], target_->url());
  EXPECT_EQ(ui_->controller().info().users, 2);
}

// Locust's reset is immediate: what is served right after it counts nothing from before. At most what
// the target answered since the reset was sent (and a request per user in flight then) may be counted.
TEST_F(WebUiTest, StatsResetIsSeenAtOnce) {
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
  const auto before = wait_stats(
      [](const std::string& b) { return json::parse(b)["stats"].back()["num_requests"].get<int>() >= 50; },
      60s);
  ASSERT_GE(json::parse(before)["stats"].back()["num_requests"].get<int>(), 50) << before;
  const std::uint64_t served_before = health_served_.load();
  ASSERT_EQ(get("/stats/reset").body, "ok");
  const auto j = json::parse(get("/stats/requests").body);
  const std::uint64_t served_since = health_served_.load() - served_before;
  const auto counted = j["stats"].back()["num_requests"].get<std::uint64_t>();
  EXPECT_LE(counted, served_since + 1) << "counted " << counted << " right after the reset";
  ASSERT_EQ(j["stats"].size(), 2u) << "the entry stays, as Locust's reset keeps it";
  EXPECT_EQ(j["stats"][0]["name"], "/health");
}

// As Locust's: the report shown in the browser links its download; ?download=1 is that attachment.
TEST_F(WebUiTest, ReportLinksItsDownloadAsLocustsDoes) {
  const auto shown = get("/stats/report");
  EXPECT_TRUE(shown.header("content-disposition").empty());
  EXPECT_NE(shown.body.find("<a href=\"?download=1\">Download the Report</a>"), std::string::npos);
  const auto downloaded = get("/stats/report?download=1");
  EXPECT_EQ(downloaded.header("content-disposition").rfind("attachment;filename=report_", 0), 0u);
  EXPECT_EQ(downloaded.body.find("?download=1"), std::string::npos) << "a downloaded report links nothing";
  EXPECT_EQ(downloaded.header("content-type"), "text/html; charset=utf-8");
}

}  // namespace
}  // namespace cicada::test
