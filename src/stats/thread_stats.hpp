#pragma once
// ThreadStats: the hot-path side of the statistics. One per event loop thread, written only by that thread,
// so recording takes no lock; after the first sample of an entry it allocates nothing.
//
// Once a second the runner asks each thread (on that thread) for take_delta(), and folds the deltas into an
// Aggregate (stats/aggregate.hpp). Reports, the UI and the master only ever read Aggregate snapshots.
#include <cstdint>
#include <string_view>

#include "stats/delta.hpp"

namespace cicada::stats {

// Index of a request stats entry (method, name) inside one ThreadStats. Stable for the thread's life.
using EntryId = std::uint32_t;

class ThreadStats {
 public:
  ThreadStats();
  ~ThreadStats();
  ThreadStats(const ThreadStats&) = delete;
  ThreadStats& operator=(const ThreadStats&) = delete;

  // The entry for (method, name), created on first use (that first call allocates; later ones do not).
  EntryId entry(std::string_view method, std::string_view name);

  // One completed request. latency_us: from when the request was due to its last response byte.
  // content_bytes: body size (Content-Length when present). A failure also counts as a request.
  void record_success(EntryId id, std::int64_t latency_us, std::uint64_t content_bytes);
  void record_failure(EntryId id, std::int64_t latency_us, std::uint64_t content_bytes,
                      std::string_view error);

  // An exception escaped scenario code (the user goes on). where: "UserType.task" (our traceback).
  void record_exception(std::string_view message, std::string_view where);

  // Everything recorded since the previous call, leaving this thread's interval empty.
  StatsDelta take_delta();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace cicada::stats
