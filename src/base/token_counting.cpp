#include "base/token_counting.hpp"

namespace cicada {

Result<TokenCounting> TokenCounting::parse(std::string_view text) {
  if (text == "event") return TokenCounting{};
  if (!text.starts_with("json:") || text.size() == 5)
    return make_error(
        "token counting must be \"event\" or \"json:/json/pointer\" (e.g. json:/choices/0/delta/content)");
  std::string_view path = text.substr(5);
  TokenCounting out;
  if (path.front() == '/') {
    out.json_pointer = path;
  } else {
    for (char c : path) out.json_pointer += c == '.' ? '/' : c;
    out.json_pointer.insert(out.json_pointer.begin(), '/');
  }
  return out;
}

}  // namespace cicada
