#include "report/atomic_file.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace cicada::report {

namespace {

// A failed write must not leave its temporary file behind: a disk already full would keep the bytes of
// a half-written report, and a reader listing the folder would find a file nobody finishes.
Result<void> give_up(const std::string& tmp, std::string message) {
  std::error_code ignored;
  std::filesystem::remove(tmp, ignored);
  return make_error(std::move(message));
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    // Not opened: nothing of ours is there to remove (the name may even be someone else's folder).
    if (!f) return make_error("cannot write " + tmp);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.close();  // flushes: a buffer the disk refuses fails here, not unnoticed in a destructor
    if (!f) return give_up(tmp, "cannot write " + tmp + " (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return give_up(tmp, "cannot rename " + tmp + " to " + path + ": " + ec.message());
  return {};
}

}  // namespace cicada::report
