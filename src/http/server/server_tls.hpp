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
Result<TlsContext> load_server_tls(const std::string& cert_file, const std::string& key_file);

}  // namespace cicada::http::server_detail
