#include "http/client/request_writer.hpp"

namespace cicada::http {

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
