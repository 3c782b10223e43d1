#pragma once
// The checks the server makes on a parsed request head before routing it (RFC 9112), kept free of Beast
// so they can be unit tested and fuzzed on their own:
// - framing: a Transfer-Encoding other than one final "chunked", one next to Content-Length, or one in an
//   HTTP/1.0 request is refused (400, or 501 for a coding we do not implement) and the connection closed,
//   since a body framed one way by us and another way by a proxy is how requests get smuggled (§6.1, §6.3);
// - Host: an HTTP/1.1 request has exactly one (§3.2);
// - the target: origin-form ("/p?q") is the usual; absolute-form ("http://h:1/p?q", §3.2.2) is accepted
//   and routed by its path.
#include <cstddef>
#include <string>
#include <string_view>

namespace cicada::http {

// What the checks need of a request head; views into the parser's buffers.
struct RequestHead {
  unsigned version = 11;       // 10 or 11
  std::string_view target;     // as sent
  std::size_t host_count = 0;  // Host header lines
  std::size_t content_length_count = 0;
  bool has_transfer_encoding = false;
  std::string_view transfer_encoding;  // every Transfer-Encoding line's value, joined by ','
};

struct HeadVerdict {
  int status = 0;           // 0: acceptable; else the status to answer, after which the connection closes
  std::string message;      // why, for the error body
  std::string_view path;    // when acceptable: the path to route ("/predict"), without the query
  std::string_view target;  // when acceptable: the origin-form target ("/predict?x=1")
};

HeadVerdict check_request_head(const RequestHead& head);

// The origin-form part of a target: "/p?q" as is, "http://host:1/p?q" -> "/p?q", "http://host" -> "/".
// Empty when the target is neither form (asterisk "*", authority "host:1", a relative path, another scheme).
std::string_view origin_form(std::string_view target);

}  // namespace cicada::http
