#pragma once
// Where and how a web UI (the test UI, the capacity page) listens: the flags every UI server takes
// (--web-host, --web-port, --web-auth, and Locust's --tls-cert/--tls-key for HTTPS), and the one place
// they become the HTTP server's options.
#include <cstdint>
#include <string>

#include "http/server/http_server.hpp"

namespace cicada::webui {

struct UiListen {
  std::string host = "127.0.0.1";  // --web-host (Locust's default is every interface; ours is loopback)
  std::uint16_t port = 8089;       // --web-port/-P; 0: an ephemeral port (see the UI's url())
  std::string auth;                // --web-auth user:password; empty: no auth
  std::string tls_cert;            // --tls-cert PEM file: serve over HTTPS (with tls_key); empty: HTTP
  std::string tls_key;             // --tls-key PEM file
};

// One event loop (a few browsers and scripts; the cores belong to the engine), the UI's Server header,
// and HTTPS when a certificate and key are given (http_server.hpp says what it checks).
http::ServerOptions ui_server_options(const UiListen& listen);

}  // namespace cicada::webui
