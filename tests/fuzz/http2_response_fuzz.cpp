// The load generator's HTTP/2 session (src/http/client/http2_session): bytes from a hostile server after
// a GET went out, fed in pieces. nghttp2 parses the frames; this checks what we do with its events
// (headers into the response, :status, content-length, body limit, resets, GOAWAY, an HTTP/1.x answer).
#include <string>

#include "fuzz_support.hpp"
#include "http/client/http2_session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cicada::http::Http2Session;
  std::string_view in = cicada::fuzz::as_text(data, size);
  // First byte: whether the request was a HEAD (low bit) and the size of the pieces.
  const unsigned char control = in.empty() ? 0 : static_cast<unsigned char>(in.front());
  if (!in.empty()) in.remove_prefix(1);
  const std::size_t piece = 1 + (control >> 1) % 64;

  cicada::http::ResponseParser response;
  response.set_body_limit(64);
  Http2Session session(response);
  cicada::http::Origin origin;
  origin.host = "127.0.0.1";
  origin.port = 8080;
  cicada::http::RequestHead head;
  head.method = (control & 1) ? "HEAD" : "GET";
  head.target = "/x";
  head.origin = &origin;
  // Two requests in a row on one session, as a user's successive requests.
  for (int round = 0; round < 2; ++round) {
    response.reset((control & 1) != 0);
    std::string error, out;
    if (!session.usable() || !session.submit(head, false, error)) break;
    session.take_output(out);
    cicada::fuzz::require(round > 0 || out.substr(0, 24) == "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                          "the connection starts with the client preface");
    std::string_view rest = in;
    while (!rest.empty() && session.outcome() == Http2Session::Outcome::kPending) {
      const std::size_t n = std::min(piece, rest.size());
      if (!session.receive(rest.data(), n)) break;
      rest.remove_prefix(n);
      out.clear();
      session.take_output(out);
    }
    switch (session.outcome()) {
      case Http2Session::Outcome::kComplete:
        cicada::fuzz::require(response.complete(), "kComplete means complete()");
        cicada::fuzz::require(response.status() >= 200 && response.status() <= 999, "a final status");
        cicada::fuzz::require(response.body().size() <= 64, "the body limit holds");
        (void)response.header("content-length");
        (void)response.content_size();
        break;
      case Http2Session::Outcome::kReset:
      case Http2Session::Outcome::kConnectionError: {
        std::string text;
        session.describe(text);
        cicada::fuzz::require(!text.empty(), "a failure is described in words");
        break;
      }
      case Http2Session::Outcome::kPending:
        break;
    }
  }
  return 0;
}
