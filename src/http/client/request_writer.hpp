#pragma once
// The headers of one request, decided once for both protocols: write_request serializes an HTTP/1.1
// request into a reused buffer (sent with a single write); the HTTP/2 session (http2_session.hpp) takes
// the same headers through for_each_request_header.
#include <charconv>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ascii.hpp"
#include "cicada/http_client.hpp"
#include "http/client/cookie_jar.hpp"
#include "http/client/failure_text.hpp"
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

inline constexpr std::string_view kUserAgent = "cicada/0.1";

namespace request_headers {

inline bool in_request_headers(const RequestHead& head, std::string_view name) {
  for (const auto& h : head.headers)
    if (equals_nocase(h.name, name)) return true;
  return false;
}

inline bool in_list(const HeaderList* list, std::string_view name) {
  if (!list) return false;
  for (const auto& [n, v] : *list)
    if (equals_nocase(n, name)) return true;
  return false;
}

inline bool given(const RequestHead& head, std::string_view name) {
  return in_request_headers(head, name) || in_list(head.user_defaults, name) ||
         in_list(head.run_defaults, name);
}

}  // namespace request_headers

// Calls header(name, value) for every header of the request after Host, in order: User-Agent (unless
// given), the run's defaults, the user's defaults, the request's own (each wins over the ones before),
// then Cookie (the jar, unless given) as special('c'), Content-Type, and Content-Length as special('l')
// (bodies are always sent with one; POST/PUT/PATCH without a body say 0 so servers don't wait): special
// headers have values built in place by the caller (the cookie jar, append_content_length).
template <class HeaderFn, class SpecialFn>
void for_each_request_header(const RequestHead& head, HeaderFn&& header, SpecialFn&& special) {
  using request_headers::given;
  using request_headers::in_list;
  using request_headers::in_request_headers;
  if (!given(head, "User-Agent")) header(std::string_view("User-Agent"), kUserAgent);
  if (head.run_defaults) {
    for (const auto& [n, v] : *head.run_defaults)
      if (!in_request_headers(head, n) && !in_list(head.user_defaults, n))
        header(std::string_view(n), std::string_view(v));
  }
  if (head.user_defaults) {
    for (const auto& [n, v] : *head.user_defaults)
      if (!in_request_headers(head, n)) header(std::string_view(n), std::string_view(v));
  }
  for (const auto& h : head.headers) header(std::string_view(h.name), std::string_view(h.value));
  if (head.cookies && !head.cookies->empty() && !given(head, "Cookie")) special('c');
  if (!head.content_type.empty() && !given(head, "Content-Type"))
    header(std::string_view("Content-Type"), head.content_type);
  const bool needs_length =
      !head.body.empty() || head.method == "POST" || head.method == "PUT" || head.method == "PATCH";
  if (needs_length && !given(head, "Content-Length")) special('l');
}

// Appends the decimal Content-Length of the head's body.
inline void append_content_length(std::string& out, const RequestHead& head) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, head.body.size());
  (void)ec;
  out.append(buf, end);
}

// Whether the head can be written as asked: kNone, or kInvalidMethod for a method that is not a token,
// kInvalidHeaderName for a header name that is not one, kInvalidHeaderValue for a value (Content-Type's
// too) with a CR, LF or NUL (it would end the header early and start another the scenario never wrote) or
// leading whitespace (python-requests refuses those values too). `why`, when given, gets the offending
// method, name or value. A bad default header fails every request, even one whose own header of that name
// would have replaced it.
TransportError request_head_problem(const RequestHead& head, std::string* why = nullptr);

// Clears `out` and writes the request line, Host, the headers above and the body.
void write_request(std::string& out, const RequestHead& head);

}  // namespace cicada::http
