#pragma once
// ThreadStats: the hot-path side of the statistics. One per event loop thread, written only by that thread,
// so recording takes no lock; after the first sample of an entry it allocates nothing.
//
// It is the thread's RequestSink (base/request_record.hpp): clients hand it one RequestRecord per request
// and never see entries or histograms.
//
// Once a second the runner asks each thread (on that thread) for take_delta(), and folds the deltas into an
// Aggregate (stats/aggregate.hpp). Reports, the UI and the master only ever read Aggregate snapshots.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/request_record.hpp"
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

class ThreadStats final : public RequestSink {
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

  // RequestSink: one streamed response of entry (method, name), beside its request (stats/stream_stats.hpp).
  void on_stream(std::string_view method, std::string_view name, const StreamSample& sample) override {
    streams_.record(method, name, sample);
  }
  // RequestSink: one finished request, filed under the entry (record.method, record.name).
  void on_request(const RequestRecord& record) override;
  // RequestSink: a request still waiting for its response when the test ended. Counted as unanswered;
  // once it waited kUnansweredFailureAfterUs or longer it is also a failed request of its entry, with the
  // text kUnansweredError and its wait as its response time (docs/metrics.md, "Failures"), and counted
  // here as such (StatsDelta::unanswered_counted), since its text may be folded into kOtherErrors.
  // One never sent (still connecting) fails with kUnsentError instead: the target never saw it; one whose
  // answer was arriving, with kCutResponseError.
  void on_unanswered(std::string_view method, std::string_view name, std::int64_t waited_us,
                     CutAt at) override;
  static constexpr std::int64_t kUnansweredFailureAfterUs = 1'000'000;
  static constexpr std::string_view kUnansweredError =
      "NoResponse('no response within the test (waited 1 s or more when it ended)')";
  static constexpr std::string_view kUnsentError =
      "ConnectTimeout('still connecting when the test ended (waited 1 s or more): never sent')";
  static constexpr std::string_view kCutResponseError =
      "ResponseCut('the response was still arriving when the test ended (1 s or more after it was due)')";
  // RequestSink: a stream that had answered and was still arriving when the test ended. Counted as
  // unanswered (it is not a finished request: its total time is unknown) and its partial figures kept
  // (TTFB, TTFT, gaps, events, tokens; no total); no failure, since it answered, unless nothing had arrived
  // for kUnansweredFailureAfterUs or longer: a stalled stream, a failed request with the text
  // kStalledStreamError and its wait as its response time, whose figures are not kept (as a stream that
  // fails otherwise).
  void on_cut_stream(std::string_view method, std::string_view name, std::int64_t waited_us,
                     std::int64_t silent_us, const StreamSample& partial) override;
  static constexpr std::string_view kStalledStreamError =
      "StreamStalled('nothing of the stream for 1 s or more when the test ended')";

  // Arrival-rate load: every due iteration is counted once as due, and then once as started or as
  // dropped, so due = started + dropped (+ those waiting right now). A dropped one could not start in time
  // (no free slot within the allowed lateness, or still waiting when the run stopped); it made no
  // request, so no latency exists for it.
  void record_due_iterations(std::uint64_t n) { due_iterations_ += n; }
  void record_started_iteration() { ++started_iterations_; }
  void record_dropped_iterations(std::uint64_t n) { dropped_iterations_ += n; }

  // An exception escaped scenario code (the user goes on). where: its traceback (a Python one for a
  // locustfile; "  in UserType.task" and the C++ type for native code: runner/scenario_exception.hpp).
  void record_exception(std::string_view message, std::string_view where);

  // Everything recorded since the previous call, leaving this thread's interval empty.
  StatsDelta take_delta();

  // Requests recorded since this object was made, never reset: a loop compares two readings to know
  // whether any request ended in between (polling_load.hpp).
  std::uint64_t recorded() const { return recorded_; }

 private:
  struct Impl;
  // The entry of a record: the last few (method, name) pairs are compared before the hash lookup, as most
  // threads file a few entries again and again.
  EntryId entry_of(std::string_view method, std::string_view name);
  struct RecentEntry {
    std::string method;
    std::string name;
    EntryId id = 0;
    bool used = false;
  };
  std::array<RecentEntry, 8> recent_;
  std::size_t recent_next_ = 0;
  Impl* impl_;
  std::uint64_t due_iterations_ = 0;
  std::uint64_t started_iterations_ = 0;
  std::uint64_t dropped_iterations_ = 0;
  std::uint64_t recorded_ = 0;
  StreamRecorder streams_;
  std::uint64_t unanswered_ = 0;
  std::uint64_t unanswered_counted_ = 0;  // of unanswered_, those recorded as failed requests
  std::int64_t oldest_unanswered_us_ = 0;
};

}  // namespace cicada::stats
