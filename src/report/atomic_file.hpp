#pragma once
// Output files that a reader (a CI step, a dashboard, tail -f) may open at any moment: written next to
// the target and renamed over it, so nobody ever sees half a file.
#include <string>

#include "base/result.hpp"

namespace cicada::report {

// Writes text to path + ".tmp" and renames it over path. The error names the file and what failed; the
// temporary file is removed then (path keeps what it held before). A path that is a symbolic link gets
// the file the link names replaced (the link stays); one that is no regular file (a FIFO, /dev/stdout, a
// device) is written through, as a shell's `>` would.
Result<void> write_file_atomically(const std::string& path, const std::string& text);

}  // namespace cicada::report
