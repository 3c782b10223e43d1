#include "webui/basic_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <optional>

#include "base/ascii.hpp"

namespace cicada::webui {

namespace {

constexpr std::string_view kScheme = "Basic ";

// The credentials after "Basic" and its spaces (the scheme's case does not matter: RFC 9110 §11.1), or
// nullopt when the value names another scheme.
std::optional<std::string_view> basic_credentials(std::string_view value) {
  if (!starts_with_nocase(value, kScheme)) return std::nullopt;
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  return value;
}

}  // namespace

std::string basic_auth_header(std::string_view credentials) {
  std::string encoded(4 * ((credentials.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(credentials.data()),
                                static_cast<int>(credentials.size()));
  encoded.resize(static_cast<std::size_t>(n));
  return std::string(kScheme) + encoded;
}

bool authorization_matches(std::string_view sent, std::string_view expected) {
  const auto got = basic_credentials(sent);
  const auto want = basic_credentials(expected);
  if (!got || !want || got->size() != want->size()) return false;
  return CRYPTO_memcmp(got->data(), want->data(), got->size()) == 0;
}

}  // namespace cicada::webui
