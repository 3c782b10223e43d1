#include "http/client/url.hpp"

#include <charconv>

#include "base/ascii.hpp"

namespace cicada::http {
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
  if (host.empty()) return false;
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
