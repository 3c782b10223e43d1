// The web UI's JSON carries the streamed-response statistics (cicada's keys; Locust's untouched): the
// stats event's `streams` rows and `current_streams`, and each GET stats/history point's `streams`, built
// from the runner's own path (thread recorder -> delta -> Aggregate -> snapshot).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stats/aggregate.hpp"
#include "stats/thread_stats.hpp"
#include "webui/stats_json.hpp"

using namespace cicada;
using nlohmann::json;

namespace {

constexpr std::int64_t kSecond = 1'795'000'000;

// The gaps a sample's span points at (StreamSample::gaps_us is a view).
const std::vector<std::int64_t> kGaps(7, 10'000);

stats::StreamSample sample(std::int64_t ttft_us, std::int64_t gap_us, int tokens) {
  stats::StreamSample s;
  s.ttfb_us = ttft_us / 2;
  s.ttft_us = ttft_us;
  s.gaps_us = std::span<const std::int64_t>(kGaps).first(static_cast<std::size_t>(tokens - 1));
  s.events = s.tokens = static_cast<std::uint64_t>(tokens);
  s.tokens_after_first = static_cast<std::uint64_t>(tokens - 1);
  s.token_span_us = gap_us * (tokens - 1);
  s.total_us = ttft_us + s.token_span_us;
  return s;
}

void request(stats::ThreadStats& thread, std::string_view method, std::string_view name, std::int64_t us);

// A run of two seconds: a plain request, then streams of TTFT 40 ms and 10 ms gaps (7 per stream).
stats::Snapshot streaming_run() {
  stats::Aggregate aggregate(static_cast<double>(kSecond));
  stats::ThreadStats thread;
  request(thread, "GET", "/health", 1'000);
  aggregate.merge(thread.take_delta());
  aggregate.close_second(kSecond + 1, 2);
  request(thread, "POST", "chat", 110'000);
  thread.on_stream("POST", "chat", sample(40'000, 10'000, 8));
  request(thread, "POST", "chat", 110'000);
  thread.on_stream("POST", "chat", sample(40'000, 10'000, 8));
  aggregate.merge(thread.take_delta());
  aggregate.close_second(kSecond + 2, 2);
  return aggregate.snapshot(static_cast<double>(kSecond + 2));
}

void request(stats::ThreadStats& thread, std::string_view method, std::string_view name, std::int64_t us) {
  RequestRecord r;
  r.method = method;
  r.name = name;
  r.response_time_us = r.uncorrected_response_time_us = us;
  thread.on_request(r);
}

}  // namespace

TEST(StreamsJson, StatsEventHasEveryStreamedEntryAndAggregated) {
  const auto j = json::parse(webui::stats_requests_json(streaming_run(), runner::RunState::kRunning, true));
  const auto& rows = j.at("streams");
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  EXPECT_EQ(rows[0].at("method"), "POST");
  EXPECT_EQ(rows[0].at("name"), "chat");
  EXPECT_EQ(rows[0].at("streams"), 2);
  EXPECT_EQ(rows[0].at("tokens"), 16);
  EXPECT_DOUBLE_EQ(rows[0].at("tokens_per_s").get<double>(), 100.0);  // 14 tokens over 140 ms
  EXPECT_DOUBLE_EQ(rows[0]["ttft"].at("p50").get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(rows[0]["ttft"].at("p99").get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(rows[0]["itl"].at("p95").get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(rows[0]["ttfb"].at("p50").get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(rows[0]["total"].at("p50").get<double>(), 110.0);
  EXPECT_EQ(rows[1].at("name"), "Aggregated");
  EXPECT_EQ(rows[1].at("method"), "");
  const auto& current = j.at("current_streams");
  EXPECT_EQ(current.at("streams"), 2);
  EXPECT_DOUBLE_EQ(current["ttft"].at("p95").get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(current["itl"].at("p50").get<double>(), 10.0);
  // Locust's keys are as without streams: the stats rows, with the plain request's entry.
  ASSERT_EQ(j.at("stats").size(), 3u);
  EXPECT_EQ(j["stats"][0].at("name"), "/health");
}

TEST(StreamsJson, HistoryPointsCarryStreamsFromTheFirstStreamedSecond) {
  const auto points = json::parse(webui::history_json(streaming_run()));
  ASSERT_EQ(points.size(), 3u);  // the start-up block and two seconds
  EXPECT_FALSE(points[0].contains("streams"));
  EXPECT_FALSE(points[1].contains("streams"));  // only a plain request so far
  ASSERT_TRUE(points[2].contains("streams")) << points.dump();
  EXPECT_DOUBLE_EQ(points[2]["streams"]["ttft"].at("p50").get<double>(), 40.0);
  EXPECT_DOUBLE_EQ(points[2]["streams"]["itl"].at("p99").get<double>(), 10.0);
}

TEST(StreamsJson, ARunWithoutStreamsHasNoRowsAndNoCurrentStreams) {
  stats::Aggregate aggregate(static_cast<double>(kSecond));
  stats::ThreadStats thread;
  request(thread, "GET", "/", 1'000);
  aggregate.merge(thread.take_delta());
  aggregate.close_second(kSecond + 1, 1);
  const auto snap = aggregate.snapshot(static_cast<double>(kSecond + 1));
  const auto j = json::parse(webui::stats_requests_json(snap, runner::RunState::kRunning, true));
  EXPECT_TRUE(j.at("streams").empty());
  EXPECT_TRUE(j.at("current_streams").is_null());
  for (const auto& p : json::parse(webui::history_json(snap))) EXPECT_FALSE(p.contains("streams"));
}
