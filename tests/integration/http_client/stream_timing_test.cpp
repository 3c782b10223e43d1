// Streamed responses against the streaming test target (tests/support/stream_target.hpp): the time to
// first token and the gaps between tokens cicada reports must match the truth measured in the same run
// (the target stamps each event as its write starts, and the test stamps each call, on the same steady
// clock the client uses), within what a loaded machine's scheduling can add (see expect_measured).
#include <algorithm>
#include <map>
#include <stdexcept>

#include "client_fixture.hpp"
#include "stats/stream_stats.hpp"
#include "support/stream_target.hpp"

namespace cicada::http::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::int64_t micros(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

class StreamTimingTest : public ClientTest {
 protected:
  // Makes `count` streamed chat requests one after another; returns when each call was made.
  std::vector<Clock::time_point> stream_requests(const std::string& base_url, int count,
                                                 std::string_view query) {
    use_config(config_for(base_url));
    auto client = make_client();
    std::vector<Clock::time_point> calls;
    const std::string path = "/v1/chat/completions" + std::string(query);
    run(
        [&]() -> Task<> {
          for (int i = 0; i < count; ++i) {
            RequestOptions options;
            options.name = "chat";
            calls.push_back(Clock::now());
            Response r = co_await client->post_json(path, R"({"model":"m","stream":true})", options);
            EXPECT_EQ(r.status(), 200);
          }
        }(),
        std::chrono::seconds(30));
    return calls;
  }

  stats::StreamSnapshot stream_row() {
    auto delta = stats_.take_delta();
    stats::StreamAggregate aggregate;
    aggregate.merge(std::move(delta.streams));
    auto rows = aggregate.snapshot();
    EXPECT_EQ(rows.size(), 2u);  // the entry and Aggregated
    return rows.empty() ? stats::StreamSnapshot{} : rows.front();
  }
};

// The client stamps an event when it reads it, so it can never be earlier than the target's stamp of the
// write (give or take the histogram's rounding: 2% or 0.2 ms). How much later depends on when the loaded
// machine lets the client's thread run, so the upper bound is what proves per-event timing rather than a
// closeness to the truth: `late_by_at_most` is well under the 12 ms between tokens, where stamping events
// when the whole response ended would be off by one or more whole gaps.
// A gap, though, can also come out shorter than the truth: when one event is read late, the gap after it
// shrinks by as much (`early_by_at_most`).
void expect_measured(std::int64_t measured_us, std::int64_t truth_us, std::int64_t late_by_at_most_us,
                     const std::string& what, std::int64_t early_by_at_most_us = 0) {
  const double rounding = std::max(0.02 * static_cast<double>(truth_us), 200.0);
  EXPECT_GE(static_cast<double>(measured_us), static_cast<double>(truth_us - early_by_at_most_us) - rounding)
      << what << ": measured " << measured_us << " us, before the truth " << truth_us << " us";
  EXPECT_LE(static_cast<double>(measured_us), static_cast<double>(truth_us + late_by_at_most_us) + rounding)
      << what << ": measured " << measured_us << " us, truth " << truth_us << " us";
}

TEST_F(StreamTimingTest, TimeToFirstTokenAndInterTokenGapsMatchTheTruth) {
  testing::ScriptedServer server;
  testing::serve_stream_target(server, testing::StreamPace{milliseconds(60), milliseconds(12), 9, true});
  constexpr int kStreams = 12;
  const auto calls = stream_requests(server.url(), kStreams, "");
  const auto timings = server.stream_timings();
  ASSERT_EQ(timings.size(), static_cast<std::size_t>(kStreams));

  // The truth, recorded into the same kind of histogram so both sides are read the same way.
  stats::Histogram ttft_truth, itl_truth;
  for (int i = 0; i < kStreams; ++i) {
    const auto& written = timings[static_cast<std::size_t>(i)].piece_written;
    ASSERT_EQ(written.size(), 9u);
    ttft_truth.record(micros(calls[static_cast<std::size_t>(i)], written[0]));
    for (std::size_t k = 1; k < written.size(); ++k) itl_truth.record(micros(written[k - 1], written[k]));
  }
  const stats::StreamSnapshot row = stream_row();
  EXPECT_EQ(row.method, "POST");
  EXPECT_EQ(row.name, "chat");
  EXPECT_EQ(row.streams, static_cast<std::uint64_t>(kStreams));
  EXPECT_EQ(row.events, 9u * kStreams);  // [DONE] is not an event
  EXPECT_EQ(row.tokens, 9u * kStreams);
  EXPECT_EQ(row.ttft_count, static_cast<std::uint64_t>(kStreams));
  EXPECT_EQ(row.itl_count, 8u * kStreams);
  // p50 and the mean within half a gap of the truth; p90 within one gap (a few events per run reach a
  // loaded machine's client thread a few ms after they were written: that is when the client really read
  // them, so it is right that the upper percentiles show it).
  for (std::size_t q : {0u, 4u}) {  // p50, p90
    const std::string name(stats::kReportedQuantileNames[q]);
    const std::int64_t late = q == 0 ? 6'000 : 12'000;
    expect_measured(row.ttft_us[q], ttft_truth.value_at_quantile(stats::kReportedQuantiles[q]), late,
                    "TTFT " + name);
    expect_measured(row.itl_us[q], itl_truth.value_at_quantile(stats::kReportedQuantiles[q]), late,
                    "ITL " + name, late);
  }
  expect_measured(static_cast<std::int64_t>(row.itl_avg_us), static_cast<std::int64_t>(itl_truth.mean()),
                  6'000, "ITL mean", 6'000);
  // Tokens per second after the first token is the inverse of the mean gap, from the same samples.
  EXPECT_NEAR(row.tokens_per_s, 1e6 / row.itl_avg_us, 0.01 * 1e6 / row.itl_avg_us);
  // The first byte (the head) comes at once, long before the first token.
  EXPECT_LT(row.ttfb_us[0], row.ttft_us[0] - 30'000);
}

TEST_F(StreamTimingTest, AJsonFieldCountsTokensAndCloseFramedStreamsAreTimedToo) {
  testing::ScriptedServer server;
  testing::serve_stream_target(server, testing::StreamPace{milliseconds(5), milliseconds(3), 4, false});
  ClientConfig config = config_for(server.url());
  config.stream_tokens = TokenCounting::parse("json:choices.0.delta.content").value();
  use_config(config);
  auto client = make_client();
  run([&]() -> Task<> {
    for (int i = 0; i < 3; ++i) {
      Response r = co_await client->post_json("/v1/chat/completions?tokens=4", R"({"stream":true})");
      EXPECT_EQ(r.status(), 200);
    }
  }());
  const stats::StreamSnapshot row = stream_row();
  EXPECT_EQ(row.streams, 3u);
  EXPECT_EQ(row.tokens, 12u);
  EXPECT_EQ(row.itl_count, 9u);
}

// --max-body-size caps the body a response keeps (1 MiB by default), and a long token stream passes it: the
// events past the cap were lost (420 of 800 tokens, with a false 480 ms gap from the event cut at the cap).
// Every event is read, whatever the cap.
TEST_F(StreamTimingTest, AStreamLongerThanTheBodyLimitIsReadWhole) {
  testing::ScriptedServer server;
  testing::serve_stream_target(server, testing::StreamPace{milliseconds(5), milliseconds(2), 30, true});
  ClientConfig config = config_for(server.url());
  config.max_body_bytes = 100;  // a fraction of the first event
  use_config(config);
  auto client = make_client();
  run([&]() -> Task<> {
    for (int i = 0; i < 3; ++i) {
      Response r = co_await client->post_json("/v1/chat/completions", R"({"stream":true})");
      EXPECT_EQ(r.status(), 200);
      EXPECT_EQ(r.text().size(), 100u);  // the body kept is still capped
    }
  }());
  const stats::StreamSnapshot row = stream_row();
  EXPECT_EQ(row.streams, 3u);
  EXPECT_EQ(row.events, 90u);
  EXPECT_EQ(row.tokens, 90u);
  EXPECT_EQ(row.itl_count, 87u);
}

// RequestOptions::stream_tokens: each request counts by its own rule, one without by the run's; the
// same streams (4 token events, finish_reason set on the last) count 4, 4 or 1 tokens.
TEST_F(StreamTimingTest, EachRequestCountsTokensByItsOwnRuleOrTheRuns) {
  testing::ScriptedServer server;
  testing::serve_stream_target(server, testing::StreamPace{milliseconds(2), milliseconds(1), 4, true});
  ClientConfig config = config_for(server.url());
  config.stream_tokens = TokenCounting::parse("json:/choices/0/finish_reason").value();
  use_config(config);
  auto client = make_client();
  const std::pair<const char*, const char*> requests[] = {
      {"run", ""}, {"events", "event"}, {"content", "json:choices.0.delta.content"}};
  run([&]() -> Task<> {
    for (int i = 0; i < 2; ++i) {
      for (const auto& [name, rule] : requests) {
        RequestOptions options;
        options.name = name;
        options.stream_tokens = rule;
        Response r = co_await client->post_json("/v1/chat/completions", R"({"stream":true})", options);
        EXPECT_EQ(r.status(), 200);
      }
    }
    // A malformed rule is the scenario's mistake: it throws before anything is sent or recorded.
    RequestOptions bad;
    bad.name = "bad";
    bad.stream_tokens = "tokens";
    EXPECT_THROW(co_await client->post_json("/v1/chat/completions", R"({"stream":true})", bad),
                 std::invalid_argument);
  }());
  auto delta = stats_.take_delta();
  for (const auto& e : delta.entries) EXPECT_NE(e.name, "bad");
  stats::StreamAggregate aggregate;
  aggregate.merge(std::move(delta.streams));
  std::map<std::string, std::uint64_t> tokens, events;
  for (const auto& row : aggregate.snapshot()) {
    tokens[row.name] = row.tokens;
    events[row.name] = row.events;
  }
  EXPECT_EQ(tokens, (std::map<std::string, std::uint64_t>{
                        {"run", 2}, {"events", 8}, {"content", 8}, {"Aggregated", 18}}));
  EXPECT_EQ(events["run"], 8u);
  EXPECT_EQ(server.requests().size(), 6u);
}

// A bare "data:" line (an event with empty data) counted as a token: a server's keep-alives sent that way
// made the time to first token and the gaps. They are events, not tokens.
TEST_F(StreamTimingTest, EventsWithEmptyDataAreNoTokens) {
  testing::ScriptedServer server;
  testing::ScriptedReply reply =
      testing::ScriptedReply::respond(200).with_header("Content-Type", "text/event-stream");
  reply.chunked = true;
  reply.pieces = {{milliseconds(0), "data:\n\n"},
                  {milliseconds(40), "data: a\n\n"},
                  {milliseconds(50), ": keep-alive\n\ndata:\n\n"},
                  {milliseconds(60), "data: b\n\ndata: [DONE]\n\n"}};
  server.set_fallback(reply);
  use_config(config_for(server.url()));
  auto client = make_client();
  const auto called = Clock::now();
  run([&]() -> Task<> {
    RequestOptions options;
    options.name = "chat";
    Response r = co_await client->post_json("/v1/chat/completions", R"({"stream":true})", options);
    EXPECT_EQ(r.status(), 200);
  }());
  const auto timings = server.stream_timings();
  ASSERT_EQ(timings.size(), 1u);
  const stats::StreamSnapshot row = stream_row();
  EXPECT_EQ(row.events, 4u);
  EXPECT_EQ(row.tokens, 2u);
  EXPECT_EQ(row.itl_count, 1u);
  // The first token is "a", written 40 ms in: not the empty event written at once.
  expect_measured(row.ttft_us[0], micros(called, timings[0].piece_written[1]), 30'000, "TTFT");
}

TEST_F(StreamTimingTest, OrdinaryResponsesAreNotStreams) {
  testing::ScriptedServer server;
  testing::serve_stream_target(server, testing::StreamPace{milliseconds(1), milliseconds(1), 3, true});
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response health = co_await client->get("/health");
    EXPECT_EQ(health.status(), 200);
    Response whole = co_await client->post_json("/v1/chat/completions", R"({"stream":false})");
    EXPECT_EQ(whole.status(), 200);
  }());
  auto delta = stats_.take_delta();
  EXPECT_TRUE(delta.streams.empty());
}

TEST_F(StreamTimingTest, AnHttpErrorSentAsAnEventStreamIsAFailedRequestNotAStream) {
  // A gateway's 500 with an event-stream body fed the TTFT and ITL of the entry and of Aggregated.
  testing::ScriptedServer server;
  server.set_fallback(testing::ScriptedReply::respond(500, "data: oops\n\ndata: again\n\n")
                          .with_header("Content-Type", "text/event-stream"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->post_json("/v1/chat/completions", R"({"stream":true})");
    EXPECT_EQ(r.status(), 500);
  }());
  auto delta = stats_.take_delta();
  EXPECT_TRUE(delta.streams.empty());
  ASSERT_EQ(delta.entries.size(), 1u);
  EXPECT_EQ(delta.entries[0].num_failures, 1u);
}

}  // namespace
}  // namespace cicada::http::test
