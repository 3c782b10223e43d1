#include "support/tls_identity.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>

#include <csignal>
#include <stdexcept>

namespace cicada::testing {
namespace {

class TlsStream final : public ServerStream {
 public:
  TlsStream(SSL* ssl, int fd) : ssl_(ssl), fd_(fd) {}
  ~TlsStream() override { SSL_free(ssl_); }
  long read(char* data, std::size_t size) override {
    const int n = SSL_read(ssl_, data, static_cast<int>(size));
    return n > 0 ? n : (SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1);
  }
  bool write_all(std::string_view data) override {
    while (!data.empty()) {
      const int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  int fd() const override { return fd_; }

 private:
  SSL* ssl_;
  int fd_;
};

// A server TLS context and the handshake on each accepted socket; the identities below only fill ctx_.
class ContextTls : public ServerTls {
 public:
  ~ContextTls() override { SSL_CTX_free(ctx_); }

  std::unique_ptr<ServerStream> accept(int fd) override {
    // OpenSSL writes to the socket with write(2): a client that already left (one that refuses the
    // handshake's outcome, e.g. an HTTP/2 client without ALPN h2) would raise SIGPIPE and end the test
    // binary. Blocked on this connection's thread, the write fails with EPIPE instead.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
      SSL_free(ssl);
      return nullptr;
    }
    return std::make_unique<TlsStream>(ssl, fd);
  }

 protected:
  SSL_CTX* ctx_ = nullptr;
};

// ALPN: "h2" when the client offers it, else no protocol.
int select_h2(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
              unsigned int inlen, void*) {
  for (unsigned int i = 0; i < inlen; i += 1u + in[i]) {
    if (in[i] == 2 && i + 3 <= inlen && in[i + 1] == 'h' && in[i + 2] == '2') {
      *out = in + i + 1;
      *outlen = 2;
      return SSL_TLSEXT_ERR_OK;
    }
  }
  return SSL_TLSEXT_ERR_NOACK;
}

class SelfSignedTls final : public ContextTls {
 public:
  explicit SelfSignedTls(bool h2 = false) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    if (!key || !cert) throw std::runtime_error("SelfSignedTls: key generation failed");
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (!ctx_ || SSL_CTX_use_certificate(ctx_, cert) != 1 || SSL_CTX_use_PrivateKey(ctx_, key) != 1)
      throw std::runtime_error("SelfSignedTls: cannot build the server context");
    if (h2) SSL_CTX_set_alpn_select_cb(ctx_, &select_h2, nullptr);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

// A server identity from PEM files; with a client CA, every client must show a certificate it signed.
class FileTls final : public ContextTls {
 public:
  FileTls(const std::string& cert, const std::string& key, const std::string& client_ca) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (!ctx_ || SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1)
      throw std::runtime_error("FileTls: cannot load " + cert + " / " + key);
    if (!client_ca.empty()) {
      if (SSL_CTX_load_verify_locations(ctx_, client_ca.c_str(), nullptr) != 1)
        throw std::runtime_error("FileTls: cannot load " + client_ca);
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
  }
};

}  // namespace

std::shared_ptr<ServerTls> make_self_signed_tls() { return std::make_shared<SelfSignedTls>(); }
std::shared_ptr<ServerTls> make_self_signed_tls_h2() { return std::make_shared<SelfSignedTls>(true); }

std::shared_ptr<ServerTls> make_tls_from_files(const std::string& cert_pem, const std::string& key_pem,
                                               const std::string& client_ca_pem) {
  return std::make_shared<FileTls>(cert_pem, key_pem, client_ca_pem);
}

}  // namespace cicada::testing
