#pragma once
// Sizes as people write them: "1MiB", "512KB", "2000000" (bytes). KB/MB/GB and KiB/MiB/GiB are all
// powers of 1024 here, as a memory budget is; --max-body-size and YAML `max_body_size:` read it.
#include <cstddef>
#include <string_view>

#include "base/result.hpp"

namespace cicada {

Result<std::size_t> parse_byte_size(std::string_view text);

}  // namespace cicada
