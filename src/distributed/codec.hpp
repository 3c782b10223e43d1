#pragma once
// Message <-> bytes (msgpack), protocol.hpp's structs in the layout docs/protocol.md describes.
// decode() never throws: malformed bytes, a foreign protocol version or an unknown type is an Error.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "distributed/protocol.hpp"

namespace cicada::distributed {

std::string encode(const Message& message);
Result<Message> decode(std::string_view bytes);

// Each field of `options` as `start`'s `options` map carries it, in visit_run_options' order: its name
// and its msgpack bytes. Equal bytes reach a worker as equal values, whatever the field's type.
std::vector<std::pair<std::string, std::string>> encode_run_option_fields(const runner::RunOptions& options);

}  // namespace cicada::distributed
