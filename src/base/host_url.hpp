#pragma once
// The schemes a user's host may have: http(s):// for HTTP requests, grpc(s):// for a user that only makes
// gRPC calls (its HTTP requests would fail as bad URLs; a gRPC call reads http(s):// hosts too).
#include <string>
#include <string_view>

namespace cicada {

inline bool is_host_url(std::string_view host) {
  for (std::string_view scheme : {"http://", "https://", "grpc://", "grpcs://"}) {
    if (host.substr(0, scheme.size()) == scheme) return true;
  }
  return false;
}
inline constexpr std::string_view kHostSchemes = "http://, https://, grpc:// or grpcs://";

// ASCII's control characters (C0 and DEL): never part of a host, and never echoed as they are.
constexpr bool is_control_char(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// The host as a message may show it: control characters as '?', so an echoed host (one typed into the web
// form with a CRLF in it) cannot forge a log line.
inline std::string printable_host(std::string_view host) {
  std::string out(host.substr(0, 200));
  for (char& c : out) {
    if (is_control_char(c)) c = '?';
  }
  return out;
}

}  // namespace cicada
