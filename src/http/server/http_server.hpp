#pragma once
// HttpServer: a generic, hardened HTTP/1.1 server (and h2c, see ServerOptions::http2) (keep-alive, limits,
// timeouts, overload shedding, graceful stop). It knows routes and handlers only; the model API and the web
// UI are built on top of it.
//
// Threads: one event loop per worker thread, share-nothing; one acceptor hands new connections to the
// workers round-robin, so a connection lives on one thread for its whole life and handlers run there.
// Beast and Asio stay inside http_server.cpp (they cost ~18 s of compile time per translation unit).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "http/server/router.hpp"
#include "http/server/server_types.hpp"

namespace cicada::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // numeric address or a name resolved once at start
  std::uint16_t port = 8080;       // 0: an ephemeral port, see HttpServer::port()
  std::size_t threads = 1;         // worker event loops (>= 1)
  // Requests read but not yet answered, across all workers. Past it, requests are answered 503 with
  // Retry-After at once rather than queued without bound.
  std::size_t max_inflight = 1024;
  std::size_t max_body_bytes = 1 << 20;  // larger bodies get 413 (checked on Content-Length before reading)
  std::size_t max_header_bytes = 8192;   // larger request heads get 431
  // A connection must deliver a whole request within this time of the server starting to wait for it, or it
  // is closed. This bounds slow or endless headers and idle keep-alive connections alike.
  std::chrono::milliseconds request_timeout{10000};
  // A new connection must deliver its first whole request within this (when shorter than request_timeout):
  // connections that never send anything are dropped sooner than idle keep-alive ones.
  std::chrono::milliseconds first_request_timeout{3000};
  // Open connections at most. At the cap, a new connection closes the oldest connection of its worker that
  // is waiting for a request with nothing received; when there is none, the new one is closed. start()
  // raises the soft open-files limit to the hard one and lowers this cap to fit under it, so accept never
  // fails for want of descriptors.
  std::size_t max_connections = 10000;
  // On stop(): how long in-flight responses may take to finish before the loops are stopped hard.
  std::chrono::milliseconds shutdown_grace{10000};
  std::string server_name = "cicada";  // Server header
  // A streaming response (ServerResponse::on_stream) whose client has not read this many queued bytes is
  // closed: a stalled browser tab must not grow the server's memory.
  std::size_t max_stream_pending_bytes = 1 << 20;
  // HTTP/2 on the same port: with prior knowledge (h2c), a connection whose first bytes are the HTTP/2
  // client preface; over TLS, a client that offers "h2" by ALPN. Served by server_h2_connection.cpp, its
  // streams by the same routes and limits.
  // Off here (the web UI streams, which HTTP/2 does not serve); cicada-model serve turns it on.
  bool http2 = false;
  // SETTINGS_MAX_CONCURRENT_STREAMS: streams one HTTP/2 connection may have open at once.
  std::uint32_t http2_max_streams = 100;
  // HTTPS: PEM files of the certificate (its chain after it) and its private key, both or neither. With
  // them every connection is TLS (1.2 or 1.3), HTTP/1.1 or (http2, by ALPN) HTTP/2; a plain HTTP request
  // gets a 400 that says to use https://. A connection the server ends after an answer (Connection: close,
  // a streamed response its owner closed, HTTP/2 when done) sends a TLS close_notify first, so a client can
  // tell a whole body from a cut one. start() fails with a readable message when a file cannot be
  // read or the key does not match the certificate. An open TLS connection holds ~58 KiB more than a plain
  // one (Asio's TLS record and BIO buffers; bench/serve/connection_memory.py), so max_connections bounds
  // that memory too.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class HttpServer {
 public:
  // observer may be null; it must outlive the server.
  HttpServer(ServerOptions options, Router router, ServerObserver* observer = nullptr);
  ~HttpServer();  // stop() and wait()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, then starts the worker threads. Fails with a readable message (address in use...).
  Result<void> start();

  // Bound address and port, valid after start() (the real port when options.port was 0).
  const std::string& host() const;
  std::uint16_t port() const;
  // "http://127.0.0.1:PORT" ("https://" with TLS; IPv6 hosts in brackets).
  std::string url() const;

  // Connections currently open.
  std::size_t connections() const;
  // Requests currently read but not yet answered (the in-flight gauge).
  std::size_t inflight() const;
  const ServerOptions& options() const;
  const Router& router() const;

  // Graceful stop, from any thread (not from a signal handler): stop accepting, close idle connections,
  // let in-flight requests finish (with Connection: close), then the worker threads end. Idempotent.
  void stop();
  // Blocks until every worker thread has ended (after stop()).
  void wait();

  struct Impl;  // defined in http_server.cpp; public only so its connection type can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cicada::http
