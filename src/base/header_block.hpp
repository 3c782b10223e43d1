#pragma once
// A header block stored as "name:value\n" lines (how ResponseParser keeps headers and cicada::Response
// owns them): the one lookup both use (cicada::Response::header() calls it through detail::find_header).
#include <cstddef>
#include <string_view>

namespace cicada {

// Finds the next header called `name` (case-insensitive) at or after `pos`; sets `value` (trimmed) and
// moves `pos` past it. False when there is none.
bool next_header_in_block(std::string_view block, std::string_view name, std::size_t& pos,
                          std::string_view& value);

}  // namespace cicada
