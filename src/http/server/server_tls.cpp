#include "http/server/server_tls.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <memory>
#include <string_view>

#include "base/file_unreadable.hpp"

namespace cicada::http::server_detail {

namespace ssl = boost::asio::ssl;

namespace {

// OpenSSL's own messages for a missing file are "system library" codes; the OS's words say it better.
Result<void> check_readable(const std::string& file, const char* what) {
  if (auto why = file_unreadable(file))
    return make_error(fmt::format("cannot read the TLS {} {}: {}", what, file, *why));
  return {};
}

constexpr std::string_view kH2 = "h2";
constexpr std::string_view kHttp11 = "http/1.1";

// Points out at name in the client's ALPN list (length-prefixed names, RFC 7301 §3.1) when it is there.
bool find_protocol(std::string_view name, const unsigned char* list, unsigned int size,
                   const unsigned char** out, unsigned char* out_size) {
  for (unsigned int at = 0; at < size;) {
    const unsigned int length = list[at];
    if (length == 0 || at + 1 + length > size) return false;  // malformed: OpenSSL refuses it before us
    if (std::string_view(reinterpret_cast<const char*>(list + at + 1), length) == name) {
      *out = list + at + 1;
      *out_size = static_cast<unsigned char>(length);
      return true;
    }
    at += 1 + length;
  }
  return false;
}

// HTTP/2 over TLS 1.2 needs an ephemeral key exchange and an AEAD cipher (RFC 9113 §9.2.2): a client
// that offers nothing else gets http/1.1 rather than an h2 its peers may refuse (INADEQUATE_SECURITY).
// OpenSSL has chosen the cipher when it asks for the protocol.
bool cipher_allows_h2(const SSL* ssl) {
  if (SSL_version(ssl) >= TLS1_3_VERSION) return true;
  const SSL_CIPHER* cipher = SSL_get_pending_cipher(ssl);
  if (cipher == nullptr) return false;
  const int kx = SSL_CIPHER_get_kx_nid(cipher);
  return SSL_CIPHER_is_aead(cipher) == 1 && (kx == NID_kx_ecdhe || kx == NID_kx_dhe);
}

template <bool kOfferH2>
int select_protocol(SSL* ssl, const unsigned char** out, unsigned char* out_size, const unsigned char* list,
                    unsigned int size, void*) {
  if (kOfferH2 && cipher_allows_h2(ssl) && find_protocol(kH2, list, size, out, out_size))
    return SSL_TLSEXT_ERR_OK;
  if (find_protocol(kHttp11, list, size, out, out_size)) return SSL_TLSEXT_ERR_OK;
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

bool negotiated_h2(ssl_st* connection) {
  const unsigned char* chosen = nullptr;
  unsigned int size = 0;
  SSL_get0_alpn_selected(connection, &chosen, &size);
  return chosen != nullptr && std::string_view(reinterpret_cast<const char*>(chosen), size) == kH2;
}

void TlsContextDelete::operator()(ssl::context* context) const { delete context; }

Result<TlsContext> load_server_tls(const std::string& cert_file, const std::string& key_file, bool offer_h2) {
  if (cert_file.empty() || key_file.empty())
    return make_error("HTTPS needs both a certificate and its private key (--tls-cert and --tls-key)");
  if (auto r = check_readable(cert_file, "certificate"); !r) return r.error();
  if (auto r = check_readable(key_file, "private key"); !r) return r.error();
  TlsContext context(new ssl::context(ssl::context::tls_server));
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  // A client asking for TLS 1.2 renegotiations over and over would make the worker redo handshakes.
  SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION);
  // The server's order of cipher suites, not the client's. TLS 1.2: OpenSSL's default order, forward-secret
  // AEAD suites first, since HTTP/2 forbids the older ones (RFC 9113 §9.2.2) that a client may list first (a
  // client offering only those gets one of them, and HTTP/1.1: select_protocol). TLS 1.3: AES-128-GCM first,
  // the cheapest per byte with AES-NI, unless the client puts ChaCha20 first (a CPU without AES
  // instructions).
  SSL_CTX_set_options(context->native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA);
  SSL_CTX_set_ciphersuites(context->native_handle(),
                           "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
  SSL_CTX_set_alpn_select_cb(context->native_handle(),
                             offer_h2 ? select_protocol<true> : select_protocol<false>, nullptr);
  // A key protected by a passphrase fails to load instead: a server must not stop to ask on a terminal.
  // The callback notes that it was asked, so the message can say why the key did not load.
  auto asked_passphrase = std::make_shared<bool>(false);
  context->set_password_callback([asked_passphrase](std::size_t, ssl::context::password_purpose) {
    *asked_passphrase = true;
    return std::string();
  });
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return make_error(
        fmt::format("cannot use {} as the TLS certificate (a PEM certificate, its chain after it): {}",
                    cert_file, ec.message()));
  }
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  // OpenSSL checks the key against the certificate as it loads it: "key values mismatch" says it plainly.
  const auto code = static_cast<unsigned long>(ec.value());
  if (ec && ec.category() == boost::asio::error::get_ssl_category() && ERR_GET_LIB(code) == ERR_LIB_X509 &&
      ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH)
    return make_error(
        fmt::format("the TLS private key {} is not the key of the certificate {}", key_file, cert_file));
  if (ec && *asked_passphrase) {
    return make_error(
        fmt::format("the TLS private key {} is protected by a passphrase, which a server cannot "
                    "ask for: decrypt it first (openssl pkey -in {} -out PLAIN.key)",
                    key_file, key_file));
  }
  if (ec) {
    return make_error(fmt::format("cannot use {} as the TLS private key (a PEM key without a passphrase): {}",
                                  key_file, ec.message()));
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1)
    return make_error(
        fmt::format("the TLS private key {} is not the key of the certificate {}", key_file, cert_file));
  return context;
}

}  // namespace cicada::http::server_detail
