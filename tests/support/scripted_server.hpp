#pragma once
// ScriptedServer: a loopback HTTP/1.1 server for client and engine tests whose every answer is scripted.
//
// It listens on 127.0.0.1 on an ephemeral port, accepts on its own thread and serves each connection on
// a thread of its own with blocking sockets (simple and obviously correct beats fast here). For each
// request it records what arrived (method, target, headers, body, which connection) and then does what
// the script says:
//   - respond with a status, headers and a body (Content-Length or chunked), keep-alive or close;
//   - close the connection without answering, reset it (SO_LINGER 0), stall (never answer), or send
//     bytes that are not HTTP;
//   - wait a while before any of the above;
//   - stream a body in paced pieces (server-sent events, a token stream): each piece is written at its own
//     offset from the moment the request was read, and the time every write started is kept as the
//     truth a client's time-to-first-byte and inter-event gaps are checked against (stream_timings()).
// Replies come from a queue (push), then from the fallback reply (set_fallback), or from a handler that
// sees the request (set_handler), so a test can redirect, set cookies or echo what it received.
//
// TLS: pass a ServerTls (see tls_identity.hpp for a self-signed one) and every connection is TLS.
// The OpenSSL part lives behind that interface so that tests without TLS don't link it.
//
//   ScriptedServer server;
//   server.push(ScriptedReply::respond(404, "nope"));
//   server.push(ScriptedReply::reset());
//   ... client requests server.url() + "/x" ...
//   EXPECT_EQ(server.requests()[0].header("Cookie"), "sid=1");
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::testing {

// The server side of one connection: plain TCP or TLS.
class ServerStream {
 public:
  virtual ~ServerStream() = default;
  // Like recv(): bytes read, 0 at end of stream, < 0 on error.
  virtual long read(char* data, std::size_t size) = 0;
  virtual bool write_all(std::string_view data) = 0;
  virtual int fd() const = 0;
};

// A plain TCP stream over an accepted socket (the caller closes it); writes never raise SIGPIPE.
std::unique_ptr<ServerStream> plain_stream(int fd);
// A socket listening on 127.0.0.1 at a port the kernel picks (written to `port`); throws naming `who`.
int listen_on_loopback(std::uint16_t& port, const char* who);

// Turns an accepted socket into a stream (a TLS handshake for TLS); nullptr when that fails.
class ServerTls {
 public:
  virtual ~ServerTls() = default;
  virtual std::unique_ptr<ServerStream> accept(int fd) = 0;
};

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::size_t connection = 0;  // 0-based index of the connection it came on (keep-alive shows as equal)

  // First header with this name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

// One piece of a paced response body, written at `at` after the request was read (absolute offsets, so
// a late wake-up does not push every later piece back).
struct StreamPiece {
  std::chrono::microseconds at{0};
  std::string bytes;
};

// What the server did for one paced response: when the request was fully read and when each piece's
// write started (no byte of it can reach the client earlier), on std::chrono::steady_clock (the same clock as
// cicada's MonoTime).
struct StreamTiming {
  std::string target;
  std::chrono::steady_clock::time_point request_read;
  std::vector<std::chrono::steady_clock::time_point> piece_written;
};

struct ScriptedReply {
  enum class Action {
    kRespond,  // send the response below
    kClose,    // close the connection without a response (the client sees EOF)
    kReset,    // close with SO_LINGER 0 so the client sees a reset
    kStall,    // never answer; the connection stays open until the client closes it or the server stops
    kRaw,      // send `raw` verbatim (garbage, truncated responses, pipelined junk), then keep reading
  };
  Action action = Action::kRespond;
  int status = 200;
  std::string reason;  // empty: the standard phrase ("OK", "Not Found", ...)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool chunked = false;      // Transfer-Encoding: chunked, body sent in two chunks
  bool close_after = false;  // "Connection: close" and close after the response
  bool no_length = false;    // neither Content-Length nor chunked: the body ends when the server closes
  std::chrono::milliseconds delay{0};  // wait before acting
  std::string raw;                     // for kRaw (and sent before closing when close_after)
  // kRespond with pieces: the head goes out at once, then `body` (if any) and each piece at its time, as
  // one chunk each when chunked, else raw (with no_length the body ends when the server closes).
  std::vector<StreamPiece> pieces;
  // Sent `unsolicited_after` after the reply, answering no request (a server that answers twice, or
  // talks on an idle keep-alive connection). ScriptedServer::wait_for_unsolicited() sees it sent.
  std::string unsolicited;
  std::chrono::milliseconds unsolicited_after{0};

  static ScriptedReply respond(int status, std::string body = {}) {
    ScriptedReply r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static ScriptedReply redirect(int status, std::string location) {
    ScriptedReply r;
    r.status = status;
    r.headers.emplace_back("Location", std::move(location));
    return r;
  }
  static ScriptedReply of(Action action) {
    ScriptedReply r;
    r.action = action;
    return r;
  }
  static ScriptedReply close() { return of(Action::kClose); }
  static ScriptedReply reset() { return of(Action::kReset); }
  static ScriptedReply stall() { return of(Action::kStall); }
  static ScriptedReply garbage(std::string bytes = "THIS IS NOT HTTP\r\n\r\n") {
    ScriptedReply r = of(Action::kRaw);
    r.raw = std::move(bytes);
    return r;
  }
  ScriptedReply&& with_header(std::string name, std::string value) && {
    headers.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
  ScriptedReply&& after(std::chrono::milliseconds d) && {
    delay = d;
    return std::move(*this);
  }
};

class ScriptedServer {
 public:
  // Starts listening at once. tls: serve TLS on every connection (nullptr: plain HTTP).
  explicit ScriptedServer(std::shared_ptr<ServerTls> tls = nullptr);
  ~ScriptedServer();  // stops accepting, closes every connection, joins every thread
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" (https with TLS).
  std::string url() const;

  // Replies used in order, one per request; then the fallback (default: 200 "ok").
  void push(ScriptedReply reply);
  void set_fallback(ScriptedReply reply);
  // Decides every reply from the request (takes precedence over queue and fallback).
  void set_handler(std::function<ScriptedReply(const RecordedRequest&)> handler);

  // Every new connection gets `bytes` at once (before any request) and is closed: a server that is not
  // what the client expects (e.g. plain HTTP where the client wants TLS). Empty turns it off.
  void answer_on_connect(std::string bytes);

  // Whether the server records requests (on by default; benchmarks turn it off to stay lean).
  void set_recording(bool on);
  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  std::size_t connections_accepted() const;
  // Every paced response sent so far (ScriptedReply::pieces), in the order they finished.
  std::vector<StreamTiming> stream_timings() const;
  // Every delayed reply (ScriptedReply::after) sent so far: how long after its request was read its
  // write really started, a late wake-up included.
  std::vector<std::chrono::microseconds> delayed_reply_times() const;
  // Connections open now (accepted and not yet closed by either side).
  std::size_t connections_open() const;
  // Waits until `n` requests arrived (true) or the timeout passed (false).
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
  // Waits until the server closed `n` connections / sent `n` unsolicited byte strings (true), or the
  // timeout passed (false).
  bool wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const;
  bool wait_for_unsolicited(std::size_t n, std::chrono::milliseconds timeout) const;

  // A loopback port with nothing listening (bound then closed), for "connection refused".
  static std::uint16_t closed_port();

 private:
  struct State;
  void accept_loop();
  void serve(std::unique_ptr<ServerStream> stream, std::size_t index);
  bool write_paced(ServerStream& stream, const ScriptedReply& reply, const std::string& target,
                   std::chrono::steady_clock::time_point request_read);
  std::shared_ptr<State> state_;
  std::uint16_t port_ = 0;
};

}  // namespace cicada::testing
