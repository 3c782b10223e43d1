#pragma once
// Streamed responses in the reports (stats/stream_stats.hpp, docs/protocols.md): a console table printed
// after Locust's tables, and the extra CSV file <prefix>_streams.csv. Both are empty when nothing
// streamed, so runs without streams print and write exactly what Locust does.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stats/snapshot.hpp"

namespace cicada::report {

// The figures every view of a stream row shares (console, CSV, HTML reports, the web UI's JSON), so they
// cannot drift apart: a time series, its samples, and the key columns read first.
enum class StreamSeries { ttfb, ttft, itl, total };
struct StreamColumn {
  StreamSeries series;
  std::size_t quantile;    // index into stats::kReportedQuantiles
  std::string_view label;  // "TTFT p95"
  std::string_view brief;  // the console's narrow heading, "TTFT95"
};
inline constexpr std::array<StreamColumn, 8> kStreamKeyColumns = {{
    {StreamSeries::ttfb, 0, "TTFB p50", "TTFB50"},
    {StreamSeries::ttfb, 5, "TTFB p95", "TTFB95"},
    {StreamSeries::ttft, 0, "TTFT p50", "TTFT50"},
    {StreamSeries::ttft, 5, "TTFT p95", "TTFT95"},
    {StreamSeries::ttft, 7, "TTFT p99", "TTFT99"},
    {StreamSeries::itl, 0, "ITL p50", "ITL50"},
    {StreamSeries::itl, 5, "ITL p95", "ITL95"},
    {StreamSeries::itl, 7, "ITL p99", "ITL99"},
}};
// The series' whole-run value at a quantile, us; none without samples (no token: no time to first token).
std::optional<std::int64_t> stream_value_us(const stats::StreamSnapshot& row, StreamSeries series,
                                            std::size_t quantile);
// The series' samples: streams for TTFB and total time, streams with a token for TTFT, gaps for ITL.
std::uint64_t stream_samples(const stats::StreamSnapshot& row, StreamSeries series);

// "Streamed responses" table: per entry and Aggregated, streams, tokens, tokens/s and the p50/p95/p99 of
// time to first byte, time to first token and inter-token gap (ms). Empty without streams.
std::string console_streams_table(const stats::Snapshot& snap);

// The HTML reports' "Streamed responses" section (--html, cicada report --html): the table of the key
// columns above, and, when the history has streamed seconds, charts of the time to first token and the
// inter-token gap over time. Empty without streams.
std::string html_streams_section(const stats::Snapshot& snap);

// The _streams.csv text: one header row, then one row per entry and the Aggregated row; the last column,
// "Streams cut", counts the streams the end of the test cut while they arrived (stats::cut_streams, as
// --json's streams_cut). Empty without streams.
std::string streams_csv(const stats::Snapshot& snap);

}  // namespace cicada::report
