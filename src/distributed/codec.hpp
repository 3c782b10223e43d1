#pragma once
// Message <-> bytes (msgpack), protocol.hpp's structs in the layout docs/protocol.md describes.
// decode() never throws: malformed bytes, a foreign protocol version or an unknown type is an Error.
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "distributed/protocol.hpp"

namespace cicada::distributed {

std::string encode(const Message& message);
Result<Message> decode(std::string_view bytes);

}  // namespace cicada::distributed
