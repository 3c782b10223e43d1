// The web UI's JSON API against real tests: Locust's routes and shapes, the test lifecycle, downloads,
// basic auth, and the server-sent event stream.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "webui/basic_auth.hpp"
#include "webui_fixture.hpp"

namespace cicada::test {
namespace {

using nlohmann::json;

TEST_F(WebUiTest, ReadyStateHasLocustShape) {
  auto r = get("/stats/requests");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
  auto j = json::parse(r.body);
  EXPECT_EQ(j["state"], "ready");
  EXPECT_EQ(j["user_count"], 0);
  EXPECT_TRUE(j["current_response_time_percentile_50"].is_null());
  ASSERT_EQ(j["stats"].size(), 1u);
  EXPECT_EQ(j["stats"][0]["name"], "Aggregated");
  EXPECT_TRUE(j["stats"][0]["method"].is_null());  // null before the first start, "" after
  for (const char* key :
       {"avg_content_length", "avg_response_time", "current_fail_per_sec", "current_rps", "max_response_time",
        "median_response_time", "min_response_time", "ninetieth_response_time", "ninety_ninth_response_time",
        "num_failures", "num_requests", "safe_name"}) {
    EXPECT_TRUE(j["stats"][0].contains(key)) << key;
  }
  for (const char* key : {"errors", "fail_ratio", "total_rps"}) EXPECT_TRUE(j.contains(key)) << key;
}

TEST_F(WebUiTest, SwarmEditStopAndStartAgain) {
  auto r = post_form("/swarm", "user_count=1&spawn_rate=10&host=");
  ASSERT_EQ(r.status, 200) << r.body;
  auto answer = json::parse(r.body);
  EXPECT_EQ(answer["success"], true);
  EXPECT_EQ(answer["message"], "Swarming started");
  EXPECT_EQ(answer["host"], target_->url());

  auto body = wait_stats([](const std::string& b) {
    auto j = json::parse(b);
    return j["state"] == "running" && j["stats"].size() == 2 && j["stats"][0]["num_requests"].get<int>() > 20;
  });
  auto j = json::parse(body);
  ASSERT_EQ(j["stats"].size(), 2u) << body;
  EXPECT_EQ(j["stats"][0]["method"], "GET");
  EXPECT_EQ(j["stats"][0]["name"], "/health");
  EXPECT_EQ(j["stats"][1]["method"], "");
  EXPECT_EQ(j["stats"][0]["response_time_percentiles"].size(), 11u);

  // Editing a running test changes its users, not the test.
  ASSERT_EQ(post_form("/swarm", "user_count=3&spawn_rate=100").status, 200);
  body = wait_stats([](const std::string& b) { return json::parse(b)["user_count"] == 3; });
  EXPECT_EQ(json::parse(body)["user_count"], 3) << body;

  auto stop = get("/stop");
  EXPECT_EQ(json::parse(stop.body), json::parse(R"({"message":"Test stopped","success":true})"));
  body = wait_stats([](const std::string& b) { return json::parse(b)["state"] == "stopped"; });
  j = json::parse(body);
  ASSERT_EQ(j["state"], "stopped");
  const auto first_total = j["stats"].back()["num_requests"].get<int>();
  EXPECT_GT(first_total, 0);

  // A later swarm starts a new test with fresh stats in the same process.
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10&run_time=1s").status, 200);
  body = wait_stats([](const std::string& b) { return json::parse(b)["state"] == "stopped"; }, 6s);
  j = json::parse(body);
  EXPECT_EQ(j["state"], "stopped") << "run_time=1s should end the second test by itself";
  EXPECT_LT(j["stats"].back()["num_requests"].get<int>(), first_total + 1000);
  EXPECT_GT(j["stats"].back()["num_requests"].get<int>(), 0);
}

TEST_F(WebUiTest, BadSwarmRequestsAreRefused) {
  auto r = post_form("/swarm", "user_count=1&spawn_rate=1&run_time=soon");
  auto j = json::parse(r.body);
  EXPECT_EQ(j["success"], false);
  EXPECT_EQ(j["message"], "Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.");
  r = post_form("/swarm", "user_count=many&spawn_rate=1");
  EXPECT_EQ(r.status, 400);
  r = post_form("/swarm", "user_count=1&spawn_rate=1&host=ftp://nowhere");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(json::parse(r.body)["message"].get<std::string>().find("http://"), std::string::npos);
  EXPECT_EQ(json::parse(get("/stats/requests").body)["state"], "ready");
}

TEST_F(WebUiTest, DownloadsAndReport) {
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
  wait_stats([](const std::string& b) { return json::parse(b)["stats"].size() == 2; });
  auto csv = get("/stats/requests/csv");
  EXPECT_EQ(csv.header("content-type"), "text/csv");
  EXPECT_EQ(csv.header("content-disposition").rfind("attachment;filename=requests_", 0), 0u);
  EXPECT_EQ(csv.body.rfind("Type,Name,Request Count,Failure Count,", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find("GET,/health,"), std::string::npos);
  EXPECT_EQ(get("/stats/failures/csv").body.rfind("Method,Name,Error,Occurrences", 0), 0u);
  EXPECT_EQ(get("/exceptions/csv").body.rfind("Count,Message,Traceback,Nodes", 0), 0u);
  EXPECT_EQ(get("/stats/requests_full_history/csv").body.rfind("Timestamp,User Count,Type,Name,", 0), 0u);
  EXPECT_EQ(json::parse(get("/exceptions").body), json::parse(R"({"exceptions":[]})"));
  auto tasks = json::parse(get("/tasks").body);
  EXPECT_EQ(tasks["per_class"]["HealthUser"]["ratio"], 1.0);
  EXPECT_EQ(tasks["total"]["HealthUser"]["tasks"]["get_health"]["ratio"], 1.0);

  auto report = get("/stats/report");
  EXPECT_EQ(report.header("content-type"), "text/html; charset=utf-8");
  const std::string url = target_->url();
  for (const char* part : {"Request Statistics", "Response Time Statistics", "/health", "<svg", url.c_str()})
    EXPECT_NE(report.body.find(part), std::string::npos) << part;
  EXPECT_EQ(report.body.find("<script"), std::string::npos) << "the report must open without scripts";
  EXPECT_EQ(
      get("/stats/report?download=1").header("content-disposition").rfind("attachment;filename=report_", 0),
      0u);

  auto histogram = json::parse(get("/stats/histogram?method=GET&name=%2Fhealth").body);
  EXPECT_EQ(histogram["name"], "/health");
  std::uint64_t counted = 0;
  for (const auto& b : histogram["buckets"]) counted += b[2].get<std::uint64_t>();
  EXPECT_EQ(counted, histogram["count"].get<std::uint64_t>());
  EXPECT_GT(counted, 0u);
  EXPECT_EQ(get("/stats/histogram?method=GET&name=%2Fnope").body, "null");
}

TEST_F(WebUiTest, ServesTheEmbeddedFrontEnd) {
  auto page = get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("static/app.js"), std::string::npos);
  auto js = get("/static/app.js");
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js.body.find("EventSource"), std::string::npos);
  EXPECT_EQ(get("/static/uPlot.iife.min.js").status, 200);
  EXPECT_EQ(get("/no/such/route").status, 404);
}

TEST_F(WebUiTest, EventStreamSendsStatsEverySecond) {
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
  // A plain socket: RawConnection reads whole responses, and a stream never ends.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = make_request("GET", "/events");
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  const auto started = std::chrono::steady_clock::now();
  const std::string got = read_until_count(fd, "event: stats\n", 4, 6s);
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(fd);
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_EQ(got.find("Content-Length"), std::string::npos);
  int events = 0;
  for (auto p = got.find("event: stats\n"); p != std::string::npos; p = got.find("event: stats\n", p + 1))
    ++events;
  EXPECT_EQ(events, 4) << got;
  // The first comes at once, then one per closed second: 4 events in about 3 s, never 4 s or more.
  EXPECT_LT(took, 3800ms);
  const auto last = got.rfind("data: ");
  auto j = json::parse(got.substr(last + 6, got.find('\n', last) - last - 6));
  EXPECT_EQ(j["state"], "running");
}

TEST_F(WebUiTest, StoppingTheServerEndsOpenStreams) {
  RawConnection c(port());
  ASSERT_TRUE(c.send(make_request("GET", "/events")));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(ui_->hub().subscribers(), 1u);
  const auto started = std::chrono::steady_clock::now();
  ui_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms)
      << "an open stream must not hold the shutdown";
  EXPECT_TRUE(c.wait_closed(2s));
}

class WebUiAuthTest : public WebUiTest {
 protected:
  void SetUp() override { start("admin:s3cret"); }
};

TEST_F(WebUiAuthTest, BasicAuthGuardsEveryRouteButStatic) {
  auto r = get("/stats/requests");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), "Basic realm=\"\"");
  EXPECT_EQ(get("/", "Authorization: " + webui::basic_auth_header("admin:wrong") + "\r\n").status, 401);
  EXPECT_EQ(post_form("/swarm", "user_count=1&spawn_rate=1").status, 401);
  EXPECT_EQ(
      get("/stats/requests", "Authorization: " + webui::basic_auth_header("admin:s3cret") + "\r\n").status,
      200);
  EXPECT_EQ(webui::basic_auth_header("admin:s3cret"), "Basic YWRtaW46czNjcmV0");
  EXPECT_EQ(get("/static/app.js").status, 200);
}

}  // namespace
}  // namespace cicada::test
