#include "output_paths.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace cicada::app {

namespace {

namespace fs = std::filesystem;

// A file `path` (or, for --csv, files starting with it) can be made: its folder exists and is writable,
// and the path is not a folder itself.
std::optional<std::string> problem_of(const char* flag, const std::string& path, bool is_prefix) {
  if (path.empty()) return std::nullopt;
  const fs::path p(path);
  std::error_code ec;
  if (!is_prefix && fs::is_directory(p, ec))
    return fmt::format("{} {}: is a folder; give a file name", flag, path);
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::exists(folder, ec))
    return fmt::format("{} {}: the folder '{}' does not exist; create it first", flag, path, folder.string());
  if (!fs::is_directory(folder, ec))
    return fmt::format("{} {}: '{}' is not a folder", flag, path, folder.string());
  if (::access(folder.c_str(), W_OK) != 0)
    return fmt::format("{} {}: cannot write in '{}': {}", flag, path, folder.string(), std::strerror(errno));
  return std::nullopt;
}

}  // namespace

std::optional<std::string> output_path_problem(const CliOptions& o) {
  if (auto p = problem_of("--csv", o.csv_prefix, true)) return p;
  if (auto p = problem_of("--json", o.history.json_file, false)) return p;
  if (auto p = problem_of("--junit", o.history.junit_file, false)) return p;
  return problem_of("--html", o.web.html_file, false);
}

}  // namespace cicada::app
