#include "output_paths.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "report/atomic_file.hpp"

namespace cicada::app {

namespace {

namespace fs = std::filesystem;

// A file `path` (or, for --csv, files starting with it) can be made where the report will go
// (report::report_destination: a link's target; a pipe or a device written in place): its folder exists
// and is writable, and the path is not a folder itself; or the pipe or device is writable.
std::optional<std::string> problem_of(const char* flag, const std::string& path, bool is_prefix) {
  if (path.empty()) return std::nullopt;
  std::error_code ec;
  if (!is_prefix && fs::is_directory(fs::path(path), ec))
    return fmt::format("{} {}: is a folder; give a file name", flag, path);
  const auto to = is_prefix ? report::ReportDestination{path, false} : report::report_destination(path);
  if (to.through) {
    if (::access(to.path.c_str(), W_OK) != 0)
      return fmt::format("{} {}: cannot write it: {}", flag, path, std::strerror(errno));
    return std::nullopt;
  }
  const fs::path p(to.path);
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
