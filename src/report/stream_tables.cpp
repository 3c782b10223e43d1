#include "report/stream_tables.hpp"

#include <fmt/format.h>

#include "report/console_tables.hpp"
#include "report/svg_chart.hpp"

namespace cicada::report {
namespace {

static_assert(stats::kReportedQuantiles[0] == 0.50 && stats::kReportedQuantiles[5] == 0.95 &&
              stats::kReportedQuantiles[7] == 0.99);

const stats::Percentiles& series_values(const stats::StreamSnapshot& row, StreamSeries series) {
  switch (series) {
    case StreamSeries::ttfb:
      return row.ttfb_us;
    case StreamSeries::ttft:
      return row.ttft_us;
    case StreamSeries::itl:
      return row.itl_us;
    case StreamSeries::total:
      break;
  }
  return row.total_us;
}

// Milliseconds with 3 decimals for the CSV (microsecond resolution).
std::string csv_ms(std::int64_t us, std::uint64_t samples) {
  return samples ? fmt::format("{:.3f}", static_cast<double>(us) / 1000.0) : "N/A";
}

// CSV quoting as Locust's writer does it: only when needed.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::uint64_t stream_samples(const stats::StreamSnapshot& row, StreamSeries series) {
  switch (series) {
    case StreamSeries::ttft:
      return row.ttft_count;
    case StreamSeries::itl:
      return row.itl_count;
    case StreamSeries::total:
      return row.streams - stats::cut_streams(row);  // a stream the end of the test cut has no total
    case StreamSeries::ttfb:
      break;
  }
  return row.streams;
}

std::optional<std::int64_t> stream_value_us(const stats::StreamSnapshot& row, StreamSeries series,
                                            std::size_t quantile) {
  if (stream_samples(row, series) == 0) return std::nullopt;
  return series_values(row, series)[quantile];
}

std::string console_streams_table(const stats::Snapshot& snap) {
  if (snap.streams.empty()) return {};
  auto column = [](const stats::StreamSnapshot& s, std::size_t i) {
    const auto& c = kStreamKeyColumns[i];
    const auto us = stream_value_us(s, c.series, c.quantile);
    return us ? console_ms(*us) : std::string("N/A");
  };
  std::string out = "Streamed responses (ms; TTFB: first byte, TTFT: first token, ITL: gap between tokens)\n";
  out += fmt::format("{:<8} {:<40} {:>8} {:>9} {:>8} | {:>7} {:>7} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}\n",
                     "Type", "Name", "# streams", "# tokens", "tok/s", kStreamKeyColumns[0].brief,
                     kStreamKeyColumns[1].brief, kStreamKeyColumns[2].brief, kStreamKeyColumns[3].brief,
                     kStreamKeyColumns[4].brief, kStreamKeyColumns[5].brief, kStreamKeyColumns[6].brief,
                     kStreamKeyColumns[7].brief);
  const std::string separator = std::string(8, '-') + "|" + std::string(41, '-') + "|" + std::string(9, '-') +
                                "|" + std::string(10, '-') + "|" + std::string(9, '-') + "|" +
                                std::string(17, '-') + "|" + std::string(25, '-') + "|" +
                                std::string(24, '-') + "\n";
  out += separator;
  for (std::size_t i = 0; i < snap.streams.size(); ++i) {
    const auto& s = snap.streams[i];
    if (i + 1 == snap.streams.size()) out += separator;
    out += fmt::format(
        "{:<8} {:<40} {:>8} {:>9} {:>8.1f} | {:>7} {:>7} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}\n", s.method,
        s.name, s.streams, s.tokens, s.tokens_per_s, column(s, 0), column(s, 1), column(s, 2), column(s, 3),
        column(s, 4), column(s, 5), column(s, 6), column(s, 7));
  }
  out += "\n";
  return out;
}

std::string streams_csv(const stats::Snapshot& snap) {
  if (snap.streams.empty()) return {};
  std::string out = "Type,Name,Streams,Events,Tokens,Tokens/s,Average TTFT,Average ITL";
  for (const char* series : {"TTFB", "TTFT", "ITL", "Total"}) {
    for (auto q : stats::kReportedQuantileNames) out += fmt::format(",{} {}", series, q);
  }
  // Last, so that a reader of the columns before it by position reads what it did before.
  out += ",Streams cut\n";
  for (const auto& s : snap.streams) {
    out += fmt::format("{},{},{},{},{},{:.3f},{},{}", csv_field(s.method), csv_field(s.name), s.streams,
                       s.events, s.tokens, s.tokens_per_s,
                       csv_ms(static_cast<std::int64_t>(s.ttft_avg_us), s.ttft_count),
                       csv_ms(static_cast<std::int64_t>(s.itl_avg_us), s.itl_count));
    for (auto series : {StreamSeries::ttfb, StreamSeries::ttft, StreamSeries::itl, StreamSeries::total}) {
      for (std::int64_t v : series_values(s, series)) {
        out += ',';  // not "," + csv_ms(...): GCC 12 -O3 warns falsely (-Wrestrict) on literal + string
        out += csv_ms(v, stream_samples(s, series));
      }
    }
    out += fmt::format(",{}\n", stats::cut_streams(s));
  }
  return out;
}

std::string html_streams_section(const stats::Snapshot& snap) {
  if (snap.streams.empty()) return {};
  std::string out =
      "<h2 id=\"streams\">Streamed responses</h2><p>Per streamed response, from when its request was due: "
      "TTFB the first byte, TTFT the first token, ITL the gap between tokens (ms, whole run).</p>"
      "<table class=\"streams\"><tr><th class=\"text\">Method</th><th class=\"text\">Name</th>"
      "<th># Streams</th><th># Events</th><th># Tokens</th><th>Tokens/s</th>";
  for (const auto& c : kStreamKeyColumns) out += fmt::format("<th>{} (ms)</th>", c.label);
  out += "</tr>";
  for (const auto& s : snap.streams) {
    out += fmt::format(
        "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{:.1f}</td>",
        xml_escape(s.method), xml_escape(s.name), s.streams, s.events, s.tokens, s.tokens_per_s);
    for (const auto& c : kStreamKeyColumns) {
      const auto us = stream_value_us(s, c.series, c.quantile);
      out +=
          fmt::format("<td>{}</td>", us ? fmt::format("{:.2f}", static_cast<double>(*us) / 1000.0) : "N/A");
    }
    out += "</tr>";
  }
  out += "</table>";
  // Charts over the per-second history (the last ~10 s at each second, as the response-time chart).
  std::vector<double> x;
  SvgSeries ttft[] = {{"TTFT p50", "#3d7ec9", {}}, {"TTFT p95", "#e69b22", {}}, {"TTFT p99", "#8e44ad", {}}};
  SvgSeries itl[] = {{"ITL p50", "#3d7ec9", {}}, {"ITL p95", "#e69b22", {}}, {"ITL p99", "#8e44ad", {}}};
  for (const auto& block : snap.history) {
    if (!block->streams && x.empty()) continue;  // the seconds before the first stream
    x.push_back(static_cast<double>(block->timestamp));
    const auto& s = block->streams;
    for (std::size_t i = 0; i < 3; ++i) {
      auto value = [](std::int64_t us, std::uint64_t n) -> std::optional<double> {
        return n ? std::optional<double>(static_cast<double>(us) / 1000.0) : std::nullopt;
      };
      ttft[i].values.push_back(s ? value(s->ttft_us[i], s->ttft_count) : std::nullopt);
      itl[i].values.push_back(s ? value(s->itl_us[i], s->itl_count) : std::nullopt);
    }
  }
  if (x.empty()) return out;
  SvgLineOptions timeline;
  for (const auto& stage : snap.stages) timeline.marks.push_back({stage.start_unix_s, stage.label});
  out += svg_line_chart("Time to first token, last ~10 s", "ms", x, {ttft[0], ttft[1], ttft[2]}, timeline);
  out += svg_line_chart("Inter-token latency, last ~10 s", "ms", x, {itl[0], itl[1], itl[2]}, timeline);
  return out;
}

}  // namespace cicada::report
