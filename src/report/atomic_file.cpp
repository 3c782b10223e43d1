#include "report/atomic_file.hpp"

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

// Writes text into path as it is, opened for writing (no temporary file: a pipe or a device has no
// folder entry to rename over).
Result<void> write_through(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return make_error("cannot write " + path);
  f.write(text.data(), static_cast<std::streamsize>(text.size()));
  f.close();
  if (!f) return make_error("cannot write " + path + " (disk full, or the reader went away?)");
  return {};
}

// The file a chain of symbolic links ends at (path itself when it is none). Renaming over a link would
// replace the link, not the file it names, leaving a reader of that file an old report.
fs::path link_target(fs::path path) {
  for (int hops = 0; hops < 40; ++hops) {  // Linux's own bound on a chain (ELOOP)
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec))) return path;
    const fs::path next = fs::read_symlink(path, ec);
    if (ec) return path;
    path = next.is_absolute() ? next : path.parent_path() / next;
  }
  return path;
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, const std::string& text) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // through links
  // A FIFO, a device (/dev/stdout, /dev/null) or a socket: written through, never replaced (renaming a
  // file over /dev/full as root replaced the device node). A folder fails the rename below.
  if (fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status))
    return write_through(path, text);
  const std::string target = link_target(path).string();
  const std::string tmp = target + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    // Not opened: nothing of ours is there to remove (the name may even be someone else's folder).
    if (!f) return make_error("cannot write " + tmp);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();  // flushes: a buffer the disk refuses fails here, not unnoticed in a destructor
    if (!f) return give_up(tmp, "cannot write " + tmp + " (disk full?)");
  }
  fs::rename(tmp, target, ec);
  if (ec) return give_up(tmp, "cannot rename " + tmp + " to " + target + ": " + ec.message());
  return {};
}

}  // namespace cicada::report
