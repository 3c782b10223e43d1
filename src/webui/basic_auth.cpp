#include "webui/basic_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace cicada::webui {

std::string basic_auth_header(std::string_view credentials) {
  std::string encoded(4 * ((credentials.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(credentials.data()),
                                static_cast<int>(credentials.size()));
  encoded.resize(static_cast<std::size_t>(n));
  return "Basic " + encoded;
}

bool authorization_matches(std::string_view sent, std::string_view expected) {
  if (sent.size() != expected.size()) return false;
  return CRYPTO_memcmp(sent.data(), expected.data(), sent.size()) == 0;
}

}  // namespace cicada::webui
