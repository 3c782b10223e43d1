// The distributed protocol's messages (src/distributed/codec): bytes from the network decode to a
// message or an error, never a crash; what decodes re-encodes to bytes that decode to the same encoding.
#include <string>

#include "distributed/codec.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cicada::fuzz::require;
  auto decoded = cicada::distributed::decode(cicada::fuzz::as_text(data, size));
  if (!decoded) {
    require(!decoded.error().message.empty(), "an error says what is wrong");
    return 0;
  }
  std::string once = cicada::distributed::encode(*decoded);
  auto again = cicada::distributed::decode(once);
  require(again.ok(), "an encoded message decodes");
  require(cicada::distributed::encode(*again) == once, "encoding is stable");
  return 0;
}
