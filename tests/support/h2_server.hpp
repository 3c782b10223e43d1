#pragma once
// H2Server: a small HTTP/2 server for the client's tests, on 127.0.0.1 and an ephemeral port, built on
// libnghttp2's server session. Plain TCP is h2c with prior knowledge; with a ServerTls from
// make_self_signed_tls_h2() it is TLS whose ALPN chooses "h2". One thread per connection, which answers
// its streams in the order their requests complete (the client has one in flight at a time).
//
// Replies are ScriptedReplys (scripted_server.hpp), so one handler can drive this server and the
// HTTP/1.1 ScriptedServer alike: kRespond (status, headers, body, delay), kStall (no answer until the
// client goes or the server stops), kClose (the connection is closed). HTTP/2's own: H2Reply::reset_code
// answers with RST_STREAM and that error code (after the delay); H2Reply::goaway ends the connection
// with GOAWAY after the answer; H2Reply::trailers follow the body in a HEADERS frame of their own.
//
//   H2Server server([](const RecordedRequest& r) { return H2Reply(ScriptedReply::respond(200, "hi")); });
//   ... client with ClientConfig::http2 requests server.url() + "/x" ...
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/scripted_server.hpp"

namespace cicada::testing {

struct H2Reply {
  H2Reply(ScriptedReply r = ScriptedReply::respond(200, "ok")) : reply(std::move(r)) {}  // NOLINT
  ScriptedReply reply;
  std::uint32_t reset_code = 0;  // nonzero: RST_STREAM with this code instead of a response
  bool goaway = false;           // GOAWAY (NO_ERROR) after the answer, then close
  // No answer: GOAWAY (NO_ERROR) whose last stream is the one before this request's, then close. The
  // server ends a connection while the client's next request is on its way (a server that ends each
  // connection after N requests): the request was refused unprocessed.
  bool refuse_in_goaway = false;
  // Sent as a trailer HEADERS frame after the body (gRPC's grpc-status goes there); empty: none.
  std::vector<std::pair<std::string, std::string>> trailers;

  static H2Reply reset(std::uint32_t code) {
    H2Reply r;
    r.reset_code = code;
    return r;
  }
};

class H2Server {
 public:
  using Handler = std::function<H2Reply(const RecordedRequest&)>;
  // tls: nullptr for h2c; make_self_signed_tls_h2() for TLS with ALPN h2.
  explicit H2Server(Handler handler, std::shared_ptr<ServerTls> tls = nullptr);
  ~H2Server();  // stops accepting, wakes and closes every connection, joins every thread
  H2Server(const H2Server&) = delete;
  H2Server& operator=(const H2Server&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;                        // "http://127.0.0.1:PORT" (https with TLS)
  std::vector<RecordedRequest> requests() const;  // header names as received (lower case)
  std::size_t connections() const { return connections_.load(); }

  struct Connection;

 private:
  void accept_loop();
  void serve(int fd, std::size_t index);
  friend struct Connection;

  Handler handler_;
  std::shared_ptr<ServerTls> tls_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> connections_{0};
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // delays and stalls end early when the server stops
  std::vector<RecordedRequest> requests_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace cicada::testing
