#pragma once
// Streamed responses in the reports (stats/stream_stats.hpp, docs/protocols.md): a console table printed
// after Locust's tables, and the extra CSV file <prefix>_streams.csv. Both are empty when nothing
// streamed, so runs without streams print and write exactly what Locust does.
#include <string>

#include "stats/snapshot.hpp"

namespace cicada::report {

// "Streamed responses" table: per entry and Aggregated, streams, tokens, tokens/s and the p50/p95/p99 of
// time to first byte, time to first token and inter-token gap (ms). Empty without streams.
std::string console_streams_table(const stats::Snapshot& snap);

// The _streams.csv text: one header row, then one row per entry and the Aggregated row. Empty without
// streams.
std::string streams_csv(const stats::Snapshot& snap);

}  // namespace cicada::report
