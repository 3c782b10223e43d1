#pragma once
// ThreadStats: the hot-path side of the statistics. One per event loop thread, written only by that thread,
// so recording takes no lock; after the first sample of an entry it allocates nothing.
//
// Once a second the runner asks each thread (on that thread) for take_delta(), and folds the deltas into an
// Aggregate (stats/aggregate.hpp). Reports, the UI and the master only ever read Aggregate snapshots.
#include <cstdint>
#include <string_view>

#include "stats/delta.hpp"
#include "stats/stream_stats.hpp"

namespace cicada::stats {

// Index of a request stats entry (method, name) inside one ThreadStats. Stable for the thread's life.
using EntryId = std::uint32_t;

// Both latencies of one request (coordinated omission, docs/metrics.md): from when it was due (its
// scheduled start under arrival-rate load; the call otherwise) and from when it was actually sent.
// The two are equal unless the request started late.
struct SampleLatency {
  std::int64_t corrected_us = 0;    // from the due time to the last response byte
  std::int64_t uncorrected_us = 0;  // from the call to the last response byte (<= corrected_us)
};

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
  // The same with a corrected latency that differs from the uncorrected one (arrival-rate load).
  void record_success(EntryId id, SampleLatency latency, std::uint64_t content_bytes);
  void record_failure(EntryId id, SampleLatency latency, std::uint64_t content_bytes, std::string_view error);

  // One streamed response of entry (method, name), measured beside its request (stats/stream_stats.hpp).
  void record_stream(std::string_view method, std::string_view name, const StreamSample& sample) {
    streams_.record(method, name, sample);
  }

  // Arrival-rate load: `n` scheduled iterations could not start in time (no free slot within the allowed
  // lateness, or still waiting when the run stopped). They made no request, so no latency exists for them.
  void record_dropped_iterations(std::uint64_t n) { dropped_iterations_ += n; }

  // An exception escaped scenario code (the user goes on). where: "UserType.task" (our traceback).
  void record_exception(std::string_view message, std::string_view where);

  // Everything recorded since the previous call, leaving this thread's interval empty.
  StatsDelta take_delta();

 private:
  struct Impl;
  Impl* impl_;
  std::uint64_t dropped_iterations_ = 0;
  StreamRecorder streams_;
};

}  // namespace cicada::stats
