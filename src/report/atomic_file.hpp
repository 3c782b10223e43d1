#pragma once
// Output files that a reader (a CI step, a dashboard, tail -f) may open at any moment: written next to
// the target and renamed over it, so nobody ever sees half a file.
#include <string>

#include "base/result.hpp"

namespace cicada::report {

// Writes text to path + ".tmp" and renames it over path. The error names the file and what failed; the
// temporary file is removed then (path keeps what it held before).
Result<void> write_file_atomically(const std::string& path, const std::string& text);

}  // namespace cicada::report
