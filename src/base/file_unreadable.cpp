#include "base/file_unreadable.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace cicada {

std::optional<std::string> file_unreadable(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return "it is a directory";
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string(std::strerror(errno));
  return std::nullopt;
}

}  // namespace cicada
