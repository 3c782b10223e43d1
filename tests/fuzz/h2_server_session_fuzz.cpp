// The model server's HTTP/2 glue (src/http/server/server_h2_session): bytes from a hostile client, fed in
// pieces to an H2ServerSession whose host answers like a tiny router. nghttp2 parses the frames; this
// checks what we do with its events: requests assembled within the limits (head, body, streams, bytes
// held), every request finished exactly once (the in-flight count returns to zero, even when the
// connection drops mid-request), and the output always starts with the server's SETTINGS.
#include <string>

#include "fuzz_support.hpp"
#include "http/server/server_h2_session.hpp"

namespace {

using cicada::http::H2Exchange;
using cicada::http::ServerRequest;
using cicada::http::ServerResponse;

constexpr std::size_t kMaxBody = 256;
constexpr std::size_t kMaxHeader = 512;

struct Host final : cicada::http::H2Host {
  std::size_t dispatched = 0, finished_count = 0, open = 0;  // open: dispatched here, not yet finished

  void dispatch(const ServerRequest& request, ServerResponse& out, H2Exchange& exchange) override {
    ++dispatched;
    cicada::fuzz::require(request.body.size() <= kMaxBody, "a body within the limit");
    cicada::fuzz::require(request.method.size() + request.target.size() <= kMaxHeader,
                          "a head within the limit");
    exchange.route = 0;  // the session's own refusals keep kUnmatchedRoute
    ++open;
    if (request.path == "/big") {
      out.body.assign(3000, 'b');  // past the unsent-response budget after a few
    } else if (request.path == "/health") {
      out.body = "OK";
    } else {
      out.status = 404;
      out.headers.emplace_back("Allow", "GET");
    }
  }

  void finished(const H2Exchange& exchange) override {
    ++finished_count;
    cicada::fuzz::require(exchange.status >= 200 && exchange.status <= 599, "a final status");
    if (exchange.route == 0) {
      cicada::fuzz::require(open > 0, "finished once per dispatched request");
      --open;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = cicada::fuzz::as_text(data, size);
  // First byte: bit 0 set: the input carries its own preface (else the client preface is prepended, so
  // the search starts past it); the rest: the size of the pieces, and how often output is taken.
  const unsigned char control = in.empty() ? 0 : static_cast<unsigned char>(in.front());
  if (!in.empty()) in.remove_prefix(1);
  std::string bytes;
  if ((control & 1) == 0) bytes = cicada::http::kH2ClientPreface;
  bytes.append(in);
  const std::size_t piece = 1 + (control >> 1) % 64;

  Host host;
  {
    cicada::http::H2Limits limits;
    limits.max_body_bytes = kMaxBody;
    limits.max_header_bytes = kMaxHeader;
    limits.max_streams = 8;
    limits.max_buffered_body_bytes = 2 * kMaxBody;
    limits.max_pending_response_bytes = 4096;
    cicada::http::H2ServerSession session(limits, host, 0);
    std::string out;
    session.take_output(out, 1 << 20);
    cicada::fuzz::require(out.size() >= 9 && out[3] == 0x04, "the server's first frame is SETTINGS");
    std::string_view rest = bytes;
    std::size_t round = 0;
    while (!rest.empty()) {
      const std::size_t n = std::min(piece, rest.size());
      const bool more = session.receive(rest.data(), n);
      rest.remove_prefix(n);
      // Output taken now and then, as a slow socket would: responses wait in the session meanwhile.
      if (++round % (1 + control % 3) == 0) {
        out.clear();
        session.take_output(out, 16384);
      }
      if (!more) break;
    }
    out.clear();
    session.take_output(out, 1 << 20);
    (void)session.done();
    (void)session.idle();
    (void)session.oldest_stream_start();
    (void)session.last_request_end();
  }
  // The session is gone: every request it took was finished, whatever state its streams were in.
  cicada::fuzz::require(host.open == 0, "every dispatched request finished");
  cicada::fuzz::require(host.finished_count >= host.dispatched, "refused requests finished too");
  return 0;
}
