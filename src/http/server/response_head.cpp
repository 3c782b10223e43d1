#include "http/server/response_head.hpp"

#include <charconv>

namespace cicada::http {
namespace {

void append_number(std::string& out, std::size_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  (void)ec;  // 24 digits hold any std::size_t
  out.append(digits, static_cast<std::size_t>(end - digits));
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

}  // namespace

void append_response_head(std::string& out, const ResponseHead& head) {
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::size_t>(head.status));
  out += ' ';
  out += head.reason;
  out += "\r\n";
  append_field(out, "Server", head.server);
  append_field(out, "Content-Type", head.content_type);
  if (head.headers != nullptr) {
    for (const auto& [name, value] : *head.headers) append_field(out, name, value);
  }
  if (head.content_length) {
    out += "Content-Length: ";
    append_number(out, *head.content_length);
    out += "\r\n";
  }
  if (!head.keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
}

}  // namespace cicada::http
