#pragma once
// JSON forms of the per-second history blocks and percentile arrays, as the run history stores them
// (one JSON document per second keeps the rows exact without a column per percentile).
#include <string>

#include "base/result.hpp"
#include "stats/snapshot.hpp"

namespace cicada::report {

std::string percentiles_to_json(const stats::Percentiles& p);
Result<stats::Percentiles> percentiles_from_json(const std::string& text);

std::string history_block_to_json(const stats::HistoryBlock& block);
Result<stats::HistoryBlock> history_block_from_json(const std::string& text);

// A histogram as JSON: its exact count, sum, min and max and its non-zero buckets as a flat
// [index, count, index, count, ...] array (schema v2). Decoding checks that the bucket counts add up,
// so a damaged row is an error rather than wrong percentiles.
std::string histogram_to_json(const stats::Histogram& h);
Result<stats::Histogram> histogram_from_json(const std::string& text);

}  // namespace cicada::report
