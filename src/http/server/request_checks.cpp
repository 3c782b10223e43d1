#include "http/server/request_checks.hpp"

#include "base/ascii.hpp"

namespace cicada::http {
namespace {

// A Transfer-Encoding we can read is exactly one "chunked" (we implement no other coding). Returns 0 or
// the status to refuse with, and the reason.
int check_transfer_encoding(std::string_view value, std::string& message) {
  std::size_t chunked = 0;
  bool last_is_chunked = false;
  std::size_t codings = 0;
  while (true) {
    std::size_t comma = value.find(',');
    // A coding may carry parameters ("gzip;q=1"); its name is what comes before them.
    std::string_view item = trim_blanks(value.substr(0, comma));
    std::string_view name = trim_blanks(item.substr(0, item.find(';')));
    if (!name.empty()) {
      ++codings;
      last_is_chunked = equals_nocase(name, "chunked") && name.size() == item.size();
      if (last_is_chunked) {
        ++chunked;
      } else if (!equals_nocase(name, "chunked")) {
        message = "unsupported Transfer-Encoding: " + std::string(name.substr(0, 64));
        return 501;
      }
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  if (codings == 0) {
    message = "empty Transfer-Encoding";
    return 400;
  }
  if (chunked != 1 || !last_is_chunked || codings != 1) {
    message = "Transfer-Encoding must be a single final \"chunked\"";
    return 400;
  }
  return 0;
}

}  // namespace

std::string_view origin_form(std::string_view target) {
  if (!target.empty() && target.front() == '/') return target;
  if (target == "*") return target;  // OPTIONS *: no route has it, so it is answered 404
  std::size_t scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view scheme = target.substr(0, scheme_end);
  if (!equals_nocase(scheme, "http") && !equals_nocase(scheme, "https")) return {};
  std::string_view rest = target.substr(scheme_end + 3);
  std::size_t path = rest.find_first_of("/?");
  if (path == std::string_view::npos) return "/";
  if (path == 0) return {};          // no authority
  if (rest[path] == '?') return {};  // "http://h?q": a query without a path is not a target we route
  return rest.substr(path);
}

HeadVerdict check_request_head(const RequestHead& head) {
  HeadVerdict v;
  if (head.has_transfer_encoding) {
    if (head.version < 11) {
      v.status = 400;
      v.message = "Transfer-Encoding in an HTTP/1.0 request";
      return v;
    }
    if (head.content_length_count > 0) {
      v.status = 400;
      v.message = "both Transfer-Encoding and Content-Length";
      return v;
    }
    if (int status = check_transfer_encoding(head.transfer_encoding, v.message); status != 0) {
      v.status = status;
      return v;
    }
  }
  if (head.version >= 11 && head.host_count != 1) {
    v.status = 400;
    v.message = head.host_count == 0 ? "missing Host header" : "more than one Host header";
    return v;
  }
  if (head.version < 11 && head.host_count > 1) {
    v.status = 400;
    v.message = "more than one Host header";
    return v;
  }
  v.target = origin_form(head.target);
  if (v.target.empty()) {
    v.status = 400;
    v.message = "request target must be a path (\"/p?q\") or an absolute http URL";
    return v;
  }
  // A fragment stays with the client (RFC 9110 7.1): one on the wire is a malformed target, not a path
  // to look up (it was answered 404).
  if (v.target.find('#') != std::string_view::npos) {
    v.status = 400;
    v.message = "request target must not carry a fragment (\"#...\")";
    return v;
  }
  v.path = v.target.substr(0, v.target.find('?'));
  return v;
}

}  // namespace cicada::http
