// The web UI's password check (src/webui/basic_auth): the Authorization header any client sends, and the
// --web-auth credentials it must carry (the input's pieces before and after its first NUL).
#include <optional>
#include <string>

#include "base/ascii.hpp"
#include "fuzz_support.hpp"
#include "webui/basic_auth.hpp"

namespace {

// Strict RFC 4648 base64, written here so the check does not trust the OpenSSL calls the product makes:
// whole quads, '=' only as the last one or two characters, and the bits the padding drops all zero.
std::optional<std::string> base64_decode(std::string_view s) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (s.size() % 4 != 0) return std::nullopt;
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  int pad = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=') {
      if (i + 2 < s.size()) return std::nullopt;
      ++pad;
      continue;
    }
    const auto v = kAlphabet.find(s[i]);
    if (pad > 0 || v == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out += static_cast<char>(bits >> nbits);
      bits &= (1u << nbits) - 1;
    }
  }
  if (bits != 0 || nbits != 2 * pad) return std::nullopt;
  return out;
}

// The credentials a header carries: the scheme "Basic" in any case, spaces, then base64.
std::optional<std::string> carried(std::string_view header) {
  if (!cicada::starts_with_nocase(header, "Basic ")) return std::nullopt;
  header.remove_prefix(6);
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  return base64_decode(header);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cicada::fuzz::require;
  using namespace cicada::webui;
  const std::string_view text = cicada::fuzz::as_text(data, size);
  const auto nul = text.find('\0');
  const std::string_view sent = text.substr(0, nul);
  const std::string_view credentials =
      nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);

  const std::string expected = basic_auth_header(credentials);
  require(expected.starts_with("Basic ") && carried(expected) == std::string(credentials),
          "the header is \"Basic \" and the credentials in canonical base64");
  require(authorization_matches(expected, expected), "the credentials' own header passes");
  const std::string token = expected.substr(6);
  for (const char* scheme : {"basic ", "BASIC ", "bAsIc   "}) {
    require(authorization_matches(scheme + token, expected), "the scheme's case and spaces do not matter");
  }

  const bool matches = authorization_matches(sent, expected);
  require(!matches || carried(sent) == std::string(credentials),
          "a header that passes carries the credentials");
  require(authorization_matches(basic_auth_header(sent), expected) == (sent == credentials),
          "another string's header is refused");
  std::string near(credentials);
  if (near.empty()) {
    near = ":";
  } else {
    near[near.size() / 2] ^= 1;
  }
  require(!authorization_matches(basic_auth_header(near), expected), "credentials one bit off are refused");
  require(!authorization_matches(basic_auth_header(std::string(credentials) + ":"), expected),
          "credentials with more after them are refused");
  require(!authorization_matches("", expected) && !authorization_matches("Basic", expected),
          "no credentials never pass");
  return 0;
}
