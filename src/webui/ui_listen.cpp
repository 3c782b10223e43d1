#include "webui/ui_listen.hpp"

namespace cicada::webui {

http::ServerOptions ui_server_options(const UiListen& listen) {
  http::ServerOptions so;
  so.host = listen.host;
  so.port = listen.port;
  so.threads = 1;
  so.server_name = "cicada-webui";
  so.tls_cert_file = listen.tls_cert;
  so.tls_key_file = listen.tls_key;
  return so;
}

}  // namespace cicada::webui
