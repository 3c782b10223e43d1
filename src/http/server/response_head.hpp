#pragma once
// The head of an HTTP/1.1 response, written into one buffer with its body so a response leaves in one
// send (issue 19: Beast's serializer walked a chain of buffer views per response and cost more CPU than
// the head is worth). No Beast here; the reason phrase comes from the caller.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::http {

struct ResponseHead {
  int status = 200;
  std::string_view reason;  // "OK"
  std::string_view server;  // Server header
  std::string_view content_type;
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;  // extra headers, may be null
  std::optional<std::size_t> content_length;  // none: the body ends when the connection does (a stream)
  bool keep_alive = true;                     // false: Connection: close
};

// Appends "HTTP/1.1 STATUS REASON", Server, Content-Type, the extra headers in order, Content-Length (when
// given), Connection: close (unless keep-alive) and the blank line to out. Allocates only when out must grow.
void append_response_head(std::string& out, const ResponseHead& head);

}  // namespace cicada::http
