// The load generator's streamed-response scanner (src/http/client/event_stream): a hostile target's
// text/event-stream or NDJSON body, fed whole and then in pieces on one reused scanner.
#include <algorithm>
#include <chrono>
#include <numeric>
#include <string>

#include "fuzz_support.hpp"
#include "http/client/event_stream.hpp"

namespace {

using cicada::MonoTime;
using cicada::http::EventStream;
using cicada::http::TokenCounting;

struct Counts {
  std::uint64_t events, tokens, tokens_after_first;
  std::size_t gaps;
};

// Feeds body in pieces of `piece` bytes (all at once when 0), one millisecond apart, and checks what
// holds for any body on a monotonic clock.
Counts scan(EventStream& stream, EventStream::Kind kind, const TokenCounting& counting, std::string_view body,
            std::size_t piece) {
  using cicada::fuzz::require;
  const MonoTime due{std::chrono::seconds(1000)};
  MonoTime now = due;
  stream.reset(due);
  stream.set_counting(&counting);
  now += std::chrono::milliseconds(1);
  stream.first_byte(now);
  stream.start(kind);
  if (piece == 0) piece = std::max<std::size_t>(body.size(), 1);
  for (std::string_view rest = body; !rest.empty();) {
    const std::size_t n = std::min(piece, rest.size());
    stream.feed(rest.substr(0, n), now);
    rest.remove_prefix(n);
    now += std::chrono::milliseconds(1);
  }
  cicada::StreamSample s;
  stream.finish(now, s);
  require(s.ttfb_us == 1000, "time to first byte is from the due time");
  require(s.total_us == cicada::micros_between(due, now), "the total ends when the body ended");
  require(s.tokens >= s.tokens_after_first, "tokens after the first are some of the tokens");
  require((s.ttft_us >= 0) == (s.tokens > 0), "a first-token time exactly when a token came");
  require(s.ttft_us <= s.total_us, "the first token came before the end");
  require(std::all_of(s.gaps_us.begin(), s.gaps_us.end(), [](std::int64_t g) { return g >= 0; }),
          "gaps are never negative");
  require(std::accumulate(s.gaps_us.begin(), s.gaps_us.end(), std::int64_t{0}) == s.token_span_us,
          "the gaps add up to the first-to-last token span");
  if (counting.json_pointer.empty()) {
    // Events with empty data carry no token.
    require(s.tokens <= s.events, "at most one token per event");
    require(s.gaps_us.size() == (s.tokens == 0 ? 0 : s.tokens - 1), "a gap between consecutive tokens");
  }
  require(s.gaps_us.size() <= s.events, "fewer gaps than events");
  return Counts{s.events, s.tokens, s.tokens_after_first, s.gaps_us.size()};
}

// Feeds body in pieces as scan() does, then cuts the stream there (the test ended): what came is counted,
// without a total, and never more than the whole body gives.
void scan_cut(EventStream& stream, EventStream::Kind kind, const TokenCounting& counting,
              std::string_view body, std::size_t piece, const Counts& whole) {
  using cicada::fuzz::require;
  const MonoTime due{std::chrono::seconds(1000)};
  MonoTime now = due;
  stream.reset(due);
  stream.set_counting(&counting);
  stream.start(kind);
  MonoTime last = due;
  for (std::string_view rest = body; !rest.empty();) {
    now += std::chrono::milliseconds(1);
    if (rest.size() == body.size()) stream.first_byte(now);
    const std::size_t n = std::min(piece, rest.size());
    stream.feed(rest.substr(0, n), now);
    rest.remove_prefix(n);
    last = now;
  }
  now += std::chrono::milliseconds(5);
  cicada::StreamSample s;
  const std::int64_t silent_us = stream.cut(now, s);
  require(silent_us == cicada::micros_between(last, now), "silent since the last bytes (or the due time)");
  require(s.total_us == -1, "a cut stream has no total");
  require(s.events <= whole.events && s.tokens <= whole.tokens && s.gaps_us.size() <= whole.gaps,
          "a cut stream counts no more than its whole body");
  require((s.ttft_us >= 0) == (s.tokens > 0), "a first-token time exactly when a token came");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = cicada::fuzz::as_text(data, size);
  // First byte: the stream kind (bit 0), how tokens are counted (bits 1-2) and the piece size (the rest).
  const unsigned char control = in.empty() ? 0 : static_cast<unsigned char>(in.front());
  if (!in.empty()) in.remove_prefix(1);
  const EventStream::Kind kind = (control & 1) != 0 ? EventStream::Kind::kLines : EventStream::Kind::kEvents;
  static const TokenCounting countings[] = {
      TokenCounting{}, TokenCounting::parse("json:/choices/0/delta/content").value(),
      TokenCounting::parse("json:/n").value(), TokenCounting::parse("json:tokens").value()};
  const TokenCounting& counting = countings[(control >> 1) & 3];
  const std::size_t piece = 1 + (control >> 3) % 32;

  // One scanner for both, as a user's client reuses it response after response.
  static EventStream stream;
  const Counts whole = scan(stream, kind, counting, in, 0);
  const Counts pieces = scan(stream, kind, counting, in, piece);
  scan_cut(stream, kind, counting, in, piece, whole);
  // Where reads cut the body (a CR here, its LF in the next read) must not change what is counted.
  cicada::fuzz::require(whole.events == pieces.events, "events do not depend on how the body was read");
  cicada::fuzz::require(whole.tokens == pieces.tokens, "tokens do not depend on how the body was read");
  cicada::fuzz::require(whole.tokens_after_first == pieces.tokens_after_first,
                        "tokens after the first do not depend on how the body was read");
  cicada::fuzz::require(whole.gaps == pieces.gaps, "token events do not depend on how the body was read");
  return 0;
}
