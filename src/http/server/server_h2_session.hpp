#pragma once
// H2ServerSession: the server side of one HTTP/2 connection without I/O. libnghttp2's server session is
// fed with receive() and drained with take_output(); this class assembles each stream's request within the
// server's limits and hands it to its host (H2Host), which routes it exactly as an HTTP/1.1 request
// (server_dispatch.hpp). No Asio here: server_h2_connection.cpp puts it on a socket, and the fuzz target
// tests/fuzz/h2_server_session_fuzz.cpp drives it directly.
//
// Limits (from ServerOptions, see H2Limits):
// - at most max_streams concurrent streams (SETTINGS_MAX_CONCURRENT_STREAMS; nghttp2 refuses the rest);
// - a request head over max_header_bytes (names + values + 32 per field, RFC 9113 §6.5.2): 431;
// - a body over max_body_bytes (by content-length, or as it arrives): 413, then RST_STREAM(NO_ERROR) so the
//   client stops sending it;
// - request bodies held at once per connection over max_buffered_body_bytes, or responses not yet sent over
//   max_pending_response_bytes: the new stream is reset with REFUSED_STREAM, which a client may retry
//   (RFC 9113 §8.7): memory per connection stays bounded whatever the number of streams;
// - a malformed frame or request (nghttp2 checks framing, HPACK, pseudo-headers, content-length against
//   DATA, floods of SETTINGS/PING/RST_STREAM/CONTINUATION): RST_STREAM or GOAWAY, as RFC 9113 says.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "http/server/server_types.hpp"

struct nghttp2_session;

namespace cicada::http {

// The first bytes of every HTTP/2 connection with prior knowledge (RFC 9113 §3.4).
inline constexpr std::string_view kH2ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct H2Limits {
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 8192;
  std::uint32_t max_streams = 100;
  std::size_t max_buffered_body_bytes = 2 << 20;
  std::size_t max_pending_response_bytes = 2 << 20;
  std::string server_name = "cicada";
};

// One request's fate, for the in-flight count and the metrics: filled by H2Host::dispatch (or by the
// session for the requests it refuses itself), handed back to H2Host::finished once.
struct H2Exchange {
  std::size_t route = kUnmatchedRoute;
  int status = 0;
  MonoTime read_done{};
};

class H2Host {
 public:
  // A complete request: route and answer it into `out`, within the in-flight limit; set exchange.route.
  virtual void dispatch(const ServerRequest& request, ServerResponse& out, H2Exchange& exchange) = 0;
  // The response was handed to the output (or the stream or connection ended first).
  virtual void finished(const H2Exchange& exchange) = 0;

 protected:
  ~H2Host() = default;
};

class H2ServerSession {
 public:
  // worker: the index handlers see in ServerRequest::worker.
  H2ServerSession(H2Limits limits, H2Host& host, std::size_t worker);
  ~H2ServerSession();  // finishes every exchange still open
  H2ServerSession(const H2ServerSession&) = delete;
  H2ServerSession& operator=(const H2ServerSession&) = delete;

  // Feeds bytes from the client (the preface first). Complete requests are dispatched before it returns.
  // False: the connection is finished (a fatal error, or a GOAWAY is queued); write the output, then close.
  bool receive(const char* data, std::size_t size);
  // Appends frames to send (up to about max_bytes) to out.
  void take_output(std::string& out, std::size_t max_bytes);
  // Nothing more to read or write: close the connection.
  bool done() const;
  // Graceful stop: GOAWAY, no new streams; the open ones finish.
  void goaway();

  // No stream open and nothing to send: what the connection cap may close.
  bool idle() const;
  // The oldest open stream's start, or MonoTime::max() when none is open (deadlines).
  MonoTime oldest_stream_start() const;
  // When the last answered request's stream ended (the session's start before any): where the wait for
  // the next request began. Streams reset or refused without an answer do not move it.
  MonoTime last_request_end() const { return last_request_end_; }
  // Requests answered or refused so far.
  std::size_t requests() const { return requests_; }

 private:
  struct Stream {
    MonoTime start{};
    std::string method, target, content_type, authorization, body;
    std::size_t head_bytes = 0;
    int refuse = 0;         // 413 or 431 once known (answered when the head is complete, or at once)
    bool answered = false;  // a response (or a reset) was submitted: later DATA is dropped
    bool exchange_open = false;
    H2Exchange exchange;
    std::string response;  // the body being sent
    std::size_t sent = 0;
  };
  friend struct H2Callbacks;

  Stream* find(std::int32_t id);
  void complete(std::int32_t id);
  void answer(std::int32_t id, Stream& s);
  void refuse(std::int32_t id, Stream& s, int status, std::string_view message);
  void submit(std::int32_t id, Stream& s, ServerResponse& out, bool head);
  void reset(std::int32_t id, Stream& s);
  void release_body(Stream& s);
  void close_stream(std::int32_t id);

  H2Limits limits_;
  H2Host& host_;
  std::size_t worker_;
  nghttp2_session* session_ = nullptr;
  std::map<std::int32_t, Stream> streams_;  // by id: ids grow with time, so begin() is the oldest
  std::vector<std::int32_t> ready_;         // complete requests to dispatch once mem_recv returns
  std::size_t buffered_body_ = 0;           // request body bytes held across streams
  std::size_t pending_response_ = 0;        // response body bytes not yet sent across streams
  std::size_t requests_ = 0;
  MonoTime last_request_end_;
  bool fatal_ = false;
  ServerResponse response_;  // what handlers fill, reused
};

}  // namespace cicada::http
