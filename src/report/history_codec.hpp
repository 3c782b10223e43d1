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

}  // namespace cicada::report
