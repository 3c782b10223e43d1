#pragma once
// Output files that a reader (a CI step, a dashboard, tail -f) may open at any moment: written next to
// the target and renamed over it, so nobody ever sees half a file.
#include <string>

#include "base/result.hpp"

namespace cicada::report {

// Where a report written to `path` goes. A symbolic link: the file its chain ends at (renaming over the
// link would replace the link, leaving its file the old report). A FIFO, a device, or a path whose chain
// passes through /dev or /proc (/dev/stdout: a descriptor of this process, perhaps open on the user's own
// log file): written through, in place.
struct ReportDestination {
  std::string path;
  bool through = false;  // opened and appended to; never created, truncated or renamed over
};
ReportDestination report_destination(const std::string& path);

// Writes text to its destination's path + ".tmp" and renames it over that path (or writes it through).
// The error names the file and what failed; the temporary file is removed then (the file keeps what it
// held before).
Result<void> write_file_atomically(const std::string& path, const std::string& text);

}  // namespace cicada::report
