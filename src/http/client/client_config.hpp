#pragma once
// ClientConfig: how every user's HTTP client of a run behaves. Set once by the runner from the options.
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "http/client/event_stream.hpp"

namespace cicada::http {

struct ClientConfig {
  // Relative request paths are resolved against this ("http://127.0.0.1:8080" or "https://host").
  std::string base_url;
  // From the start of a (re)connect, DNS included, to an established (TLS) connection.
  std::chrono::milliseconds connect_timeout{10'000};
  // From when the request was due to the last byte of its response (connect time included).
  std::chrono::milliseconds request_timeout{60'000};
  // Redirect hops followed per request before it fails with TooManyRedirects (0: a redirect fails).
  int max_redirects = 10;
  // On by default, as in Python requests (which Locust's HttpUser uses) and k6: the certificate chain and
  // the host name (or IP address) are checked. --insecure turns it off (one warning line at start).
  bool tls_verify = true;
  // PEM file of CA certificates trusted instead of the system's (--ca-bundle); empty: the system's.
  std::string ca_bundle;
  // Client certificate chain and private key, PEM, for servers that ask for one (mutual TLS).
  std::string client_cert;
  std::string client_key;
  // Response body bytes kept per response for checks (Response::text()); the rest is counted in
  // content_size() but not stored, so large downloads cost no memory (--max-body-size).
  std::size_t max_body_bytes = 1 << 20;
  // HTTP/2 instead of HTTP/1.1 (--http2): https:// URLs over TLS with ALPN "h2" (a server that does not
  // choose it fails the request), http:// as h2c with prior knowledge. One connection per user.
  bool http2 = false;
  // HTTP/1.1 over plain TCP: sends and receives through an io_uring per event loop instead of epoll
  // (--io-uring; reactor/uring_ring.hpp). Falls back to epoll, with one warning, where the kernel refuses.
  bool io_uring = false;
  // Sent with every request of every user (before the user's own default headers).
  std::vector<std::pair<std::string, std::string>> default_headers;
  // How streamed responses count tokens (http/client/event_stream.hpp): one per event by default.
  TokenCounting stream_tokens;
};

}  // namespace cicada::http
