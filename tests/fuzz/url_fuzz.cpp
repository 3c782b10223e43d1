// URLs and request targets the load generator reads from outside: a redirect's Location from the target,
// and the paths a scenario builds from data (src/http/client/url, request_target). The whole input is each
// of: a target to requote, an absolute URL, and a Location to follow from https://h:8443/a/b?c.
#include <string>

#include "base/ascii.hpp"
#include "fuzz_support.hpp"
#include "http/client/request_target.hpp"
#include "http/client/url.hpp"

namespace {

using cicada::fuzz::require;

bool unreserved(char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
         std::string_view("-._~").find(c) != std::string_view::npos;
}

// urllib3's PATH_CHARS (and '?' in a query): what a requoted target holds besides its escapes.
bool allowed(char c, bool in_query) {
  return unreserved(c) || std::string_view("!$&'()*+,;=:@/").find(c) != std::string_view::npos ||
         (in_query && c == '?');
}

void check_requoted(std::string_view t) {
  require(!t.empty() && t.front() == '/', "a requoted target starts with '/'");
  require(t.find('#') == std::string_view::npos, "no fragment is sent");
  bool in_query = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '?') in_query = true;
    if (c != '%') {
      require(allowed(c, in_query), "a requoted target holds only urllib3's allowed bytes and escapes");
      continue;
    }
    require(i + 2 < t.size() && cicada::hex_value(t[i + 1]) >= 0 && cicada::hex_value(t[i + 2]) >= 0,
            "every '%' starts an escape");
    require(!(t[i + 1] >= 'a' && t[i + 1] <= 'f') && !(t[i + 2] >= 'a' && t[i + 2] <= 'f'),
            "escapes are in upper case");
    const char decoded = static_cast<char>(cicada::hex_value(t[i + 1]) * 16 + cicada::hex_value(t[i + 2]));
    require(!unreserved(decoded), "no escape of an unreserved character is left");
    i += 2;
  }
}

// A host the request can carry: nothing that ends the Host header or the request line.
bool writable(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  return true;
}

void check_hop(const cicada::http::Origin& origin, std::string_view target) {
  require(!origin.host.empty() && writable(origin.host), "a parsed host is not empty and writable");
  require(origin.port != 0, "a parsed port is not 0");
  require(!target.empty() && (target.front() == '/' || target.front() == '?'),
          "a target starts with '/' or '?'");
  std::string host_header;
  cicada::http::append_host_header_value(host_header, origin);
  require(writable(host_header), "the Host header value is writable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cicada::http;
  const std::string_view in = cicada::fuzz::as_text(data, size);

  TargetBuffers buffers;
  const std::string_view once = requote_target(in, buffers);
  check_requoted(once);
  if (once.data() == in.data())
    require(once == in.substr(0, in.find('#')), "an untouched target is the input");
  // Decoding escapes can make a new dot segment or a new lone '%' ("%2e%2e", "%%41"), as in requests;
  // without a '%' in the input, requoting again changes nothing.
  if (in.find('%') == std::string_view::npos) {
    const std::string kept(once);
    TargetBuffers again;
    require(requote_target(kept, again) == kept, "requoting a requoted target changes nothing");
  }

  Origin origin;
  std::string_view target;
  if (parse_absolute_url(in, origin, target)) check_hop(origin, target);

  Origin hop{true, "h", 8443};
  const std::string current = "/a/b?c";
  std::string_view hop_target = current;
  std::string out;
  if (resolve_location(in, out, hop, hop_target)) {
    check_hop(hop, hop_target);
    const bool in_out =
        hop_target.data() >= out.data() && hop_target.data() + hop_target.size() <= out.data() + out.size();
    require(in_out || hop_target == "/", "the next target lives in the caller's buffer (or is the root)");
    TargetBuffers next;
    check_requoted(requote_target(hop_target, next));
  }
  return 0;
}
