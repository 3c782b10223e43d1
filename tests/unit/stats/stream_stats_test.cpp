// Streamed-response statistics: recorder -> delta -> aggregate -> rows, without sockets.
#include "stats/stream_stats.hpp"

#include <gtest/gtest.h>

#include "stats/delta.hpp"
#include "stats/thread_stats.hpp"

namespace cicada::stats {
namespace {

StreamSample sample(std::int64_t ttft_us, const std::vector<std::int64_t>& gaps) {
  StreamSample s;
  s.ttfb_us = 1000;
  s.ttft_us = ttft_us;
  s.gaps_us = gaps;
  s.events = gaps.size() + 1;
  s.tokens = gaps.size() + 1;
  s.tokens_after_first = gaps.size();
  for (auto g : gaps) s.token_span_us += g;
  s.total_us = ttft_us + s.token_span_us;
  return s;
}

TEST(StreamStats, RowsPerEntryAndAggregatedFromThreadDeltas) {
  ThreadStats a, b;
  const std::vector<std::int64_t> gaps_a = {10'000, 10'000, 10'000}, gaps_b = {20'000};
  a.on_stream("POST", "chat", sample(50'000, gaps_a));
  b.on_stream("POST", "chat", sample(70'000, gaps_b));
  b.on_stream("POST", "complete", sample(30'000, {}));
  StreamAggregate aggregate;
  aggregate.merge(a.take_delta().streams);
  aggregate.merge(b.take_delta().streams);
  EXPECT_TRUE(a.take_delta().streams.empty());  // the interval started over

  const auto rows = aggregate.snapshot();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].name, "chat");
  EXPECT_EQ(rows[0].streams, 2u);
  EXPECT_EQ(rows[0].tokens, 6u);
  EXPECT_EQ(rows[0].ttft_count, 2u);
  EXPECT_EQ(rows[0].itl_count, 4u);
  EXPECT_EQ(rows[0].ttft_us[kReportedQuantileCount - 1], 70'000);  // p100 is the max, exact
  EXPECT_DOUBLE_EQ(rows[0].itl_avg_us, 12'500.0);
  // 4 tokens after the first ones over 50 ms of token time.
  EXPECT_DOUBLE_EQ(rows[0].tokens_per_s, 80.0);
  EXPECT_EQ(rows[1].name, "complete");
  EXPECT_EQ(rows[1].itl_count, 0u);
  EXPECT_EQ(rows[1].tokens_per_s, 0.0);
  EXPECT_EQ(rows[2].name, "Aggregated");
  EXPECT_EQ(rows[2].streams, 3u);

  aggregate.reset();
  const auto after = aggregate.snapshot();
  ASSERT_EQ(after.size(), 3u);  // entries stay, empty
  EXPECT_EQ(after[0].streams, 0u);
  EXPECT_EQ(after[2].ttft_us[0], 0);
}

TEST(StreamStats, DistinctStreamNamesAreCappedAsRequestEntriesAre) {
  // A chat scenario naming each stream by its prompt id: a thread and the totals keep kMaxEntries rows,
  // the rest are counted under "(other names)"; every stream is still counted.
  ThreadStats a, b;
  for (std::size_t i = 0; i < kMaxEntries + 20; ++i)
    a.on_stream("POST", "/chat/" + std::to_string(i), sample(1000, {}));
  for (std::size_t i = 0; i < 30; ++i) b.on_stream("POST", "/other/" + std::to_string(i), sample(1000, {}));
  const auto a_streams = a.take_delta().streams;
  EXPECT_EQ(a_streams.size(), kMaxEntries + 1);
  StreamAggregate aggregate;
  aggregate.merge(std::vector<StreamDelta>(a_streams));
  aggregate.merge(b.take_delta().streams);
  const auto rows = aggregate.snapshot();
  ASSERT_EQ(rows.size(), kMaxEntries + 2);  // the names, "(other names)", Aggregated
  std::uint64_t other = 0;
  for (const auto& r : rows)
    if (r.name == kOtherNames) other = r.streams;
  EXPECT_EQ(other, 20u + 30u);
  EXPECT_EQ(rows.back().name, "Aggregated");
  EXPECT_EQ(rows.back().streams, kMaxEntries + 50);
}

TEST(StreamStats, AStreamWithoutTokensHasNoTimeToFirstToken) {
  ThreadStats t;
  t.on_stream("GET", "events", sample(-1, {}));
  StreamAggregate aggregate;
  aggregate.merge(t.take_delta().streams);
  const auto rows = aggregate.snapshot();
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].streams, 1u);
  EXPECT_EQ(rows[0].ttft_count, 0u);
}

TEST(StreamStats, NothingStreamedMeansNoRows) {
  StreamAggregate aggregate;
  EXPECT_TRUE(aggregate.snapshot().empty());
  EXPECT_FALSE(aggregate.close_second().has_value());
}

// Each closed second carries the Aggregated TTFT and gaps of the last kWindowSeconds seconds (the charts
// over time), and the whole run's stream count.
TEST(StreamStats, EachClosedSecondHasTheLastTenSecondsOfTtftAndGaps) {
  StreamAggregate aggregate;
  ThreadStats t;
  t.on_stream("POST", "chat", sample(100'000, {50'000}));
  aggregate.merge(t.take_delta().streams);
  auto first = aggregate.close_second();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->streams, 1u);
  EXPECT_EQ(first->ttft_count, 1u);
  EXPECT_EQ(first->ttft_us[0], 100'000);  // p50
  EXPECT_EQ(first->itl_us[2], 50'000);    // p99
  for (std::size_t second = 1; second < StreamAggregate::kWindowSeconds; ++second) {
    t.on_stream("POST", "chat", sample(10'000, {5'000}));
    aggregate.merge(t.take_delta().streams);
    const auto s = aggregate.close_second();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->ttft_count, second + 1);
    EXPECT_EQ(s->ttft_us[2], 100'000);  // the first second's slow stream is still in the window
  }
  const auto later = aggregate.close_second();  // nothing new: the first second left the window
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->streams, StreamAggregate::kWindowSeconds);
  EXPECT_EQ(later->ttft_count, StreamAggregate::kWindowSeconds - 1);
  EXPECT_EQ(later->ttft_us[2], 10'000);
  EXPECT_EQ(later->itl_us[0], 5'000);
  aggregate.reset();
  const auto after_reset = aggregate.close_second();
  ASSERT_TRUE(after_reset.has_value());  // the entries stay after a reset, empty
  EXPECT_EQ(after_reset->streams, 0u);
  EXPECT_EQ(after_reset->ttft_count, 0u);
}

}  // namespace
}  // namespace cicada::stats
