// URLs and request targets the load generator reads from outside (src/http/client/url): a redirect's
// Location from the target, and the paths a scenario builds from data. The whole input is each of: a
// target to requote, an absolute URL, and a Location to follow from https://h:8443/a/b?c.
#include <string>

#include "fuzz_support.hpp"
#include "http/client/url.hpp"

namespace {

using cicada::fuzz::require;

// What requote_target may leave in a target: requests' quote() safe set and '%'.
bool requoted_byte(char c) {
  if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return true;
  return std::string_view("-._~!$&'()*+,/:;=?@[]%").find(c) != std::string_view::npos;
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

  std::string buffer;
  const std::string_view once = requote_target(in, buffer);
  require(once.find('#') == std::string_view::npos, "no fragment is sent");
  for (char c : once) require(requoted_byte(c), "a requoted target holds only safe bytes and '%'");
  // requests' requote_uri is not idempotent when a decoded escape lands right after a lone '%' ("%%41" is
  // "%A", then "%25A"), and cicada requotes once, as requests does; without a '%' it is.
  const std::string kept(once);
  std::string buffer2;
  if (in.find('%') == std::string_view::npos)
    require(requote_target(kept, buffer2) == kept, "requoting a requoted target changes nothing");
  const std::string_view before_fragment = in.substr(0, in.find('#'));
  bool plain = true;
  for (char c : before_fragment) plain = plain && requoted_byte(c) && c != '%';
  if (plain) require(once.data() == in.data(), "a plain target is returned without a copy");

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
  }
  return 0;
}
