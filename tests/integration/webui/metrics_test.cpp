// GET /metrics while a test runs: Prometheus text that Prometheus's own parser reads (python3
// prometheus_client), with per-entry counters and a latency histogram whose buckets come from the run's
// HDR histogram, both on the web UI's port and on a headless run's MetricsServer.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "report/prometheus_exposition.hpp"
#include "support/child_process.hpp"
#include "webui/metrics_server.hpp"
#include "webui_fixture.hpp"

using namespace cicada;
using namespace cicada::test;
using json = nlohmann::json;
using cicada::testing::ChildProcess;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

// The exposition parsed by prometheus_client; fails the test when it does not parse.
json parse_exposition(const std::string& text) {
  TempDir dir;
  const auto file = dir.path() / "metrics.txt";
  std::ofstream(file, std::ios::binary) << text;
  ChildProcess p(
      {"/usr/bin/python3", source("tests/integration/webui/parse_metrics.py").string(), file.string()});
  const auto code = p.wait(60s);
  EXPECT_EQ(code, 0) << p.err() << "\n" << text;
  return code == 0 ? json::parse(p.out()) : json::object();
}

double sample(const json& families, const std::string& family, const std::string& name,
              const std::string& le = "") {
  for (const auto& s : families[family]["samples"]) {
    const auto& labels = s[1];
    if (s[0] != name || !labels.contains("name") || labels["name"] != "/health") continue;
    if (!le.empty() && (!labels.contains("le") || labels["le"] != le)) continue;
    return s[2].get<double>();
  }
  ADD_FAILURE() << "no sample " << name << " le=" << le << " in " << families.dump();
  return -1;
}

// Checks the families a dashboard reads and their consistency; returns the /health request count.
double check_families(const json& m) {
  EXPECT_EQ(m["cicada_requests"]["type"], "counter");  // the parser drops the _total suffix
  EXPECT_EQ(m["cicada_failures"]["type"], "counter");
  EXPECT_EQ(m["cicada_request_duration_seconds"]["type"], "histogram");
  EXPECT_EQ(m["cicada_users"]["type"], "gauge");
  const double requests = sample(m, "cicada_requests", "cicada_requests_total");
  EXPECT_EQ(sample(m, "cicada_request_duration_seconds", "cicada_request_duration_seconds_count"), requests);
  EXPECT_EQ(sample(m, "cicada_request_duration_seconds", "cicada_request_duration_seconds_bucket", "+Inf"),
            requests);
  // Cumulative buckets never decrease, and a loopback GET is answered well under 60 s.
  double previous = 0;
  std::size_t buckets = 0;
  for (const auto& s : m["cicada_request_duration_seconds"]["samples"]) {
    if (s[0] != "cicada_request_duration_seconds_bucket" || s[1]["name"] != "/health") continue;
    EXPECT_GE(s[2].get<double>(), previous) << s.dump();
    previous = s[2].get<double>();
    ++buckets;
  }
  EXPECT_EQ(buckets, report::kPrometheusLatencyBounds.size() + 1);
  EXPECT_EQ(sample(m, "cicada_request_duration_seconds", "cicada_request_duration_seconds_bucket", "60.0"),
            requests);
  EXPECT_GT(sample(m, "cicada_request_duration_seconds", "cicada_request_duration_seconds_sum"), 0);
  return requests;
}

}  // namespace

TEST_F(WebUiTest, MetricsServesPrometheusTextWhileATestRuns) {
  ASSERT_EQ(post_form("/swarm", "user_count=2&spawn_rate=10").status, 200);
  wait_stats([](const std::string& body) {
    auto j = json::parse(body);
    for (const auto& e : j["stats"])
      if (e["name"] == "/health" && e["num_requests"].get<int>() > 50) return true;
    return false;
  });
  const auto r = get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), report::kPrometheusContentType);
  const auto m = parse_exposition(r.body);
  EXPECT_GT(check_families(m), 50);
  EXPECT_EQ(m["cicada_users"]["samples"][0][2], 2);
  get("/stop");
}

TEST(MetricsServer, AHeadlessRunPublishesEachSecondAndNamesAreEscaped) {
  webui::MetricsServer server("127.0.0.1", 0);
  ASSERT_TRUE(server.start());
  const auto port = static_cast<std::uint16_t>(std::stoi(server.url().substr(server.url().rfind(':') + 1)));
  auto scrape = [&] {
    auto r = round_trip(port, make_request("GET", "/metrics", {}, {}, ""));
    EXPECT_TRUE(r.has_value());
    return r.value_or(RawResponse{}).body;
  };
  // Before the first second: the families with no entry, still parseable.
  const auto empty = parse_exposition(scrape());
  EXPECT_TRUE(empty["cicada_requests"]["samples"].empty()) << empty.dump();

  stats::Snapshot snap;
  auto h = std::make_shared<stats::Histogram>();
  for (int i = 0; i < 90; ++i) h->record(800);     // 0.8 ms
  for (int i = 0; i < 10; ++i) h->record(40'000);  // 40 ms
  stats::EntrySnapshot e;
  e.method = "GET";
  e.name = "/health";
  e.num_requests = 100;
  e.num_failures = 3;
  e.avg_us = (90 * 800 + 10 * 40'000) / 100.0;
  e.latency = h;
  e.uncorrected_latency = h;
  snap.entries.push_back(e);
  stats::EntrySnapshot odd = e;  // a name a target or scenario could produce: quotes, backslash, newline
  odd.name = "/q?x=\"a\\b\"\nnext \xff";
  snap.entries.push_back(odd);
  snap.user_count = 7;
  server.publish(snap);
  const auto m = parse_exposition(scrape());
  EXPECT_EQ(check_families(m), 100);
  EXPECT_EQ(sample(m, "cicada_failures", "cicada_failures_total"), 3);
  // 90 samples at 0.8 ms are within 1 ms; the 10 at 40 ms only from the 50 ms bucket on.
  EXPECT_EQ(sample(m, "cicada_request_duration_seconds", "cicada_request_duration_seconds_bucket", "0.001"),
            90);
  EXPECT_EQ(sample(m, "cicada_request_duration_seconds", "cicada_request_duration_seconds_bucket", "0.025"),
            90);
  EXPECT_EQ(sample(m, "cicada_request_duration_seconds", "cicada_request_duration_seconds_bucket", "0.05"),
            100);
  EXPECT_NEAR(sample(m, "cicada_request_duration_seconds", "cicada_request_duration_seconds_sum"), 0.472,
              1e-9);
  EXPECT_EQ(m["cicada_users"]["samples"][0][2], 7);
  bool odd_found = false;
  for (const auto& s : m["cicada_requests"]["samples"])
    odd_found = odd_found || s[1]["name"] == "/q?x=\"a\\b\"\nnext \xEF\xBF\xBD";
  EXPECT_TRUE(odd_found) << m.dump();
  server.stop();
}
