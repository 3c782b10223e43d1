#include "base/byte_size.hpp"

// Messages via fmt::format: GCC 12 at -O3 takes "literal" + std::string(...) for an overlapping memcpy
// (-Wrestrict, a known false positive), and the plain Release build treats warnings as errors.
#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

#include "base/ascii.hpp"

namespace cicada {

Result<std::size_t> parse_byte_size(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data())
    return make_error(fmt::format("'{}' is not a size (e.g. 1MiB, 512KB, 100000)", text));
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  std::uint64_t scale = 1;
  if (unit.empty() || equals_nocase(unit, "b")) {
    scale = 1;
  } else if (equals_nocase(unit, "k") || equals_nocase(unit, "kb") || equals_nocase(unit, "kib")) {
    scale = 1ull << 10;
  } else if (equals_nocase(unit, "m") || equals_nocase(unit, "mb") || equals_nocase(unit, "mib")) {
    scale = 1ull << 20;
  } else if (equals_nocase(unit, "g") || equals_nocase(unit, "gb") || equals_nocase(unit, "gib")) {
    scale = 1ull << 30;
  } else {
    return make_error(fmt::format("'{}': unknown unit '{}' (B, KB, MB, GB)", text, unit));
  }
  if (value > std::numeric_limits<std::uint64_t>::max() / scale)
    return make_error(fmt::format("'{}' is too large", text));
  return static_cast<std::size_t>(value * scale);
}

}  // namespace cicada
