// The load generator's response parser (src/http/client/response_parser): bytes from a hostile target,
// fed in pieces, then end of stream.
#include <string>

#include "fuzz_support.hpp"
#include "http/client/response_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cicada::http::ResponseParser;
  std::string_view in = cicada::fuzz::as_text(data, size);
  // First byte: whether the request was a HEAD (low bit) and the size of the pieces.
  unsigned char control = in.empty() ? 0 : static_cast<unsigned char>(in.front());
  if (!in.empty()) in.remove_prefix(1);
  std::size_t piece = 1 + (control >> 1) % 48;

  ResponseParser parser;
  // Two responses in a row on one parser, as on a keep-alive connection.
  for (int round = 0; round < 2; ++round) {
    parser.reset((control & 1) != 0);
    ResponseParser::State state = ResponseParser::State::kNeedMore;
    std::string_view rest = in;
    while (!rest.empty() && state == ResponseParser::State::kNeedMore) {
      std::size_t n = std::min(piece, rest.size());
      state = parser.feed(rest.data(), n);
      rest.remove_prefix(n);
    }
    if (state == ResponseParser::State::kNeedMore) state = parser.feed_eof();
    if (state == ResponseParser::State::kComplete) {
      cicada::fuzz::require(parser.complete(), "kComplete means complete()");
      cicada::fuzz::require(parser.status() >= 0 && parser.status() <= 999, "a status has three digits");
      (void)parser.header("content-length");
      std::size_t cookies = 0;
      parser.for_each_header("set-cookie", [&](std::string_view) { ++cookies; });
      (void)parser.content_size();
      (void)parser.body().size();
    } else if (state == ResponseParser::State::kError) {
      std::string text;
      parser.describe_error(text);
      cicada::fuzz::require(!text.empty(), "an error is described in words");
    }
  }
  return 0;
}
