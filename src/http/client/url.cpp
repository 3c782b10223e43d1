#include "http/client/url.hpp"

#include <charconv>

#include "base/ascii.hpp"

namespace cicada::http {
namespace {

constexpr bool is_alnum(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

constexpr bool is_unreserved(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// What requote_uri's quote() leaves as it is, '%' aside: unreserved and "!#$&'()*+,/:;=?@[]".
constexpr bool kept_as_is(char c) {
  return is_unreserved(c) || std::string_view("!#$&'()*+,/:;=?@[]").find(c) != std::string_view::npos;
}

constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

void append_escaped(std::string& out, char c) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  const auto b = static_cast<unsigned char>(c);
  out += '%';
  out += kHex[b >> 4];
  out += kHex[b & 15];
}

// Bytes that would end the Host header or the request line early: a host with one is refused, not sent.
bool host_is_writable(std::string_view host) {
  for (char c : host)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
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
  if (!location.empty() && location.front() == '/') {
    out.assign(location);
  } else {  // relative to the current target's directory
    std::string_view base = target.substr(0, target.find('?'));
    base = base.substr(0, base.rfind('/') + 1);
    out.assign(base.empty() ? std::string_view("/") : base);
    out += location;
  }
  target = out;
  return true;
}

std::string_view requote_target(std::string_view target, std::string& buffer) {
  target = target.substr(0, target.find('#'));
  bool plain = true;
  for (char c : target) plain = plain && kept_as_is(c);
  if (plain) return target;
  // requote_uri decodes the escapes of unreserved characters first. Two alphanumerics after a '%' that
  // are not both hex digits make that step fail (InvalidURL), and requests then encodes every '%' instead.
  const auto escape_at = [&](std::size_t i) {
    return target[i] == '%' && i + 2 < target.size() && is_alnum(target[i + 1]) && is_alnum(target[i + 2]);
  };
  bool escapes_valid = true;
  for (std::size_t i = 0; i < target.size(); ++i)
    if (escape_at(i) && (hex_value(target[i + 1]) < 0 || hex_value(target[i + 2]) < 0)) escapes_valid = false;
  buffer.clear();
  for (std::size_t i = 0; i < target.size(); ++i) {
    const char c = target[i];
    if (c != '%') {
      if (kept_as_is(c))
        buffer += c;
      else
        append_escaped(buffer, c);
    } else if (!escapes_valid) {
      buffer += "%25";
    } else if (escape_at(i)) {
      const char decoded = static_cast<char>(hex_value(target[i + 1]) * 16 + hex_value(target[i + 2]));
      if (is_unreserved(decoded))
        buffer += decoded;
      else
        buffer.append(target.substr(i, 3));  // as written, its case kept
      i += 2;
    } else {
      buffer += '%';
    }
  }
  return buffer;
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
