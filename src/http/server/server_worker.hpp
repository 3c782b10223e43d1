#pragma once
// The server's loops (internal to src/http/server): a Worker is one event loop and the connections it owns;
// HttpServer::Impl holds the workers, the acceptor and the counters. Sessions (server_session.hpp) live
// on a worker; http_server.cpp accepts and starts and stops it all; server_sweep.cpp checks deadlines.
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <memory_resource>
#include <optional>
#include <thread>
#include <vector>

#include "base/clock.hpp"
#include "http/server/http_server.hpp"
#include "http/server/server_tls.hpp"

namespace cicada::http::server_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
// The socket type names the io_context's own executor, not Asio's type-erased any_io_executor (which
// Beast's tcp_stream carries): every operation would copy and destroy that wrapper.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
// A request's fields, target and body come from its connection's arena (Session::arena_), which is
// rewound for each request: a warm connection parses a request without calling malloc.
using ArenaAllocator = std::pmr::polymorphic_allocator<char>;
using RequestBody = bhttp::basic_string_body<char, std::char_traits<char>, ArenaAllocator>;
using RequestParser = bhttp::request_parser<RequestBody, ArenaAllocator>;

// What the worker's deadline sweep, the connection cap and stop() do to a connection, whichever protocol it
// speaks (Session: HTTP/1.1, server_h2_connection.cpp: HTTP/2). Called on the worker's thread.
class Connection {
 public:
  // Closes the connection when its deadline has passed.
  virtual void close_if_expired(MonoTime now) = 0;
  // Waiting for a request with nothing of it received: what the connection cap may close.
  virtual bool idle() const = 0;
  // The connection cap closes this idle connection to make room for a new one.
  virtual void evict() = 0;
  // stop(): close what waits for a request, let what is being answered finish.
  virtual void shutdown() = 0;

 protected:
  ~Connection() = default;
};

// One event loop and the connections it owns. Members are only touched on this loop's thread, except
// where noted.
struct Worker {
  explicit Worker(std::size_t i) : index(i) {}
  // Handlers still queued are destroyed with ioc; they may end sessions, which must then not touch the
  // timers.
  ~Worker() {
    grace_timer = nullptr;
    sweep_timer = nullptr;
  }

  std::size_t index;
  std::list<Connection*> sessions;  // declared before ioc: sessions unregister while ioc's handlers die
  bool stopping = false;
  asio::io_context ioc{1};  // concurrency hint 1: only this worker's thread runs it, so no locking
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  asio::steady_timer grace{ioc};
  asio::steady_timer* grace_timer = &grace;
  // Deadlines (request, write, drain) are checked by one periodic sweep over the sessions instead of a
  // timer armed and cancelled per read and per write (issue 19: that cost ~5% of a request's CPU). A
  // connection past its deadline is closed within one sweep period of it, never before.
  asio::steady_timer sweep{ioc};
  asio::steady_timer* sweep_timer = &sweep;
  std::chrono::milliseconds sweep_every{100};
  bool sweeping = false;  // the sweep timer is armed
  std::thread thread;
  // Where connections read what they throw away (a closing connection's leftovers, a stream's unread
  // input): shared by all of them, since nobody reads it back. In each connection it was 4 KiB of every
  // open connection's memory (bench/serve/connection_memory.py).
  std::array<char, 4096> discard;
};

// A connection ends: it leaves the worker's list; the last one to leave a stopping worker lets its loop end.
inline void unregister(Worker& worker, std::list<Connection*>::iterator registration) {
  worker.sessions.erase(registration);
  if (worker.stopping && worker.sessions.empty()) {
    if (worker.grace_timer != nullptr) worker.grace_timer->cancel();
    if (worker.sweep_timer != nullptr) worker.sweep_timer->cancel();
  }
}

// Arms the worker's deadline sweep if it is not armed (server_sweep.cpp). On the worker's thread.
void ensure_sweep(Worker& worker);
// At the connection cap: closes the oldest connection of worker that waits for a request with nothing
// received (sessions are listed in the order they were accepted). On the worker's thread.
bool evict_oldest_idle(Worker& worker);

}  // namespace cicada::http::server_detail

namespace cicada::http {

struct HttpServer::Impl {
  Impl(ServerOptions o, Router r, ServerObserver* obs)
      : options(std::move(o)), router(std::move(r)), observer(obs) {
    if (options.threads == 0) options.threads = 1;
    if (options.max_connections == 0) options.max_connections = 1;
    // A sweep period of 1/8 of the shortest timeout (between 1 ms and 250 ms) keeps every deadline
    // within 12.5% (or 250 ms) of its setting, at a few wake-ups a second per worker.
    const auto shortest = std::min(options.request_timeout, options.first_request_timeout);
    const auto every = std::clamp<std::chrono::milliseconds>(shortest / 8, std::chrono::milliseconds(1),
                                                             std::chrono::milliseconds(250));
    for (std::size_t i = 0; i < options.threads; ++i) {
      workers.push_back(std::make_unique<server_detail::Worker>(i));
      workers.back()->sweep_every = every;
    }
  }

  void accept_next();

  ServerOptions options;
  Router router;
  ServerObserver* observer;
  // HTTPS only (ServerOptions::tls_cert_file): the certificate and key every TLS connection is made with
  // (server_tls.hpp), loaded once by start(). OpenSSL lets the workers' threads share it.
  server_detail::TlsContext tls;
  std::vector<std::unique_ptr<server_detail::Worker>> workers;
  // The acceptor has its own loop and thread, so a worker busy in a handler never delays new connections
  // (nor the 503s that shed load). Declared after workers: destroyed first.
  boost::asio::io_context accept_ioc{1};
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::optional<boost::asio::steady_timer> accept_backoff;
  // Keeps the acceptor's loop running while it has no accept pending (at the cap, waiting for a worker to
  // make room); stop() releases it, so the accept thread ends whatever the workers still hold.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> accept_guard;
  std::thread accept_thread;
  std::size_t next_worker = 0;
  std::atomic<std::size_t> inflight{0};
  std::atomic<std::size_t> connections{0};  // sessions alive (counted at accept, until destroyed)
  std::atomic<bool> stopping{false};
  bool started = false;
  bool joined = false;
  std::string bound_host;
  std::uint16_t bound_port = 0;
};

}  // namespace cicada::http
