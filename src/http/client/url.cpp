#include "http/client/url.hpp"

#include <charconv>

#include "base/ascii.hpp"
#include "base/host_url.hpp"

namespace cicada::http {
namespace {

// Bytes that would end the Host header or the request line early: a host with one is refused, not sent.
bool host_is_writable(std::string_view host) {
  for (char c : host)
    if (is_control_char(c) || c == ' ') return false;
  return true;
}

// RFC 3986 section 3.1: "scheme:" starts an absolute URI (a relative path's first segment holds no ':').
bool has_scheme(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || (s.front() >= '0' && s.front() <= '9')) return false;
  for (char c : s.substr(1)) {
    if (c == ':') return true;
    if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

}  // namespace

bool is_absolute_url(std::string_view s) {
  return starts_with_nocase(s, "http://") || starts_with_nocase(s, "https://");
}

bool parse_absolute_url(std::string_view url, Origin& origin, std::string_view& target) {
  std::string_view rest;
  if (starts_with_nocase(url, "http://")) {
    origin.tls = false;
    rest = url.substr(7);
  } else if (starts_with_nocase(url, "https://")) {
    origin.tls = true;
    rest = url.substr(8);
  } else {
    return false;
  }
  const auto slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  target = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (target.empty()) target = "/";
  // A target starting with '?' (http://h?x=1) still needs the root path; callers handle it by prefixing '/'.
  if (const auto at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // IPv6 literal
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || !host_is_writable(host)) return false;
  origin.host.assign(host);
  if (port.empty()) {
    origin.port = origin.tls ? 443 : 80;
  } else {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) return false;
    origin.port = static_cast<std::uint16_t>(value);
  }
  return true;
}

bool resolve_location(std::string_view location, std::string& out, Origin& origin, std::string_view& target) {
  if (is_absolute_url(location)) {
    out.assign(location);
    return parse_absolute_url(out, origin, target);
  }
  if (has_scheme(location)) return false;  // ftp:, mailto:...: not ours to follow
  if (location.substr(0, 2) == "//") {     // scheme-relative
    out.assign(origin.tls ? "https:" : "http:");
    out += location;
    return parse_absolute_url(out, origin, target);
  }
  // RFC 3986 section 5.2.2 for a reference without scheme or authority, as urljoin does; dot segments go
  // when the target is requoted (request_target.hpp).
  location = location.substr(0, location.find('#'));
  const std::string_view path = target.substr(0, target.find('?'));
  if (location.empty()) {
    out.assign(target);  // the same resource again
  } else if (location.front() == '/') {
    out.assign(location);
  } else if (location.front() == '?') {
    out.assign(path.empty() ? std::string_view("/") : path);
    out += location;
  } else {  // relative to the current path's directory
    const std::string_view dir = path.substr(0, path.rfind('/') + 1);
    out.assign(dir.empty() ? std::string_view("/") : dir);
    out += location;
  }
  target = out;
  return true;
}

void append_host_header_value(std::string& out, const Origin& origin) {
  const bool ipv6 = origin.host.find(':') != std::string::npos;
  if (ipv6) out += '[';
  out += origin.host;
  if (ipv6) out += ']';
  if (origin.port != (origin.tls ? 443 : 80)) {
    char buf[8];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, origin.port);
    (void)ec;
    out += ':';
    out.append(buf, end);
  }
}

}  // namespace cicada::http
