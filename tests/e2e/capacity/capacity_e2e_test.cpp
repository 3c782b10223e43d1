// `cicada capacity` against the real `cicada-model serve`, throttled to a capacity known in advance:
// one worker thread and --simulated-cost-us 2000 (every /predict holds the thread 2 ms first), so the
// server completes at most 10^6 / 2000 = 500 requests per second (a little less: parsing, the model,
// the socket and the wake-up add about 0.1 ms per request). The search must find that within 15%.
//
// The cost sleeps (--simulated-cost-mode sleep) rather than spins: a spinning server's capacity is
// 500/s only on a core of its own, and on a 2-core machine shared with the generator and other tests
// it measured 325-400/s; a sleeping one keeps its capacity however busy the cores are.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model_server.hpp"
#include "support/child_process.hpp"

using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::ModelServer;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

constexpr double kCostUs = 2000;
constexpr double kExpectedCapacity = 1e6 / kCostUs;  // requests per second, one server thread

TEST(CapacityE2e, FindsTheThrottledModelServersCapacityWithinFifteenPercent) {
  ModelServer server(
      {"--simulated-cost-us", std::to_string(static_cast<int>(kCostUs)), "--simulated-cost-mode", "sleep"});
  TempDir dir;
  // Steps of 25/s from 300/s: below capacity every step is met (constant arrivals, little queueing);
  // past it the queue grows by (rate - capacity) per second and p95 crosses 100 ms within the step.
  // About 9 steps of 4 s: the test stays well under a minute.
  ChildProcess run({binary("apps/cicada/cicada").string(),
                    "capacity",
                    "-f",
                    source("examples/fixed-predict.yaml").string(),
                    "--host",
                    server.url(),
                    "--slo",
                    "p95 < 100ms",
                    "--slo",
                    "fail_ratio < 1%",
                    "--mode",
                    "rate",
                    "--start",
                    "300",
                    "--step",
                    "25",
                    "--max-steps",
                    "14",
                    "--warmup",
                    "1s",
                    "--hold",
                    "3s",
                    "--threads",
                    "1",
                    "--seed",
                    "7",
                    "--headless",
                    "--json",
                    "curve.json",
                    "--html",
                    "curve.html"},
                   dir.path());
  const auto code = run.wait(120s);
  ASSERT_TRUE(code.has_value()) << "capacity search did not end in time:\n" << run.out() << run.err();
  std::printf("%s", run.out().c_str());
  ASSERT_EQ(*code, 0) << run.out() << run.err();  // 0: a sustainable load was found

  std::ifstream file(dir.path() / "curve.json");
  ASSERT_TRUE(file) << "no curve.json";
  const auto curve = nlohmann::json::parse(file);
  ASSERT_TRUE(curve.at("found").get<bool>());
  const double max_load = curve.at("max_load").get<double>();
  const double max_throughput = curve.at("max_throughput_rps").get<double>();
  std::printf("expected capacity %.0f/s, found %.0f/s (%.1f req/s done)\n", kExpectedCapacity, max_load,
              max_throughput);
  EXPECT_NEAR(max_load, kExpectedCapacity, kExpectedCapacity * 0.15);
  // The load was really served, not just offered.
  EXPECT_NEAR(max_throughput, max_load, max_load * 0.05);
  // It stopped because a limit was crossed past the capacity, not because it ran out of steps.
  const auto& points = curve.at("points");
  ASSERT_GE(points.size(), 2u);
  EXPECT_FALSE(points.back().at("within_slo").get<bool>());
  EXPECT_EQ(run.out().find("--max-steps"), std::string::npos);
  // The console shows one progress line per step and the answer.
  EXPECT_NE(run.out().find("step  1"), std::string::npos);
  EXPECT_NE(run.out().find("Maximum sustainable load: "), std::string::npos);

  // --html: the same curve drawn in a self-contained page, one table row per step, the answer and the
  // step that crossed an objective marked on the charts.
  ASSERT_TRUE(std::filesystem::exists(dir.path() / "curve.html")) << "no curve.html";
  const std::string html = cicada::testing::read_file(dir.path() / "curve.html");
  EXPECT_NE(html.find("<h2>Throughput-latency curve</h2>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  std::size_t rows = 0;
  for (auto p = html.find("class=\"step\""); p != std::string::npos; p = html.find("class=\"step\"", p + 1))
    ++rows;
  EXPECT_EQ(rows, points.size());
  EXPECT_NE(html.find("max sustainable: " + std::to_string(static_cast<int>(max_load)) + "/s"),
            std::string::npos);
  std::string violated;  // as the page writes it, HTML-escaped ("p95 &lt; 100ms ...")
  for (char c : points.back().at("violated").get<std::string>())
    violated += c == '<' ? "&lt;" : std::string(1, c);
  EXPECT_FALSE(violated.empty());
  EXPECT_NE(html.find("limit: " + violated), std::string::npos) << violated;
  EXPECT_NE(html.find("crossed: " + violated), std::string::npos) << violated;

  // The search is in the run history (the default .cicada/history.db of the working directory): one
  // complete run of kind "capacity" whose configuration holds every step and the result.
  EXPECT_NE(run.out().find("Recorded as run "), std::string::npos);
  ChildProcess show({binary("apps/cicada/cicada").string(), "history", "show", "latest"}, dir.path());
  ASSERT_EQ(show.wait(30s), 0) << show.err();
  const std::string shown = show.out();
  EXPECT_NE(shown.find("\"kind\":\"capacity\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("\"max_load\":" + std::to_string(static_cast<int>(max_load))), std::string::npos)
      << shown;
  EXPECT_NE(shown.find("\"step\":" + std::to_string(points.size())), std::string::npos) << shown;
  EXPECT_NE(shown.find("Verdict    pass"), std::string::npos) << shown;
}

}  // namespace
