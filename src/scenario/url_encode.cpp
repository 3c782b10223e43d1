#include "scenario/url_encode.hpp"

namespace cicada::scenario {

void append_url_encoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
}

std::string append_query(std::string path, const std::vector<std::pair<std::string, std::string>>& params) {
  bool has_query = path.find('?') != std::string::npos;
  for (const auto& [key, value] : params) {
    path.push_back(has_query ? '&' : '?');
    has_query = true;
    append_url_encoded(path, key);
    path.push_back('=');
    append_url_encoded(path, value);
  }
  return path;
}

}  // namespace cicada::scenario
