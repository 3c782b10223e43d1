// The web UI's JSON API against real tests: Locust's routes and shapes, the test lifecycle, downloads,
// basic auth, and the server-sent event stream.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

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
  const auto first_total = j["stats"].back()["num_requests"].get<std::uint64_t>();
  EXPECT_GT(first_total, 20u);
  const std::uint64_t served_before = health_served_.load();

  // A later swarm starts a new test with fresh stats in the same process.
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10&run_time=1s").status, 200);
  body = wait_stats([](const std::string& b) { return json::parse(b)["state"] == "stopped"; }, 60s);
  j = json::parse(body);
  EXPECT_EQ(j["state"], "stopped") << "run_time=1s should end the second test by itself";
  // Fresh stats: the second test counts what the target answered since the first one stopped, not the
  // first test's requests too. Either test's one user may have had a request in flight at its stop,
  // answered but not counted, or counted but not answered.
  const auto second_total = j["stats"].back()["num_requests"].get<std::uint64_t>();
  const std::uint64_t served = health_served_.load() - served_before;
  EXPECT_GT(second_total, 0u);
  EXPECT_LE(second_total, served + 1) << "first test: " << first_total;
  EXPECT_GE(second_total + 2, served) << "first test: " << first_total;
}

// A swarm sent right after /stop starts a new test once the stopped one has ended. It used to retarget
// the stopping test: answered "Swarming started", then lost (stopped, 0 users) when the stop finished.
TEST_F(WebUiTest, ASwarmRightAfterStopStartsANewTest) {
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
  wait_stats([](const std::string& b) { return json::parse(b)["state"] == "running"; });
  auto stop = get("/stop");
  ASSERT_EQ(stop.status, 200);
  EXPECT_NE(json::parse(get("/stats/requests").body)["state"], "running") << "stopping from the answer on";
  auto r = post_form("/swarm", "user_count=2&spawn_rate=100");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["message"], "Swarming started");
  const auto body = wait_stats([](const std::string& b) {
    const auto j = json::parse(b);
    return j["state"] == "running" && j["user_count"] == 2;
  });
  const auto j = json::parse(body);
  EXPECT_EQ(j["state"], "running") << body;
  EXPECT_EQ(j["user_count"], 2) << body;
  ASSERT_EQ(get("/stop").status, 200);
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
  // Bytes that are not UTF-8, echoed in the answer: a 400 in valid JSON (a 500 before: dump() threw).
  for (const char* form : {"user_count=1&spawn_rate=1&host=%ff", "stages=%ff"}) {
    r = post_form("/swarm", form);
    EXPECT_EQ(r.status, 400) << form << ": " << r.body;
    EXPECT_FALSE(json::parse(r.body)["success"].get<bool>()) << form;
  }
  // A host the client could not connect to, or one with a control character, is refused at once (it ran a
  // test whose every request failed; a CRLF in it forged a log line), and is echoed without one.
  for (const char* host : {"http://", "http://:80", "http://127.0.0.1:99999", "http://%5B::1",
                           "http://a%0d%0ab", "http://a%20b"}) {
    r = post_form("/swarm", std::string("user_count=1&spawn_rate=1&host=") + host);
    EXPECT_EQ(r.status, 400) << host << ": " << r.body;
    const std::string message = json::parse(r.body)["message"].get<std::string>();
    EXPECT_EQ(message.find_first_of("\r\n"), std::string::npos) << message;
  }
  // A run_time past 100 years is refused (it overflowed to a negative time and stopped at once).
  for (const char* form : {"user_count=1&spawn_rate=1&run_time=99999999999999999999h",
                           "user_count=1&spawn_rate=1&run_time=2562048h"}) {
    r = post_form("/swarm", form);
    EXPECT_FALSE(json::parse(r.body)["success"].get<bool>()) << form << ": " << r.body;
  }
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
  EXPECT_NE(page.body.find("static/live.js"), std::string::npos);
  auto js = get("/static/live.js");
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js.body.find("EventSource"), std::string::npos);
  EXPECT_NE(get("/static/app.js").body.find("liveUpdates("), std::string::npos);
  EXPECT_EQ(get("/static/uPlot.iife.min.js").status, 200);
  EXPECT_EQ(get("/no/such/route").status, 404);
}

