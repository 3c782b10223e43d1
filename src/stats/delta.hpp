#pragma once
// StatsDelta: everything one thread (or one distributed worker process) recorded during one interval, as
// plain values. ThreadStats::take_delta() produces it; Aggregate::merge() consumes it. Plain structs so the
// distributed layer can serialize them field by field.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stats/histogram.hpp"
#include "stats/stream_stats.hpp"

namespace cicada::stats {

// One request stats entry (method, name) during the interval.
struct EntryDelta {
  std::string method;               // HTTP method, e.g. "GET"
  std::string name;                 // entry name (the path, or the name the scenario gave)
  std::uint64_t num_requests = 0;   // completed requests, failures included
  std::uint64_t num_failures = 0;   // failed requests (a subset of num_requests)
  std::uint64_t content_bytes = 0;  // body bytes of all num_requests responses
  SparseHistogram latency;          // latency of all num_requests requests, us (count == num_requests)
  // The same requests' latency from when each was sent rather than due (coordinated omission, see
  // docs/metrics.md). Empty means "identical to latency" (no request of the interval started late).
  SparseHistogram uncorrected_latency;
};

// Distinct failure texts kept per request stats entry, in a thread's interval and in the run's totals.
// Further texts are counted under kOtherErrors: a server that puts an id or a time in every error message
// must not grow memory without bound, and every failure is still counted.
inline constexpr std::size_t kMaxErrorsPerEntry = 100;
inline constexpr std::string_view kOtherErrors = "(other errors)";
// Distinct request entries (method, name) kept by a thread's statistics and by the run's totals; further
// names are counted under kOtherNames of their method. Each entry holds dense latency histograms (~35 KB
// each, several per entry), so a scenario naming every request by its id (/item/1, /item/2... without
// name=) grew memory by 110-320 KB per request name without bound. Every request is still counted.
inline constexpr std::size_t kMaxEntries = 1000;
inline constexpr std::string_view kOtherNames = "(other names)";
// The same for distinct (message, where) exceptions of the whole run.
inline constexpr std::size_t kMaxExceptions = 100;
inline constexpr std::string_view kOtherExceptions = "(other exceptions)";

// Failures of one (method, name, error text) during the interval.
struct FailureDelta {
  std::string method;
  std::string name;
  std::string error;              // error text as the HTTP client or check reported it
  std::uint64_t occurrences = 0;  // failed requests with exactly this error
};

// Exceptions that escaped scenario code, grouped by (message, where), in first-seen order.
struct ExceptionDelta {
  std::string message;      // what the exception said
  std::string where;        // where it was thrown: "UserType.task" (becomes the CSV's Traceback)
  std::uint64_t count = 0;  // how many times during the interval
};

struct StatsDelta {
  // Wall-clock Unix time (s) when the interval ended (take_delta() time); the Aggregate uses it as the
  // time of the last request when the delta holds requests. 0 means "unknown": the Aggregate then uses
  // the end of the second it closes.
  double taken_at_unix_s = 0.0;
  std::vector<EntryDelta> entries;         // entries with at least one request in the interval
  std::vector<FailureDelta> failures;      // distinct failures with occurrences > 0
  std::vector<ExceptionDelta> exceptions;  // distinct exceptions with count > 0
  // Arrival-rate load (docs/metrics.md, "Every iteration accounted for"), during the interval:
  std::uint64_t due_iterations = 0;      // iterations whose scheduled time came
  std::uint64_t started_iterations = 0;  // iterations that began on a slot (on time or late)
  std::uint64_t dropped_iterations = 0;  // due iterations that could not start in time (never will)
  // Streamed responses of the interval (stats/stream_stats.hpp), per entry that streamed.
  std::vector<StreamDelta> streams;
  // Requests still waiting for their response when the test ended (RequestSink::on_unanswered), and how
  // long the oldest of them had waited, us. Those that waited past the limit are also in num_failures.
  std::uint64_t unanswered_requests = 0;
  std::int64_t oldest_unanswered_us = 0;
  // Of unanswered_requests, those recorded as failed requests (NoResponse, ThreadStats::on_unanswered):
  // counted where they are recorded, as their failure rows may be folded into kOtherErrors.
  std::uint64_t unanswered_counted = 0;
  // Who recorded the delta: empty for this process ("local" in reports); a master sets the id of the
  // worker that sent it (never read off the wire: the master trusts the routing id). The exceptions'
  // Nodes column lists them (Locust's exceptions.csv).
  std::string node;

  bool empty() const {
    return entries.empty() && failures.empty() && exceptions.empty() && due_iterations == 0 &&
           started_iterations == 0 && dropped_iterations == 0 && streams.empty() && unanswered_requests == 0;
  }
};

}  // namespace cicada::stats
