#include "report/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace cicada::report {

namespace fs = std::filesystem;

namespace {

// A failed write must not leave its temporary file behind: a disk already full would keep the bytes of
// a half-written report, and a reader listing the folder would find a file nobody finishes.
Result<void> give_up(const std::string& tmp, std::string message) {
  std::error_code ignored;
  fs::remove(tmp, ignored);
  return make_error(std::move(message));
}

// Writes text into path as it is: opened for writing at its end, never created, truncated or replaced
// (a pipe or a device has no folder entry to rename over, and /dev/stderr may be the user's own log file,
// which truncating would lose).
Result<void> write_through(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return make_error("cannot write " + path + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return make_error("cannot write " + path + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return make_error("cannot write " + path + ": " + std::strerror(errno));
  return {};
}

bool under_process_files(const fs::path& p) {
  const std::string s = p.lexically_normal().string();
  return s.starts_with("/dev/") || s.starts_with("/proc/");
}

}  // namespace

ReportDestination report_destination(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // through links
  const bool special = fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status);
  fs::path p = path;
  bool process_files = under_process_files(p);
  for (int hops = 0; hops < 40; ++hops) {  // Linux's own bound on a chain (ELOOP)
    if (!fs::is_symlink(fs::symlink_status(p, ec))) break;
    const fs::path next = fs::read_symlink(p, ec);
    if (ec) break;
    p = next.is_absolute() ? next : p.parent_path() / next;
    process_files = process_files || under_process_files(p);
  }
  // /dev/stdout, /proc/self/fd/N and the like name a descriptor of this process, whose chain ends at
  // whatever it is open on (the user's log file for 2>>log): written into, never renamed over.
  if (special || process_files) return {path, true};
  return {p.string(), false};
}

Result<void> write_file_atomically(const std::string& path, const std::string& text) {
  const ReportDestination to = report_destination(path);
  if (to.through) return write_through(to.path, text);
  const std::string tmp = to.path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    // Not opened: nothing of ours is there to remove (the name may even be someone else's folder).
    if (!f) return make_error("cannot write " + tmp);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();  // flushes: a buffer the disk refuses fails here, not unnoticed in a destructor
    if (!f) return give_up(tmp, "cannot write " + tmp + " (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, to.path, ec);
  if (ec) return give_up(tmp, "cannot rename " + tmp + " to " + to.path + ": " + ec.message());
  return {};
}

}  // namespace cicada::report
