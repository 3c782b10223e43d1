#pragma once
// The server's TLS identity (internal to src/http/server): the certificate and private key of
// ServerOptions::tls_cert_file/tls_key_file, loaded into the one OpenSSL context every TLS connection is
// made with. Asio's SSL types stay behind this header and http_server.cpp (they are slow to compile).
#include <memory>
#include <string>

#include "base/result.hpp"

namespace boost::asio::ssl {
class context;
}
struct ssl_st;  // OpenSSL's SSL

namespace cicada::http::server_detail {

// The context is owned through this deleter, defined where Asio's SSL types are complete, so the headers
// that hold one (server_worker.hpp) need not include them.
struct TlsContextDelete {
  void operator()(boost::asio::ssl::context* context) const;
};
using TlsContext = std::unique_ptr<boost::asio::ssl::context, TlsContextDelete>;

// TLS 1.2 and 1.3 only. Fails with a message that names the file and what is wrong with it: unreadable,
// not PEM, a key protected by a passphrase (never asked for on the terminal, as OpenSSL would by
// default), or a key that is not the certificate's.
//
// ALPN (RFC 7301): the server chooses from the client's list by its own preference, "h2" first when
// offer_h2 (ServerOptions::http2), then "http/1.1". A client that offers neither goes on without ALPN and
// is served HTTP/1.1 (refusing it with no_application_protocol would cut off clients that only list other
// names).
Result<TlsContext> load_server_tls(const std::string& cert_file, const std::string& key_file, bool offer_h2);

// The handshake of this connection chose HTTP/2 ("h2").
bool negotiated_h2(ssl_st* connection);

}  // namespace cicada::http::server_detail
