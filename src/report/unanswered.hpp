#pragma once
// Requests still waiting for their answer when the test ended (docs/metrics.md, "Failures"), as every
// report states them: the count, how many of them are already among the requests (those that waited
// 1 s or more are failed requests, NoResponse), and one line of text.
#include <cstdint>
#include <string>

#include "stats/snapshot.hpp"

namespace cicada::report {

// The unanswered requests counted as failed requests: the occurrences of the NoResponse failure rows.
// requests the target received = total requests + unanswered_requests - this.
std::uint64_t unanswered_counted_as_failures(const stats::Snapshot& snap);

// "Requests without an answer when the test ended: 3 (the oldest waited 4.9 s); those that waited 1 s or
// more count as failures (NoResponse)"; empty when there were none.
std::string unanswered_text(const stats::Snapshot& snap);

}  // namespace cicada::report
