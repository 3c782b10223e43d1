#pragma once
// Requests still waiting for their answer when the test ended (docs/metrics.md, "Failures"), as every
// report states them: the count, how many of them are already among the requests (those that waited
// 1 s or more are failed requests, NoResponse), and one line of text.
#include <cstdint>
#include <string>

#include "stats/snapshot.hpp"

namespace cicada::report {

// For a run recorded before Snapshot::unanswered_counted was kept (its history has no such counter): the
// occurrences of its NoResponse (and StreamStalled) failure rows. Low when an entry's texts passed
// kMaxErrorsPerEntry and the text went to "(other errors)", which is why runs now count it where it is
// recorded.
std::uint64_t unanswered_counted_from_failure_rows(const stats::Snapshot& snap);

// The unanswered requests that were streams cut while their answer arrived, not stalled (their partial
// figures are in the stream statistics): the Aggregated stream row's streams without a total.
std::uint64_t unanswered_cut_streams(const stats::Snapshot& snap);

// "Requests without an answer when the test ended: 3 (the oldest waited 4.9 s); those that waited 1 s or
// more count as failures (NoResponse)", naming the streams cut among them when there were some; empty
// when there were none.
std::string unanswered_text(const stats::Snapshot& snap);

}  // namespace cicada::report
