#pragma once
// Serializing one HTTP/1.1 request into a reused buffer, so the client sends it with a single write.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cicada/http_client.hpp"
#include "http/client/cookie_jar.hpp"
#include "http/client/url.hpp"

namespace cicada::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RequestHead {
  std::string_view method;
  std::string_view target;  // path and query; "?a=1" becomes "/?a=1"
  const Origin* origin = nullptr;
  std::string_view body;
  std::string_view content_type;
  std::span<const Header> headers;            // this request only; wins over defaults of the same name
  const HeaderList* run_defaults = nullptr;   // ClientConfig::default_headers
  const HeaderList* user_defaults = nullptr;  // HttpClient::set_default_header; wins over run defaults
  const CookieJar* cookies = nullptr;
};

// Clears `out` and writes the request line, Host, User-Agent (unless given), the headers, Cookie,
// Content-Type/Content-Length and the body.
void write_request(std::string& out, const RequestHead& head);

}  // namespace cicada::http
