#include "report/atomic_file.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace cicada::report {

Result<void> write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return make_error("cannot write " + tmp);
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.flush();
    if (!f) return make_error("cannot write " + tmp + " (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return make_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return {};
}

}  // namespace cicada::report
