#pragma once
// ClientSettings: one user type's HTTP client settings over the run's (--connect-timeout,
// --request-timeout, --max-redirects, --insecure, --ca-bundle, --client-cert/--client-key,
// --max-body-size, --http2). Each setting left unset keeps the run's value; a request's own RequestOptions
// (timeout, follow_redirects) override both. YAML: a `client:` block at the top or in a user type.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace cicada {

struct ClientSettings {
  std::optional<std::chrono::milliseconds> connect_timeout;
  std::optional<std::chrono::milliseconds> request_timeout;
  std::optional<int> max_redirects;
  std::optional<bool> verify_tls;  // false: --insecure for this type's users only
  std::optional<std::string> ca_bundle;
  std::optional<std::string> client_cert;
  std::optional<std::string> client_key;
  std::optional<std::size_t> max_body_bytes;
  std::optional<bool> http2;  // true: this type's users speak HTTP/2 (TLS ALPN "h2", or h2c on http://)

  bool empty() const {
    return !connect_timeout && !request_timeout && !max_redirects && !verify_tls && !ca_bundle &&
           !client_cert && !client_key && !max_body_bytes && !http2;
  }
  // These settings with every one that `over` sets replaced by its value (a user type's over the
  // scenario's).
  ClientSettings overridden_by(const ClientSettings& over) const {
    ClientSettings out = *this;
    if (over.connect_timeout) out.connect_timeout = over.connect_timeout;
    if (over.request_timeout) out.request_timeout = over.request_timeout;
    if (over.max_redirects) out.max_redirects = over.max_redirects;
    if (over.verify_tls) out.verify_tls = over.verify_tls;
    if (over.ca_bundle) out.ca_bundle = over.ca_bundle;
    if (over.client_cert) out.client_cert = over.client_cert;
    if (over.client_key) out.client_key = over.client_key;
    if (over.max_body_bytes) out.max_body_bytes = over.max_body_bytes;
    if (over.http2) out.http2 = over.http2;
    return out;
  }
};

}  // namespace cicada
