#include "webui/site_guard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "base/ascii.hpp"

namespace cicada::webui {

namespace {

// host without brackets: a loopback IP address or a localhost name.
bool names_loopback(std::string_view host) {
  if (equals_nocase(host, "localhost") || ends_with_nocase(host, ".localhost")) return true;
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return names_loopback(host);
}

bool host_header_is_loopback(std::string_view host_header) {
  if (host_header.empty()) return true;
  std::string_view host = host_header;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    const std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return names_loopback(host);
}

bool from_another_origin(const http::RequestProvenance& provenance) {
  if (!provenance.fetch_site.empty())
    return !(equals_nocase(provenance.fetch_site, "same-origin") ||
             equals_nocase(provenance.fetch_site, "none"));
  if (provenance.origin.empty()) return false;
  // "scheme://host[:port]": the part after the scheme must be the Host the browser sent with it.
  const auto scheme_end = provenance.origin.find("://");
  if (scheme_end == std::string_view::npos) return true;  // "null" (a sandboxed page, a file) or junk
  return !equals_nocase(provenance.origin.substr(scheme_end + 3), provenance.host);
}

}  // namespace cicada::webui
