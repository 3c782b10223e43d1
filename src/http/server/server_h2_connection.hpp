#pragma once
// HTTP/2 on the server's socket (internal to src/http/server): the Asio side of an H2ServerSession
// (server_h2_session.hpp). Session (server_session.hpp) reads a connection's first bytes; when they are
// the HTTP/2 client preface, or the TLS handshake chose "h2" by ALPN, it hands the connection to
// serve_h2, and it is served as HTTP/2 from then on, each stream through the same dispatch as HTTP/1.1
// (server_dispatch.hpp).
#include <boost/asio/ssl/stream.hpp>
#include <string_view>

#include "base/clock.hpp"
#include "http/server/server_worker.hpp"

namespace cicada::http::server_detail {

using TlsStream = asio::ssl::stream<Socket>;

// On the worker's thread. received: the bytes read so far (the preface, perhaps more); deadline: the
// first request's, already running. counted: the handing session's "this connection is in
// server.connections" (set at the accept), cleared once the HTTP/2 connection exists and holds that count
// (it is uncounted when the HTTP/2 connection ends; if making it fails, the session still holds it).
// h2c: the socket after the preface was sniffed; TLS: the stream after a handshake that chose "h2".
void serve_h2(HttpServer::Impl& server, Worker& worker, Socket socket, std::string_view received,
              MonoTime deadline, bool& counted);
void serve_h2(HttpServer::Impl& server, Worker& worker, TlsStream stream, std::string_view received,
              MonoTime deadline, bool& counted);

}  // namespace cicada::http::server_detail
