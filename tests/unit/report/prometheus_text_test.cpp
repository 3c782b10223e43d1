// The Prometheus text reader behind `cicada capacity --server-metrics`: real exposition text, hostile
// bytes (it reads a target's output), and the step figures from two scrapes.
#include "report/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

using namespace cicada::report;

namespace {

// What cicada-model's /metrics serves (serving/api_metrics.hpp), at two moments 2 s apart.
std::string metrics(int ok, int rejected, double sum_s, const std::string& buckets, int inflight) {
  return "# HELP cicada_http_requests_total Responses sent, by route and status code.\n"
         "# TYPE cicada_http_requests_total counter\n"
         "cicada_http_requests_total{route=\"/predict\",code=\"200\"} " +
         std::to_string(ok) +
         "\n"
         "cicada_http_requests_total{route=\"/predict\",code=\"503\"} " +
         std::to_string(rejected) +
         "\n"
         "# TYPE cicada_http_request_duration_seconds histogram\n" +
         buckets + "cicada_http_request_duration_seconds_sum{route=\"/predict\"} " + std::to_string(sum_s) +
         "\n"
         "cicada_http_request_duration_seconds_count{route=\"/predict\"} " +
         std::to_string(ok + rejected) +
         "\n"
         "# TYPE cicada_http_requests_in_flight gauge\n"
         "cicada_http_requests_in_flight " +
         std::to_string(inflight) +
         "\n"
         "# TYPE process_cpu_seconds_total counter\n"
         "process_cpu_seconds_total 1.5e+00\n";
}

std::string buckets(int le_1ms, int le_2ms, int all) {
  return "cicada_http_request_duration_seconds_bucket{route=\"/predict\",le=\"0.001\"} " +
         std::to_string(le_1ms) +
         "\ncicada_http_request_duration_seconds_bucket{route=\"/predict\",le=\"0.002\"} " +
         std::to_string(le_2ms) +
         "\ncicada_http_request_duration_seconds_bucket{route=\"/predict\",le=\"+Inf\"} " +
         std::to_string(all) + "\n";
}

TEST(PrometheusText, ReadsSamplesLabelsTypesAndSpecialValues) {
  const auto s = parse_prometheus_text(
      "# TYPE a_total counter\n"
      "a_total{x=\"1\",y=\"q\\\"uote\\\\\"} 42 1700000000000\r\n"
      "  b 3.5\n"
      "c{le=\"+Inf\"} +Inf\n"
      "d NaN\n"
      "not a sample line\n"
      "e{unterminated=\"x} 1\n");
  ASSERT_EQ(s.samples.size(), 4u);
  EXPECT_EQ(s.types.at("a_total"), "counter");
  EXPECT_EQ(s.samples[0].name, "a_total");
  EXPECT_EQ(s.samples[0].labels.at("y"), "q\"uote\\");
  EXPECT_DOUBLE_EQ(s.samples[0].value, 42);
  EXPECT_DOUBLE_EQ(s.samples[1].value, 3.5);
  EXPECT_TRUE(std::isinf(s.samples[2].value));
  EXPECT_TRUE(std::isnan(s.samples[3].value));
  EXPECT_EQ(s.skipped_lines, 2u);
}

TEST(PrometheusText, StepFiguresAreRatesGaugesAndHistogramQuantilesBetweenTwoScrapes) {
  const auto before = parse_prometheus_text(metrics(1000, 0, 1.0, buckets(900, 1000, 1000), 0));
  // 2 s later: 2000 more OK (1000 under 1 ms, 1000 between 1 and 2 ms), 20 rejected, 3 in flight.
  const auto after = parse_prometheus_text(metrics(3000, 20, 4.0, buckets(1900, 3020, 3020), 3));
  const auto f = server_figures(before, after, 2.0);
  EXPECT_DOUBLE_EQ(f.at("cicada_http_requests_total /s"), 1010);
  EXPECT_DOUBLE_EQ(f.at("cicada_http_requests_total code=503 /s"), 10);
  EXPECT_EQ(f.count("cicada_http_requests_total code=200 /s"), 0u);  // only errors get their own rate
  EXPECT_DOUBLE_EQ(f.at("cicada_http_requests_in_flight"), 3);
  EXPECT_NEAR(f.at("cicada_http_request_duration_seconds avg ms"), 3.0 / 2020 * 1000, 1e-9);
  // p50 of the 2020 new samples: rank 1010, the 10th of the 1020 in (1 ms, 2 ms].
  EXPECT_NEAR(f.at("cicada_http_request_duration_seconds p50 ms"), 1.0 + 10.0 / 1020, 1e-9);
  EXPECT_NEAR(f.at("cicada_http_request_duration_seconds p95 ms"), 1.0 + (0.95 * 2020 - 1000) / 1020, 1e-9);
  EXPECT_EQ(f.count("process cpu"), 0u);  // unchanged CPU: no figure, rather than a false 0
  EXPECT_TRUE(server_figures(before, after, 0).empty());
}

TEST(PrometheusText, HostileBytesNeverThrowAndKeepBounded) {
  std::mt19937 rng(11);
  const std::string alphabet = "abc_{}=\",\\ \n#+-.0123456789eInfNaTYPE\r\t";
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 400);
    for (int k = 0; k < n; ++k)
      text += static_cast<char>(rng() % 3 ? alphabet[rng() % alphabet.size()] : rng() % 256);
    const auto s = parse_prometheus_text(text);
    EXPECT_LE(s.samples.size(), kMaxPromSamples);
    (void)server_figures(s, s, 1.0);
  }
  std::string many;
  for (std::size_t i = 0; i < kMaxPromSamples + 10; ++i) many += "x 1\n";
  const auto s = parse_prometheus_text(many);
  EXPECT_EQ(s.samples.size(), kMaxPromSamples);
  EXPECT_EQ(s.skipped_lines, 10u);
}

TEST(ServerFigureText, TheTargetsCpuReadsAsAShareOfACoreAndTheRestAsScraped) {
  EXPECT_EQ(server_figure_text("process cpu", 0.9955), "100% of a core");
  EXPECT_EQ(server_figure_text("process cpu", 0.35), "35% of a core");
  EXPECT_EQ(server_figure_text("process cpu", 1.8), "180% of a core");  // two threads busy
  EXPECT_EQ(server_figure_text("cicada_http_requests_total /s", 65701.4), "6.57e+04");
  EXPECT_EQ(server_figure_text("cicada_http_requests_in_flight", 3), "3");
}

}  // namespace
