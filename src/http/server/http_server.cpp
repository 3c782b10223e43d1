// The Beast/Asio half of HttpServer: accepting connections, starting, stopping and joining the workers.
// A connection's own work is Session's (server_session.hpp), the deadline sweep server_sweep.cpp's.
#include "http/server/http_server.hpp"

// g++ 12 at -O2 reports a "potential null pointer dereference" inside Asio's scheduler once it is inlined
// here (boost/asio/detail/impl/scheduler.ipp:325, a false positive). The check is middle-end, so it cannot
// be scoped to the includes; it is off for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "base/fd_limit.hpp"
#include "http/server/server_session.hpp"
#include "http/server/server_tls.hpp"

namespace cicada::http {

using server_detail::Session;
using server_detail::Socket;
using server_detail::Worker;
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using TlsSession = server_detail::BasicSession<asio::ssl::stream<Socket>>;

namespace {

// Accepts one connection into session (plain or TLS) and hands it to its worker, then accepts the next.
template <class SessionType>
void accept_into(HttpServer::Impl& s, Worker& target, std::shared_ptr<SessionType> session) {
  Socket& socket = session->socket();
  s.acceptor->async_accept(socket, [&s, &target, session = std::move(session)](beast::error_code ec) mutable {
    if (s.stopping.load() || ec == asio::error::operation_aborted) return;
    if (!ec) {
      session->accepted();
      if (s.connections.load(std::memory_order_relaxed) <= s.options.max_connections) {
        // Moved, not copied: the last reference must not be this handler's, or a connection the client has
        // already closed would be destroyed here, on the acceptor's thread, touching its worker's list.
        asio::post(target.ioc, [session = std::move(session)] { session->start(); });
        return s.accept_next();
      }
      // Over the cap: the worker makes room (or drops the new connection) before the next accept. Accepting
      // on meanwhile let a burst outrun the evictions: every connection waiting in the worker's queue held
      // a descriptor (EMFILE under a low open-files limit) and 1000 at once left 798 open at a cap of 100.
      // (accept_guard keeps the acceptor's loop running meanwhile.)
      asio::post(target.ioc, [&s, &target, session = std::move(session)]() mutable {
        // Sessions count as gone once destroyed, so one closed since the accept may have made room.
        if (s.connections.load(std::memory_order_relaxed) <= s.options.max_connections ||
            evict_oldest_idle(target))
          session->start();
        session.reset();  // not started: its socket closes here, before the next accept
        asio::post(s.accept_ioc, [&s] {
          if (!s.stopping.load()) s.accept_next();
        });
      });
      return;
    }
    // Out of file descriptors and the like: back off instead of spinning on the error.
    log::warning("accept failed: {}", ec.message());
    s.accept_backoff->expires_after(std::chrono::milliseconds(50));
    s.accept_backoff->async_wait([&s](beast::error_code wait_ec) {
      if (!wait_ec && !s.stopping.load()) s.accept_next();
    });
  });
}

}  // namespace

void HttpServer::Impl::accept_next() {
  Worker& target = *workers[next_worker];
  next_worker = (next_worker + 1) % workers.size();
  // Accepting straight into a socket of the target worker's io_context: it belongs to that loop from birth.
  if (tls) return accept_into(*this, target, std::make_shared<TlsSession>(*this, target, *tls));
  accept_into(*this, target, std::make_shared<Session>(*this, target));
}

HttpServer::HttpServer(ServerOptions options, Router router, ServerObserver* observer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), observer)) {}

HttpServer::~HttpServer() {
  stop();
  wait();
}