// A plain socket subscribed to /events (RawConnection reads whole responses, and a stream never ends);
// -1 when it could not connect or send.
int open_event_stream(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string req = make_request("GET", "/events");
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The data of each whole "stats" event in a stream's bytes, in order.
std::vector<json> stats_events(const std::string& got) {
  std::vector<json> out;
  for (auto p = got.find("event: stats\ndata: "); p != std::string::npos;
       p = got.find("event: stats\ndata: ", p + 1)) {
    const auto begin = p + std::string_view("event: stats\ndata: ").size();
    const auto end = got.find("\n\n", begin);
    if (end == std::string::npos) break;  // the last one is not whole yet
    out.push_back(json::parse(got.substr(begin, end - begin)));
  }
  return out;
}

TEST_F(WebUiTest, AReadyPageGetsAKeepAliveEvent) {
  const int fd = open_event_stream(port());
  ASSERT_GE(fd, 0);
  // Nothing runs: the second event can only come from the keep-alive timer (1 s); 20 s only catches its
  // absence, whatever the machine's load.
  const std::string got = read_until_count(fd, "event: stats\n", 2, 20s);
  ::close(fd);
  const auto events = stats_events(got);
  ASSERT_EQ(events.size(), 2u) << got;
  for (const auto& e : events) EXPECT_EQ(e["state"], "ready");
}

// The keep-alive event an hour away: every event these tests read was pushed by the subscription, a
// command or a closed second, so they count events instead of timing them against the machine's speed.
class WebUiPushTest : public WebUiTest {
 protected:
  void SetUp() override {
    keepalive_every_ = 1h;
    start("");
  }
};

TEST_F(WebUiPushTest, EventStreamSendsOneAtOnceThenOnePerClosedSecond) {
  const int fd = open_event_stream(port());
  ASSERT_GE(fd, 0);
  // Ready, no command: the only event there can be is the one the subscription gets at once.
  const std::string head = read_until_count(fd, "event: stats\n", 1, 20s);
  EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  const auto first = stats_events(head);
  ASSERT_EQ(first.size(), 1u) << head;
  EXPECT_EQ(first[0]["state"], "ready");

  // Then the swarm and the runner's closed seconds push: four events need at least three seconds closed
  // (one may be the swarm's), which a stream fed only by the keep-alive timer would not get in 30 s.
  ASSERT_EQ(post_form("/swarm", "user_count=1&spawn_rate=10").status, 200);
  const std::string got = read_until_count(fd, "event: stats\n", 4, 30s);
  ::close(fd);
  const auto events = stats_events(got);
  ASSERT_GE(events.size(), 4u) << got;
  // Each carries the snapshot of its moment: never older than the one before, and newer by the last.
  for (std::size_t i = 1; i < events.size(); ++i)
    EXPECT_GE(events[i]["time"].get<double>(), events[i - 1]["time"].get<double>()) << got;
  EXPECT_GT(events.back()["time"].get<double>(), events.front()["time"].get<double>()) << got;
  EXPECT_EQ(events.back()["state"], "running");
  EXPECT_EQ(events.back()["user_count"], 1);
}

// The web UI's shutdown grace made far longer than any stop can take: only a stop that waited for it
// comes near it.
class WebUiLongGraceTest : public WebUiTest {
 protected:
  void SetUp() override {
    shutdown_grace_ = 60s;
    start("");
  }
};

TEST_F(WebUiLongGraceTest, StoppingTheServerEndsOpenStreams) {
  RawConnection c(port());
  ASSERT_TRUE(c.send(make_request("GET", "/events")));
  // The subscription is asynchronous: wait until the hub holds it (not a fixed sleep).
  const auto subscribed_by = std::chrono::steady_clock::now() + 20s;
  while (ui_->hub().subscribers() == 0 && std::chrono::steady_clock::now() < subscribed_by)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(ui_->hub().subscribers(), 1u);
  const auto started = std::chrono::steady_clock::now();
  ui_->stop();
  // A stream that held the shutdown would keep it for the server's whole grace (60 s here): a stop well
  // short of that, however slow the machine, shows it was ended instead.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s) << "an open stream must not hold the shutdown";
  EXPECT_TRUE(c.wait_closed(10s));
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
