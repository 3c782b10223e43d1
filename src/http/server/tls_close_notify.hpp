#pragma once
// Ending a server's TLS connection (internal to src/http/server): the close_notify alert that tells the
// client the connection ended rather than was cut (RFC 8446 §6.1).
#include <openssl/ssl.h>

#include <utility>

namespace cicada::http::server_detail {

// Writes a close_notify on `stream` (an Asio TLS stream with no read pending: its shutdown must not run
// beside one) and calls handler(error_code) once it is written. OpenSSL's SSL_shutdown, which Asio's
// async_shutdown runs, would go on to read until the client's own close_notify came, so a client that
// never sends one held the connection for the whole closing grace; RFC 8446 §6.1 lets the closer not
// wait for it. Marking the client's close_notify as already received makes the shutdown this one write;
// what the client still sends is the caller's to drain or drop.
template <class TlsStream, class Handler>
void async_close_notify(TlsStream& stream, Handler&& handler) {
  SSL* ssl = stream.native_handle();
  SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_RECEIVED_SHUTDOWN);
  stream.async_shutdown(std::forward<Handler>(handler));
}

}  // namespace cicada::http::server_detail
