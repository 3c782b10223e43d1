// cleared_snapshot (what the web UI serves right after a reset, before the control thread resets the
// Aggregate at its next second) against the ground truth: the same Aggregate reset, then snapshot().
#include "stats/snapshot_reset.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "stats/aggregate.hpp"
#include "stats/thread_stats.hpp"

namespace cicada::stats {
namespace {

void expect_same_entry(const EntrySnapshot& got, const EntrySnapshot& want) {
  SCOPED_TRACE(want.method + " " + want.name);
  EXPECT_EQ(got.method, want.method);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.num_requests, want.num_requests);
  EXPECT_EQ(got.num_failures, want.num_failures);
  EXPECT_EQ(got.median_us, want.median_us);
  EXPECT_EQ(got.avg_us, want.avg_us);
  EXPECT_EQ(got.min_us, want.min_us);
  EXPECT_EQ(got.max_us, want.max_us);
  EXPECT_EQ(got.avg_content_size, want.avg_content_size);
  EXPECT_EQ(got.total_rps, want.total_rps);
  EXPECT_EQ(got.total_fail_per_s, want.total_fail_per_s);
  EXPECT_EQ(got.current_rps, want.current_rps);
  EXPECT_EQ(got.current_fail_per_s, want.current_fail_per_s);
  EXPECT_EQ(got.percentiles_us, want.percentiles_us);
  EXPECT_EQ(got.current_percentiles_us, want.current_percentiles_us);
  EXPECT_EQ(got.uncorrected_percentiles_us, want.uncorrected_percentiles_us);
  EXPECT_EQ(got.uncorrected_avg_us, want.uncorrected_avg_us);
  EXPECT_EQ(got.uncorrected_max_us, want.uncorrected_max_us);
  ASSERT_TRUE(got.latency && got.uncorrected_latency);
  EXPECT_EQ(got.latency->count(), want.latency->count());
  EXPECT_EQ(got.uncorrected_latency->count(), want.uncorrected_latency->count());
}

TEST(ClearedSnapshot, IsWhatTheAggregateShowsAfterItsReset) {
  ThreadStats t;
  for (int i = 0; i < 20; ++i) {
    RequestRecord r;
    r.method = i % 2 ? "GET" : "POST";
    r.name = i % 3 ? "/a" : "/b";
    r.response_time_us = 1000 + i * 100;
    r.uncorrected_response_time_us = 900 + i * 100;
    r.response_bytes = 10;
    if (i % 5 == 0) r.error = "HTTPError('500')";
    t.on_request(r);
  }
  StreamSample sample;
  sample.ttfb_us = 1000;
  sample.ttft_us = 5000;
  const std::vector<std::int64_t> gaps = {2000, 3000};
  sample.gaps_us = gaps;
  sample.events = sample.tokens = 3;
  sample.tokens_after_first = 2;
  sample.token_span_us = 5000;
  sample.total_us = 10'000;
  t.on_stream("POST", "chat", sample);
  StatsDelta delta = t.take_delta();
  delta.taken_at_unix_s = 1001.5;
  delta.exceptions.push_back(ExceptionDelta{"boom", "in User.task", 1});
  delta.due_iterations = delta.started_iterations = 7;
  Aggregate aggregate(1000.0);
  aggregate.merge(std::move(delta));
  aggregate.close_second(1001, 4);
  aggregate.mark_stage(1000.5, "stage 1");
  const Snapshot before = aggregate.snapshot(1002.0);
  ASSERT_FALSE(before.failures.empty());
  ASSERT_FALSE(before.exceptions.empty());
  ASSERT_FALSE(before.streams.empty());

  const Snapshot view = cleared_snapshot(before, 1002.25);
  aggregate.reset(1002.25);
  const Snapshot truth = aggregate.snapshot(1002.25);

  EXPECT_EQ(view.now_unix_s, truth.now_unix_s);
  EXPECT_EQ(view.start_unix_s, truth.start_unix_s);
  EXPECT_EQ(view.last_request_unix_s, truth.last_request_unix_s);
  EXPECT_EQ(view.user_count, truth.user_count);
  ASSERT_EQ(view.entries.size(), truth.entries.size());
  for (std::size_t i = 0; i < truth.entries.size(); ++i) expect_same_entry(view.entries[i], truth.entries[i]);
  expect_same_entry(view.total, truth.total);
  EXPECT_EQ(view.failures.size(), truth.failures.size());
  EXPECT_EQ(view.exceptions.size(), truth.exceptions.size());
  EXPECT_EQ(view.history.size(), truth.history.size());
  EXPECT_EQ(view.due_iterations, truth.due_iterations);
  EXPECT_EQ(view.started_iterations, truth.started_iterations);
  EXPECT_EQ(view.dropped_iterations, truth.dropped_iterations);
  EXPECT_EQ(view.unanswered_requests, truth.unanswered_requests);
  EXPECT_EQ(view.unanswered_counted, truth.unanswered_counted);
  ASSERT_EQ(view.stages.size(), truth.stages.size());
  EXPECT_EQ(view.stages[0].label, truth.stages[0].label);
  ASSERT_EQ(view.streams.size(), truth.streams.size());
  for (std::size_t i = 0; i < truth.streams.size(); ++i) {
    const auto &got = view.streams[i], &want = truth.streams[i];
    EXPECT_EQ(got.method, want.method);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.streams, want.streams);
    EXPECT_EQ(got.tokens, want.tokens);
    EXPECT_EQ(got.tokens_per_s, want.tokens_per_s);
    EXPECT_EQ(got.ttft_us, want.ttft_us);
    EXPECT_EQ(got.ttft_count, want.ttft_count);
    ASSERT_TRUE(got.ttfb && got.ttft && got.itl && got.total);
    EXPECT_EQ(got.ttft->count(), want.ttft->count());
  }
}

}  // namespace
}  // namespace cicada::stats
