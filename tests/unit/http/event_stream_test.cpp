// EventStream: which responses are streams, how events and tokens are cut out of bytes that arrive in
// arbitrary pieces, and the times it reports (a fake clock: times are passed in).
#include "http/client/event_stream.hpp"

#include <gtest/gtest.h>

namespace cicada::http {
namespace {

using std::chrono::microseconds;

MonoTime at(std::int64_t us) { return MonoTime{} + microseconds(us); }

struct Fed {
  std::uint64_t events = 0, tokens = 0;
  std::vector<std::int64_t> gaps;
  std::int64_t ttfb = 0, ttft = 0, total = 0;
};

// Feeds pieces, the i-th at 1000 * (i + 1) us after a due time of 0, and finishes at 100,000 us.
Fed feed(EventStream::Kind kind, const std::vector<std::string>& pieces,
         const TokenCounting* counting = nullptr) {
  EventStream s;
  s.reset(at(0));
  s.set_counting(counting);
  s.start(kind);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto now = at(1000 * static_cast<std::int64_t>(i + 1));
    s.first_byte(now);
    s.feed(pieces[i], now);
  }
  StreamSample sample;
  s.finish(at(100'000), sample);
  return {sample.events,  sample.tokens,  {sample.gaps_us.begin(), sample.gaps_us.end()},
          sample.ttfb_us, sample.ttft_us, sample.total_us};
}

TEST(EventStream, ContentTypesThatAreStreams) {
  EXPECT_EQ(EventStream::kind_of("text/event-stream"), EventStream::Kind::kEvents);
  EXPECT_EQ(EventStream::kind_of("Text/Event-Stream; charset=utf-8"), EventStream::Kind::kEvents);
  EXPECT_EQ(EventStream::kind_of("application/x-ndjson"), EventStream::Kind::kLines);
  EXPECT_EQ(EventStream::kind_of("application/json"), EventStream::Kind::kNone);
  EXPECT_EQ(EventStream::kind_of(""), EventStream::Kind::kNone);
}

TEST(EventStream, EventsEndAtABlankLineWhateverTheLineEndsAndPieces) {
  // Three events, cut mid-line and between CR and LF; a comment, an event name and [DONE] are not events.
  const Fed f = feed(EventStream::Kind::kEvents, {": keep-alive\r\n\r\nevent: x\r\ndata: a", "\r\n\r",
                                                  "\ndata: b\n\ndata: c1\ndata: c2\r\r", "data: [DONE]\n\n"});
  EXPECT_EQ(f.events, 3u);
  EXPECT_EQ(f.tokens, 3u);
  EXPECT_EQ(f.ttfb, 1000);
  EXPECT_EQ(f.ttft, 2000);  // "a" completes with the blank line of the second piece
  EXPECT_EQ(f.gaps, (std::vector<std::int64_t>{1000, 0}));  // b and c both in the third piece
  EXPECT_EQ(f.total, 100'000);
}

TEST(EventStream, OneLeadingByteOrderMarkIsNotPartOfTheFirstLine) {
  // The format ignores a leading UTF-8 BOM: before, "\xEF\xBB\xBFdata: a" was not a data line and the
  // first token was lost (its time to first token read the second's). A BOM later on is data.
  const Fed f = feed(EventStream::Kind::kEvents, {"\xEF\xBB\xBF"
                                                  "data: a\n\n",
                                                  "data: b\n\n"});
  EXPECT_EQ(f.events, 2u);
  EXPECT_EQ(f.ttft, 1000);
  const Fed later = feed(EventStream::Kind::kEvents, {"data: a\n\n",
                                                      "\xEF\xBB\xBF"
                                                      "data: b\n\n"});
  EXPECT_EQ(later.events, 1u);
  // Split across reads (the fuzz target found that a mark cut after its first byte was not skipped).
  const Fed split = feed(EventStream::Kind::kEvents, {"\xEF", "\xBB",
                                                      "\xBF"
                                                      "data: a\n\n"});
  EXPECT_EQ(split.events, 1u);
  EXPECT_EQ(split.ttft, 3000);
  // Bytes that only start like a mark are text: "\xEF\xBBx" is a line of its own, not a data line.
  const Fed almost = feed(EventStream::Kind::kEvents, {"\xEF\xBB", "x\n\ndata: b\n\n"});
  EXPECT_EQ(almost.events, 1u);
}

TEST(EventStream, ALastEventWithoutItsBlankLineCountsAtTheEnd) {
  const Fed f = feed(EventStream::Kind::kEvents, {"data: a\n\ndata: b"});
  EXPECT_EQ(f.events, 2u);
  EXPECT_EQ(f.gaps, (std::vector<std::int64_t>{99'000}));
}

// A bare "data:" line is an event with empty data by the SSE rules, and it counted as a token: a
// keep-alive sent that way started the answer (its TTFT) and added a gap. No stream sends empty tokens.
TEST(EventStream, AnEventWithEmptyDataIsAnEventButNoToken) {
  const Fed f = feed(EventStream::Kind::kEvents,
                     {"data:\n\n", "data: a\n\n", "data:\ndata:\n\n", ": keep-alive\n\ndata: b\n\n"});
  EXPECT_EQ(f.events, 4u);  // the comment is none
  EXPECT_EQ(f.tokens, 2u);
  EXPECT_EQ(f.ttft, 2000);
  EXPECT_EQ(f.gaps, (std::vector<std::int64_t>{2000}));
}

// The test's end cut the body: what came counts (an event not yet complete does not), with no total, and
// the silence is measured from the last bytes.
TEST(EventStream, ACutStreamCountsWhatCameWithoutATotal) {
  EventStream s;
  s.reset(at(0));
  s.set_counting(nullptr);
  s.start(EventStream::Kind::kEvents);
  s.first_byte(at(1000));
  s.feed("data: a\n\n", at(1000));
  s.feed("data: b\n\ndata: c", at(3000));
  StreamSample sample;
  EXPECT_EQ(s.cut(at(10'000), sample), 7000);
  EXPECT_EQ(sample.events, 2u);
  EXPECT_EQ(sample.tokens, 2u);
  EXPECT_EQ(sample.ttfb_us, 1000);
  EXPECT_EQ(sample.ttft_us, 1000);
  EXPECT_EQ(std::vector<std::int64_t>(sample.gaps_us.begin(), sample.gaps_us.end()),
            (std::vector<std::int64_t>{2000}));
  EXPECT_EQ(sample.total_us, -1);
}

TEST(EventStream, NdjsonLinesAreEvents) {
  const Fed f = feed(EventStream::Kind::kLines, {"{\"t\":1}\n{\"t\"", ":2}\n\n"});
  EXPECT_EQ(f.events, 2u);
  EXPECT_EQ(f.gaps, (std::vector<std::int64_t>{1000}));
}

TEST(EventStream, AJsonPointerCountsTokensAndEventsWithoutTokensDoNotStartTheAnswer) {
  const auto counting = TokenCounting::parse("json:/choices/0/delta/content").value();
  const Fed f = feed(EventStream::Kind::kEvents,
                     {"data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n",
                      "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n",
                      "data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\ndata: not json\n\n",
                      "data: {\"choices\":[{\"delta\":{\"content\":\" there\"}}]}\n\n"},
                     &counting);
  EXPECT_EQ(f.events, 5u);
  EXPECT_EQ(f.tokens, 2u);
  EXPECT_EQ(f.ttft, 2000);
  EXPECT_EQ(f.gaps, (std::vector<std::int64_t>{2000}));
  const auto numbers = TokenCounting::parse("json:usage.tokens").value();
  EXPECT_EQ(numbers.json_pointer, "/usage/tokens");
  const Fed n =
      feed(EventStream::Kind::kEvents,
           {"data: {\"usage\":{\"tokens\":3}}\n\n", "data: {\"usage\":{\"tokens\":2.0}}\n\n"}, &numbers);
  EXPECT_EQ(n.tokens, 5u);
}

TEST(EventStream, TokenCountingSyntax) {
  EXPECT_TRUE(TokenCounting::parse("event").value().json_pointer.empty());
  EXPECT_FALSE(TokenCounting::parse("json:").ok());
  EXPECT_FALSE(TokenCounting::parse("tokens").ok());
}

TEST(EventStream, NothingIsCountedBeforeStartOrForAResponseThatIsNotAStream) {
  EventStream s;
  s.reset(at(0));
  s.feed("data: a\n\n", at(5));
  StreamSample sample;
  s.finish(at(10), sample);
  EXPECT_FALSE(s.active());
  EXPECT_EQ(sample.events, 0u);
  EXPECT_EQ(sample.ttft_us, -1);
}

}  // namespace
}  // namespace cicada::http
