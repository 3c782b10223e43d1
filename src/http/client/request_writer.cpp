#include "http/client/request_writer.hpp"

namespace cicada::http {
namespace {

// python-requests' rule (utils.check_header_validity): no leading whitespace, no CR or LF; NUL too, which
// RFC 9110 section 5.5 forbids.
bool value_is_writable(std::string_view value) {
  if (!value.empty() && (value.front() == ' ' || value.front() == '\t')) return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

TransportError header_problem(std::string_view name, std::string_view value, std::string* why) {
  TransportError e = TransportError::kNone;
  std::string_view culprit;
  if (!is_token(name)) {
    e = TransportError::kInvalidHeaderName;
    culprit = name;
  } else if (!value_is_writable(value)) {
    e = TransportError::kInvalidHeaderValue;
    culprit = value;
  }
  if (e != TransportError::kNone && why) why->assign(culprit);
  return e;
}

}  // namespace

TransportError request_head_problem(const RequestHead& head, std::string* why) {
  if (!is_token(head.method)) {
    if (why) why->assign(head.method);
    return TransportError::kInvalidMethod;
  }
  for (const auto& h : head.headers)
    if (auto e = header_problem(h.name, h.value, why); e != TransportError::kNone) return e;
  for (const HeaderList* list : {head.user_defaults, head.run_defaults}) {
    if (!list) continue;
    for (const auto& [n, v] : *list)
      if (auto e = header_problem(n, v, why); e != TransportError::kNone) return e;
  }
  return header_problem("Content-Type", head.content_type, why);
}

void write_request(std::string& out, const RequestHead& head) {
  out.clear();
  out += head.method;
  out += ' ';
  if (head.target.empty() || head.target.front() == '?') out += '/';
  out += head.target;
  out += " HTTP/1.1\r\nHost: ";
  append_host_header_value(out, *head.origin);
  out += "\r\n";
  for_each_request_header(
      head,
      [&out](std::string_view name, std::string_view value) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
      },
      [&out, &head](char kind) {
        if (kind == 'c') {
          out += "Cookie: ";
          head.cookies->append_cookie_header_value(out);
        } else {
          out += "Content-Length: ";
          append_content_length(out, head);
        }
        out += "\r\n";
      });
  out += "\r\n";
  out += head.body;
}

}  // namespace cicada::http
