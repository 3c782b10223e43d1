#pragma once
// Splitting http(s) URLs into the parts the client needs: where to connect and what to put on the request
// line.
#include <cstdint>
#include <string>
#include <string_view>

namespace cicada::http {

// The origin a connection goes to. Equal origins can share a keep-alive connection.
struct Origin {
  bool tls = false;
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 0;

  bool operator==(const Origin&) const = default;
};

// Parses "http://host[:port][/path?query]" / "https://...". On success fills `origin` and sets `target` to
// the path and query (a view into `url`, "/" when absent). Returns false for anything else.
bool parse_absolute_url(std::string_view url, Origin& origin, std::string_view& target);

// The next hop's origin and target for a redirect's Location, as urljoin resolves it: absolute,
// scheme-relative ("//host/x"), absolute-path ("/x"), a query ("?x": the current path's), relative to the
// current path's directory ("x", "../x"; requote_target removes the dot segments), or empty (the same
// target). A fragment is dropped. `origin` and `target` are
// the current hop's on entry, the next one's after a true return. `out` holds the new URL or target, so it
// must not be the string `target` views. False for a Location with another scheme (ftp:, mailto:) or an
// http(s) URL that does not parse.
bool resolve_location(std::string_view location, std::string& out, Origin& origin, std::string_view& target);

// True when `s` starts with http:// or https:// (case-insensitive).
bool is_absolute_url(std::string_view s);

// The Host header value for an origin: the port is left out when it is the scheme's default.
void append_host_header_value(std::string& out, const Origin& origin);

}  // namespace cicada::http
