#include "base/header_block.hpp"

#include "base/ascii.hpp"
#include "cicada/response.hpp"

namespace cicada {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool next_header_in_block(std::string_view block, std::string_view name, std::size_t& pos,
                          std::string_view& value) {
  while (pos < block.size()) {
    auto end = block.find('\n', pos);
    if (end == std::string_view::npos) end = block.size();
    const std::string_view line = block.substr(pos, end - pos);
    pos = end + 1;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (equals_nocase(line.substr(0, colon), name)) {
      value = trim(line.substr(colon + 1));
      return true;
    }
  }
  return false;
}

namespace detail {
std::optional<std::string_view> find_header(std::string_view block, std::string_view name) {
  std::size_t pos = 0;
  std::string_view value;
  if (next_header_in_block(block, name, pos, value)) return value;
  return std::nullopt;
}
}  // namespace detail

}  // namespace cicada
