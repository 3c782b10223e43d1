#include "http/client/request_writer.hpp"

#include <charconv>

#include "base/ascii.hpp"

namespace cicada::http {
namespace {

constexpr std::string_view kUserAgent = "cicada/0.1";

bool in_request_headers(const RequestHead& head, std::string_view name) {
  for (const auto& h : head.headers)
    if (equals_nocase(h.name, name)) return true;
  return false;
}

bool in_list(const HeaderList* list, std::string_view name) {
  if (!list) return false;
  for (const auto& [n, v] : *list)
    if (equals_nocase(n, name)) return true;
  return false;
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

bool given(const RequestHead& head, std::string_view name) {
  return in_request_headers(head, name) || in_list(head.user_defaults, name) ||
         in_list(head.run_defaults, name);
}

}  // namespace

void write_request(std::string& out, const RequestHead& head) {
  out.clear();
  out += head.method;
  out += ' ';
  if (head.target.empty() || head.target.front() == '?') out += '/';
  out += head.target;
  out += " HTTP/1.1\r\nHost: ";
  append_host_header_value(out, *head.origin);
  out += "\r\n";
  if (!given(head, "User-Agent")) append_header(out, "User-Agent", kUserAgent);

  if (head.run_defaults) {
    for (const auto& [n, v] : *head.run_defaults)
      if (!in_request_headers(head, n) && !in_list(head.user_defaults, n)) append_header(out, n, v);
  }
  if (head.user_defaults) {
    for (const auto& [n, v] : *head.user_defaults)
      if (!in_request_headers(head, n)) append_header(out, n, v);
  }
  for (const auto& h : head.headers) append_header(out, h.name, h.value);

  if (head.cookies && !head.cookies->empty() && !given(head, "Cookie")) {
    out += "Cookie: ";
    head.cookies->append_cookie_header_value(out);
    out += "\r\n";
  }
  if (!head.content_type.empty() && !given(head, "Content-Type"))
    append_header(out, "Content-Type", head.content_type);
  // Bodies are always sent with Content-Length; POST/PUT/PATCH without a body say 0 so servers don't wait.
  const bool needs_length =
      !head.body.empty() || head.method == "POST" || head.method == "PUT" || head.method == "PATCH";
  if (needs_length && !given(head, "Content-Length")) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, head.body.size());
    (void)ec;
    out += "Content-Length: ";
    out.append(buf, end);
    out += "\r\n";
  }
  out += "\r\n";
  out += head.body;
}

}  // namespace cicada::http
