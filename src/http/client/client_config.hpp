#pragma once
// ClientConfig: how every user's HTTP client of a run behaves. Set once by the runner from the options.
#include <chrono>
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
  // Redirect hops followed per request before it fails with TooManyRedirects.
  int max_redirects = 10;
  // Off by default: load tests mostly hit staging hosts with self-signed certificates, and Locust users
  // typically pass verify=False for the same reason. Turn it on to check the chain and the host name.
  bool tls_verify = false;
  // Sent with every request of every user (before the user's own default headers).
  std::vector<std::pair<std::string, std::string>> default_headers;
  // How streamed responses count tokens (http/client/event_stream.hpp): one per event by default.
  TokenCounting stream_tokens;
};

}  // namespace cicada::http
