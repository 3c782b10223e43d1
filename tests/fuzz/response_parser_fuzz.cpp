// The load generator's response parser (src/http/client/response_parser): bytes from a hostile target,
// fed in pieces or whole, then end of stream. A second parser reads the same pieces with the simple path
// off (http-parser only): both must read every input alike (response_parser_simple.cpp).
#include <string>

#include "fuzz_support.hpp"
#include "http/client/response_parser.hpp"

namespace {

using cicada::http::ResponseParser;

struct Outcome {
  ResponseParser::State state;
  bool complete, started, keep_alive, truncated;
  int status;
  std::string reason, headers, body, error;
  std::uint64_t body_bytes, content_size;
  std::size_t extra;
  bool operator==(const Outcome&) const = default;
};

Outcome read(ResponseParser& parser, std::string_view in, std::size_t piece) {
  ResponseParser::State state = ResponseParser::State::kNeedMore;
  std::string_view rest = in;
  while (!rest.empty() && state == ResponseParser::State::kNeedMore) {
    std::size_t n = std::min(piece, rest.size());
    state = parser.feed(rest.data(), n);
    rest.remove_prefix(n);
  }
  if (state == ResponseParser::State::kNeedMore) state = parser.feed_eof();
  Outcome o{state,
            parser.complete(),
            parser.started(),
            parser.keep_alive(),
            parser.body_truncated(),
            parser.status(),
            std::string(parser.reason()),
            std::string(parser.header_block()),
            std::string(parser.body()),
            {},
            parser.body_bytes(),
            parser.content_size(),
            parser.extra_bytes()};
  if (state == ResponseParser::State::kError) parser.describe_error(o.error);
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = cicada::fuzz::as_text(data, size);
  // First byte: whether the request was a HEAD (bit 0), whether the bytes come whole (bit 1, as most
  // responses do), else the size of the pieces; bit 7 a small body limit.
  unsigned char control = in.empty() ? 0 : static_cast<unsigned char>(in.front());
  if (!in.empty()) in.remove_prefix(1);
  const std::size_t piece = (control & 2) != 0 ? in.size() + 1 : 1 + (control >> 2) % 32;

  ResponseParser parser, reference;
  reference.set_simple_path(false);
  if ((control & 0x80) != 0) {
    parser.set_body_limit(5);
    reference.set_body_limit(5);
  }
  // Two responses in a row on one parser, as on a keep-alive connection.
  for (int round = 0; round < 2; ++round) {
    parser.reset((control & 1) != 0);
    reference.reset((control & 1) != 0);
    const Outcome o = read(parser, in, piece);
    cicada::fuzz::require(o == read(reference, in, piece), "the simple path reads as http-parser does");
    if (o.state == ResponseParser::State::kComplete) {
      cicada::fuzz::require(parser.complete(), "kComplete means complete()");
      cicada::fuzz::require(parser.status() >= 0 && parser.status() <= 999, "a status has three digits");
      (void)parser.header("content-length");
      std::size_t cookies = 0;
      parser.for_each_header("set-cookie", [&](std::string_view) { ++cookies; });
    } else if (o.state == ResponseParser::State::kError) {
      cicada::fuzz::require(!o.error.empty(), "an error is described in words");
    }
  }
  return 0;
}
