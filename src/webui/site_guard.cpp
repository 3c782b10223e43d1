#include "webui/site_guard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "base/ascii.hpp"

namespace cicada::webui {

namespace {

bool in_127(const void* ipv4_network_order) {
  std::uint32_t a = 0;
  std::memcpy(&a, ipv4_network_order, sizeof a);
  return (ntohl(a) >> 24) == 127;
}

// host without brackets: a loopback IP address (::ffff:127.x too) or a localhost name ("localhost." is
// the same name, fully qualified; no one can register either).
bool names_loopback(std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);
  if (equals_nocase(host, "localhost") || ends_with_nocase(host, ".localhost")) return true;
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return in_127(&v4.s_addr);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && in_127(&v6.s6_addr[12]));
}

// The "host[:port]" of an absolute URL ("scheme://host[:port][/path...]"), or nullopt when url is not one.
std::optional<std::string_view> url_authority(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const std::string_view rest = url.substr(scheme_end + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

// A page's "host[:port]" names this server: the Host its request came with, or the X-Forwarded-Host a
// reverse proxy in front set (its first entry). A page cannot add that header to a request for another
// origin without a CORS preflight, which the UI never grants.
bool names_this_server(std::string_view authority, const http::RequestProvenance& provenance) {
  if (equals_nocase(authority, provenance.host)) return true;
  std::string_view forwarded = provenance.forwarded_host.substr(0, provenance.forwarded_host.find(','));
  while (!forwarded.empty() && forwarded.back() == ' ') forwarded.remove_suffix(1);
  return !forwarded.empty() && equals_nocase(authority, forwarded);
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
  // No Sec-Fetch-Site: an older browser, or a URL the browser does not hold trustworthy (plain HTTP to
  // another machine, as with --web-host 0.0.0.0). A POST always carries an Origin; an image or a link
  // carries no Origin but, unless the page forbids it, a Referer.
  for (const std::string_view url : {provenance.origin, provenance.referer}) {
    if (url.empty()) continue;
    const auto authority = url_authority(url);  // "null" (a sandboxed page, a file) or junk: none
    return !authority || !names_this_server(*authority, provenance);
  }
  return false;
}

}  // namespace cicada::webui
