#include "config_file.hpp"

#include <algorithm>
#include <cctype>

namespace cicada::app {
namespace {

std::string trim(std::string_view s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

bool parse_config_text(std::string_view text, const std::string& path, ConfigSettings& out,
                       std::string& err) {
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (line.empty() || line[0] == '#' || line[0] == ';' || line[0] == '[') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      err =
          path + ":" + std::to_string(number) + ": expected 'key = value', got '" + line.substr(0, 200) + "'";
      return false;
    }
    std::string key = trim(std::string_view(line).substr(0, eq));
    std::replace(key.begin(), key.end(), '_', '-');
    out[key] = {trim(std::string_view(line).substr(eq + 1)), number};
  }
  return true;
}

}  // namespace cicada::app
