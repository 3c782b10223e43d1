#include "report/stream_tables.hpp"

#include <fmt/format.h>

#include "report/console_tables.hpp"

namespace cicada::report {
namespace {

constexpr std::size_t kP50 = 0, kP95 = 5, kP99 = 7;  // indices in stats::kReportedQuantiles
static_assert(stats::kReportedQuantiles[kP50] == 0.50 && stats::kReportedQuantiles[kP95] == 0.95 &&
              stats::kReportedQuantiles[kP99] == 0.99);

// A time column when samples exist, else "N/A" (no token: no time to first token).
std::string ms_or_na(std::int64_t us, std::uint64_t samples) { return samples ? console_ms(us) : "N/A"; }

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

std::string console_streams_table(const stats::Snapshot& snap) {
  if (snap.streams.empty()) return {};
  std::string out = "Streamed responses (ms; TTFB: first byte, TTFT: first token, ITL: gap between tokens)\n";
  out += fmt::format("{:<8} {:<40} {:>8} {:>9} {:>8} | {:>7} {:>7} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}\n",
                     "Type", "Name", "# streams", "# tokens", "tok/s", "TTFB50", "TTFB95", "TTFT50", "TTFT95",
                     "TTFT99", "ITL50", "ITL95", "ITL99");
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
        s.name, s.streams, s.tokens, s.tokens_per_s, ms_or_na(s.ttfb_us[kP50], s.streams),
        ms_or_na(s.ttfb_us[kP95], s.streams), ms_or_na(s.ttft_us[kP50], s.ttft_count),
        ms_or_na(s.ttft_us[kP95], s.ttft_count), ms_or_na(s.ttft_us[kP99], s.ttft_count),
        ms_or_na(s.itl_us[kP50], s.itl_count), ms_or_na(s.itl_us[kP95], s.itl_count),
        ms_or_na(s.itl_us[kP99], s.itl_count));
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
  out += "\n";
  for (const auto& s : snap.streams) {
    out += fmt::format("{},{},{},{},{},{:.3f},{},{}", csv_field(s.method), csv_field(s.name), s.streams,
                       s.events, s.tokens, s.tokens_per_s,
                       csv_ms(static_cast<std::int64_t>(s.ttft_avg_us), s.ttft_count),
                       csv_ms(static_cast<std::int64_t>(s.itl_avg_us), s.itl_count));
    const std::pair<const stats::Percentiles*, std::uint64_t> series[] = {{&s.ttfb_us, s.streams},
                                                                          {&s.ttft_us, s.ttft_count},
                                                                          {&s.itl_us, s.itl_count},
                                                                          {&s.total_us, s.streams}};
    for (const auto& [values, samples] : series) {
      for (std::int64_t v : *values) {
        out += ',';  // not "," + csv_ms(...): GCC 12 -O3 warns falsely (-Wrestrict) on literal + string
        out += csv_ms(v, samples);
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace cicada::report
