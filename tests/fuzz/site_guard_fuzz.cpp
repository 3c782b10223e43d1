// The web UI's guards against other web sites (src/webui/site_guard): a request's Host, Origin,
// Sec-Fetch-Site, Referer and X-Forwarded-Host, each a piece of the input between NUL bytes, all sent by
// whoever connects.
#include <array>
#include <string>

#include "base/ascii.hpp"
#include "fuzz_support.hpp"
#include "webui/site_guard.hpp"

namespace {

// What passes as loopback is a localhost name or an address under 127/8 or ::1, whatever else it says.
bool looks_loopback(std::string_view host) {
  if (host.empty()) return true;
  if (host.front() == '[') return host.starts_with("[") && host.find(']') != std::string_view::npos;
  std::string_view name = host.substr(0, host.find(':'));
  if (name.ends_with('.')) name.remove_suffix(1);  // "localhost." is the same name
  return cicada::equals_nocase(name, "localhost") || cicada::ends_with_nocase(name, ".localhost") ||
         name.starts_with("127.");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cicada;
  std::array<std::string_view, 5> field{};
  std::string_view rest = fuzz::as_text(data, size);
  for (auto& f : field) {
    const auto end = rest.find('\0');
    f = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  http::RequestProvenance p{field[0], field[1], field[2], field[3], field[4]};

  const bool loopback = webui::host_header_is_loopback(p.host);
  fuzz::require(!loopback || looks_loopback(p.host), "a Host that passes names loopback");
  // A --web-host value (the user's own, not a client's): a whole name, or an IPv6 address.
  if (webui::is_loopback_host(p.host)) {
    fuzz::require(ends_with_nocase(p.host, "localhost") || ends_with_nocase(p.host, "localhost.") ||
                      p.host.starts_with("127.") || p.host.starts_with("[") ||
                      p.host.find(':') != std::string_view::npos,
                  "a listen host on loopback");
  }

  const bool foreign = webui::from_another_origin(p);
  if (!p.fetch_site.empty()) {
    fuzz::require(
        foreign != (equals_nocase(p.fetch_site, "same-origin") || equals_nocase(p.fetch_site, "none")),
        "Sec-Fetch-Site decides when sent");
  } else if (p.origin.empty() && p.referer.empty()) {
    fuzz::require(!foreign, "a request without Origin or Referer is not a browser's from another origin");
  }
  // The page's own origin passes, and a page of another host never does.
  if (!p.host.empty() && p.host.find_first_of("/?#,") == std::string_view::npos) {
    const std::string own = "http://" + std::string(p.host);
    fuzz::require(!webui::from_another_origin({p.host, own, "", p.referer, p.forwarded_host}),
                  "the page's own Origin passes");
    const std::string other = "http://x" + std::string(p.host);
    fuzz::require(webui::from_another_origin({p.host, other, "", "", ""}),
                  "another host's Origin is refused");
  }
  return 0;
}
