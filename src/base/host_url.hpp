#pragma once
// The schemes a user's host may have: http(s):// for HTTP requests, grpc(s):// for a user that only makes
// gRPC calls (its HTTP requests would fail as bad URLs; a gRPC call reads http(s):// hosts too).
#include <string_view>

namespace cicada {

inline bool is_host_url(std::string_view host) {
  for (std::string_view scheme : {"http://", "https://", "grpc://", "grpcs://"}) {
    if (host.substr(0, scheme.size()) == scheme) return true;
  }
  return false;
}
inline constexpr std::string_view kHostSchemes = "http://, https://, grpc:// or grpcs://";

}  // namespace cicada
