// ThreadStats as the thread's RequestSink: records become entries, failures and histograms; requests
// left without an answer at the end are counted, and fail once they waited past the documented limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "stats/thread_stats.hpp"

namespace cicada::stats {
namespace {

const EntryDelta* find_entry(const StatsDelta& d, std::string_view method, std::string_view name) {
  for (const auto& e : d.entries)
    if (e.method == method && e.name == name) return &e;
  return nullptr;
}

RequestRecord record(std::string_view method, std::string_view name, std::int64_t us,
                     std::string_view error = {}) {
  RequestRecord r;
  r.method = method;
  r.name = name;
  r.response_time_us = us;
  r.uncorrected_response_time_us = us;
  r.response_bytes = 10;
  r.error = error;
  return r;
}

TEST(RequestSink, RecordsAreFiledByMethodAndName) {
  ThreadStats s;
  RequestSink& sink = s;
  for (int i = 0; i < 20; ++i) {
    // More distinct names than the sink's recent-entry cache holds, interleaved.
    const std::string name = "/n" + std::to_string(i % 10);
    sink.on_request(record("GET", name, 1000 + i));
  }
  sink.on_request(record("POST", "/n0", 5000, "HTTPError('500 Server Error: x for url: /n0')"));
  const StatsDelta d = s.take_delta();
  ASSERT_EQ(d.entries.size(), 11u);
  const EntryDelta* get0 = find_entry(d, "GET", "/n0");
  ASSERT_NE(get0, nullptr);
  EXPECT_EQ(get0->num_requests, 2u);
  EXPECT_EQ(get0->content_bytes, 20u);
  const EntryDelta* post = find_entry(d, "POST", "/n0");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->num_failures, 1u);
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].error, "HTTPError('500 Server Error: x for url: /n0')");
}

TEST(RequestSink, LateRecordsKeepBothLatencies) {
  ThreadStats s;
  RequestRecord r = record("GET", "/", 500'000);
  r.uncorrected_response_time_us = 1'000;
  s.on_request(r);
  const StatsDelta d = s.take_delta();
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_FALSE(d.entries[0].uncorrected_latency.buckets.empty());
}

TEST(RequestSink, UnansweredRequestsAreCountedAndOldOnesFail) {
  ThreadStats s;
  s.on_unanswered("GET", "/slow", 200'000,
                  RequestSink::CutAt::kWaiting);  // cut short by the end of the test: counted only
  s.on_unanswered("GET", "/hung", 4'900'000,
                  RequestSink::CutAt::kWaiting);  // waited past the limit: a failure
  s.on_unanswered("GET", "/hung", ThreadStats::kUnansweredFailureAfterUs, RequestSink::CutAt::kWaiting);
  const StatsDelta d = s.take_delta();
  EXPECT_EQ(d.unanswered_requests, 3u);
  EXPECT_EQ(d.oldest_unanswered_us, 4'900'000);
  EXPECT_EQ(find_entry(d, "GET", "/slow"), nullptr);
  const EntryDelta* hung = find_entry(d, "GET", "/hung");
  ASSERT_NE(hung, nullptr);
  EXPECT_EQ(hung->num_requests, 2u);
  EXPECT_EQ(hung->num_failures, 2u);
  ASSERT_EQ(d.failures.size(), 1u);  // one row, whatever each waited
  EXPECT_EQ(d.failures[0].error,
            "NoResponse('no response within the test (waited 1 s or more when it ended)')");
  EXPECT_EQ(d.failures[0].occurrences, 2u);
  EXPECT_EQ(hung->latency.max_us, 4'900'000);  // the wait is the sample's response time
  const StatsDelta next = s.take_delta();
  EXPECT_EQ(next.unanswered_requests, 0u);
  EXPECT_TRUE(next.empty());
}

// One still connecting (never sent: a target whose backlog is full) is unanswered too, but its failure
// says it never went out, instead of NoResponse (which reads as a request the target got).
TEST(RequestSink, AnUnansweredRequestStillConnectingFailsAsNeverSent) {
  ThreadStats s;
  s.on_unanswered("GET", "/x", 300'000,
                  RequestSink::CutAt::kConnecting);  // counted only, as any under the limit
  s.on_unanswered("GET", "/x", 2'000'000,
                  RequestSink::CutAt::kConnecting);  // past it: a failure that says why
  const StatsDelta d = s.take_delta();
  EXPECT_EQ(d.unanswered_requests, 2u);
  EXPECT_EQ(d.unanswered_counted, 1u);
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].error,
            "ConnectTimeout('still connecting when the test ended (waited 1 s or more): never sent')");
}

// A stream the end of the test cut while it arrived answered: unanswered, its partial figures kept (no
// total), never a failure for its age; only one silent for 1 s or more (stalled) fails, unmeasured.
TEST(RequestSink, CutStreamsAreUnansweredWithTheirFiguresAndOnlyStalledOnesFail) {
  ThreadStats s;
  const std::int64_t gaps[] = {20'000, 20'000};
  StreamSample partial;
  partial.ttfb_us = 1'000;
  partial.ttft_us = 30'000;
  partial.gaps_us = gaps;
  partial.events = partial.tokens = 3;
  partial.tokens_after_first = 2;
  partial.token_span_us = 40'000;
  partial.total_us = -1;
  s.on_cut_stream("POST", "chat", 5'000'000, 15'000, partial);  // old, but tokens were arriving
  s.on_cut_stream("POST", "chat", 2'000'000, ThreadStats::kUnansweredFailureAfterUs, partial);  // stalled
  const StatsDelta d = s.take_delta();
  EXPECT_EQ(d.unanswered_requests, 2u);
  EXPECT_EQ(d.oldest_unanswered_us, 5'000'000);
  const EntryDelta* chat = find_entry(d, "POST", "chat");
  ASSERT_NE(chat, nullptr);
  EXPECT_EQ(chat->num_requests, 1u);  // the stalled one, a failure
  EXPECT_EQ(chat->num_failures, 1u);
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].error,
            "StreamStalled('nothing of the stream for 1 s or more when the test ended')");
  EXPECT_EQ(chat->latency.max_us, 2'000'000);  // its wait since it was due
  ASSERT_EQ(d.streams.size(), 1u);             // the one still arriving
  EXPECT_EQ(d.streams[0].streams, 1u);
  EXPECT_EQ(d.streams[0].tokens, 3u);
  EXPECT_EQ(d.streams[0].ttft.count, 1u);
  EXPECT_EQ(d.streams[0].itl.count, 2u);
  EXPECT_EQ(d.streams[0].total.count, 0u);  // no total: the stream did not end
}

}  // namespace
}  // namespace cicada::stats
