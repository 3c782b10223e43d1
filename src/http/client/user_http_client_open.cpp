// g++ 12 at -O2 reports a false "potential null pointer dereference" in Asio's scheduler
// (scheduler.ipp:325) once inlined; the check runs in the middle end, so it is off for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

// UserHttpClient's connection (the rest of the class: user_http_client.cpp): opening the one a request goes
// over (DNS through the loop's cache, connect, TLS with ALPN), and what a failed operation on it becomes.
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "http/client/user_http_client.hpp"

namespace cicada::http {

namespace asio = boost::asio;
using boost::system::error_code;

Task<TransportError> UserHttpClient::open(const Origin& origin, MonoTime deadline) {
  conn_->close();
  // kill() closed the connection this request was checking or reusing: no new one (request() throws).
  if (kill_armed_) co_return TransportError::kOther;
  const MonoTime connect_deadline = std::min(mono_now() + shared_.config().connect_timeout, deadline);
  const TransportError timeout_kind =
      connect_deadline < deadline ? TransportError::kConnectTimeout : TransportError::kRequestTimeout;
  conn_->arm(connect_deadline);

  const auto* cached = shared_.cached_endpoints(origin.host, origin.port);
  if (!cached) {
    const IoResult r = co_await conn_->resolve(origin.host, origin.port, shared_.resolver());
    if (r.ec || conn_->resolved().empty()) {
      if (conn_->timed_out()) co_return fail(r.ec, timeout_kind);
      conn_->disarm();
      failure().detail.assign(origin.host);
      co_return TransportError::kDnsFailure;
    }
    std::vector<asio::ip::tcp::endpoint> found;
    for (const auto& entry : conn_->resolved()) found.push_back(entry.endpoint());
    shared_.store_endpoints(origin.host, origin.port, std::move(found));
    cached = shared_.cached_endpoints(origin.host, origin.port);
  }
  // Copied: other users of this thread may refresh the shared cache while we wait.
  endpoints_.assign(cached->begin(), cached->end());

  error_code connect_error = asio::error::host_not_found;
  for (const auto& endpoint : endpoints_) {
    const IoResult r = co_await conn_->connect(endpoint);
    connect_error = r.ec;
    if (!r.ec || conn_->timed_out()) break;
  }
  if (connect_error) co_return fail(connect_error, timeout_kind);
  conn_->set_no_delay();

  if (origin.tls) {
    conn_->set_offer_h2(shared_.config().http2);
    const IoResult r =
        co_await conn_->handshake(shared_.tls_context(), origin.host, shared_.config().tls_verify);
    if (r.ec) {
      if (conn_->timed_out()) co_return fail(r.ec, timeout_kind);
      conn_->disarm();
      const std::string_view refused = conn_->verify_failure();
      if (!refused.empty()) {
        failure().detail.assign("certificate verify failed: ");
        failure().detail += refused;
        failure().detail += " (";
        failure().detail += origin.host;
        failure().detail += "); pass --insecure to skip verification";
      } else {
        failure().detail.assign("TLS handshake failed: ");
        failure().detail += r.ec.message();
        if (shared_.config().http2) failure().detail += " (ALPN offered h2 only: --http2)";
      }
      conn_->close();
      co_return TransportError::kTlsHandshake;
    }
    if (shared_.config().http2 && conn_->alpn() != "h2") {
      // Never a silent HTTP/1.1: the run asked for HTTP/2 and this server does not speak it over TLS.
      failure().detail.assign("the server did not choose HTTP/2 in the TLS handshake (ALPN: ");
      failure().detail += conn_->alpn().empty() ? std::string_view("no protocol chosen") : conn_->alpn();
      failure().detail += "); run without --http2 for this host";
      conn_->disarm();
      conn_->close();
      co_return TransportError::kProtocolError;
    }
  }
  conn_->set_origin(origin);
  ++connections_opened_;
  co_return TransportError::kNone;
}

TransportError UserHttpClient::fail(const error_code& ec, TransportError timeout_kind) {
  const bool timed_out = conn_->timed_out();
  conn_->disarm();
  conn_->close();
  if (timed_out) return timeout_kind;
  if (ec == asio::error::connection_refused) return TransportError::kConnectionRefused;
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
    return TransportError::kConnectionReset;
  if (ec == asio::error::eof) return TransportError::kClosedBeforeResponse;
  if (ec.category() == asio::error::get_ssl_category()) {
    failure().detail.assign("TLS error: ");
    failure().detail += ec.message();
    return TransportError::kTlsHandshake;
  }
  failure().detail.assign(ec.message());
  return TransportError::kOther;
}

}  // namespace cicada::http