Result<void> HttpServer::start() {
  Impl& s = *impl_;
  if (s.started) return make_error("server already started");
  if (!s.options.tls_cert_file.empty() || !s.options.tls_key_file.empty()) {
    auto tls =
        server_detail::load_server_tls(s.options.tls_cert_file, s.options.tls_key_file, s.options.http2);
    if (!tls) return tls.error();
    s.tls = std::move(*tls);
  }
  asio::io_context& ioc0 = s.accept_ioc;
  const std::string where = fmt::format("{}:{}", s.options.host, s.options.port);
  beast::error_code ec;
  tcp::endpoint endpoint;
  auto address = asio::ip::make_address(s.options.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, s.options.port);
  } else {
    tcp::resolver resolver(ioc0);
    auto results = resolver.resolve(s.options.host, std::to_string(s.options.port), ec);
    if (ec || results.empty())
      return make_error(fmt::format("cannot resolve host {}: {}", s.options.host, ec.message()));
    endpoint = results.begin()->endpoint();
  }
  // One descriptor per connection, plus a reserve for the loops, the model and logs: the cap must keep
  // accept from ever failing with EMFILE (which would leave new clients waiting in the backlog).
  const std::size_t fd_limit = raise_open_files_limit();
  const std::size_t reserve = 64 + 4 * s.workers.size();
  const std::size_t fits = fd_limit > 2 * reserve ? fd_limit - reserve : fd_limit / 2;
  if (s.options.max_connections > fits) {
    log::info("http server: max connections lowered from {} to {} (open-files limit {})",
              s.options.max_connections, fits, fd_limit);
    s.options.max_connections = fits;
  }
  s.acceptor.emplace(ioc0);
  s.accept_backoff.emplace(ioc0);
  auto fail = [&](const char* step) {
    return make_error(fmt::format("cannot listen on {} ({}): {}", where, step, ec.message()));
  };
  s.acceptor->open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("reuse_address");
  s.acceptor->bind(endpoint, ec);
  if (ec) return fail("bind");
  s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  auto local = s.acceptor->local_endpoint(ec);
  if (ec) return fail("local_endpoint");
  s.bound_host = local.address().to_string();
  s.bound_port = local.port();
  s.started = true;
  s.accept_guard.emplace(s.accept_ioc.get_executor());
  s.accept_next();
  s.accept_thread = std::thread([&s] { s.accept_ioc.run(); });  // ends at stop(): acceptor closed, guard gone
  for (auto& w : s.workers) {
    w->guard.emplace(w->ioc.get_executor());
    Worker* worker = w.get();
    w->thread = std::thread([worker] {
      for (;;) {
        try {
          worker->ioc.run();
          return;
        } catch (const std::exception& e) {  // a handler threw past every guard: log, keep serving
          log::error("http server worker {}: {}", worker->index, e.what());
        }
      }
    });
  }
  return {};
}

const std::string& HttpServer::host() const { return impl_->bound_host; }
std::uint16_t HttpServer::port() const { return impl_->bound_port; }
std::string HttpServer::url() const {
  const std::string& h = impl_->bound_host;
  bool v6 = h.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", impl_->tls ? "https" : "http", v6 ? "[" : "", h, v6 ? "]" : "",
                     impl_->bound_port);
}
std::size_t HttpServer::connections() const { return impl_->connections.load(std::memory_order_relaxed); }
std::size_t HttpServer::inflight() const { return impl_->inflight.load(std::memory_order_relaxed); }
const ServerOptions& HttpServer::options() const { return impl_->options; }
const Router& HttpServer::router() const { return impl_->router; }

void HttpServer::stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true) || !s.started) return;
  asio::post(s.accept_ioc, [&s] {
    beast::error_code ec;
    s.acceptor->close(ec);
    s.accept_backoff->cancel();
    s.accept_guard.reset();
  });
  for (auto& w : s.workers) {
    Worker* worker = w.get();
    std::chrono::milliseconds grace = s.options.shutdown_grace;
    asio::post(worker->ioc, [worker, grace] {
      worker->stopping = true;
      std::vector<server_detail::Connection*> open(worker->sessions.begin(), worker->sessions.end());
      for (server_detail::Connection* session : open) session->shutdown();
      worker->guard.reset();
      if (worker->sessions.empty()) {
        worker->sweep.cancel();  // nothing left to time out: the loop may end now
        return;
      }
      worker->grace.expires_after(grace);
      worker->grace.async_wait([worker](beast::error_code ec) {
        if (!ec) worker->ioc.stop();  // grace over: abandon what is still running
      });
    });
  }
}

void HttpServer::wait() {
  Impl& s = *impl_;
  if (!s.started || s.joined) return;
  if (s.accept_thread.joinable()) s.accept_thread.join();
  for (auto& w : s.workers) {
    if (w->thread.joinable()) w->thread.join();
  }
  s.joined = true;
}

}  // namespace cicada::http
