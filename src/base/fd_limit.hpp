#pragma once
// The open-file limit of this process. A server holds one descriptor per connection, and the default soft
// limit (often 1024) is far below what the hard limit allows.
#include <cstddef>

namespace cicada {

// Raises the soft RLIMIT_NOFILE to the hard limit (once is enough; later calls change nothing) and
// returns the soft limit in force afterwards.
std::size_t raise_open_files_limit();

}  // namespace cicada
