#include "report/console_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

namespace cicada::report {

namespace {

// Locust's STATS_TYPE_WIDTH and STATS_NAME_WIDTH (80 when not on a terminal, as in the golden files).
constexpr int kTypeWidth = 8;
constexpr int kNameWidth = 80;
constexpr int kStatsNameWidth = kNameWidth - kTypeWidth + 4;  // the stats table compacts its columns
constexpr int kErrorWidth = 80 + kNameWidth - 19;

std::string dashes(int n) { return std::string(static_cast<std::size_t>(n), '-'); }

std::string stats_separator() {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}\n", dashes(kTypeWidth), dashes(kStatsNameWidth),
                     dashes(7), dashes(13), dashes(7), dashes(7), dashes(7), dashes(7), dashes(8),
                     dashes(11));
}

std::string stats_row(const stats::EntrySnapshot& e, bool current) {
  const std::string fails = fmt::format("{}({:.2f}%)", e.num_failures, e.fail_ratio() * 100.0);
  const double rps = current ? e.current_rps : e.total_rps;
  const double fps = current ? e.current_fail_per_s : e.total_fail_per_s;
  const bool any = e.has_requests();
  return fmt::format("{:<{}} {:<{}} {:>7} {:>12} |{:>7} {:>7} {:>7}{:>7} | {:>7.2f} {:>11.2f}\n", e.method,
                     kTypeWidth, e.name, kStatsNameWidth, e.num_requests, fails,
                     any ? console_ms(e.avg_us) : "0", any ? console_ms(e.min_us) : "0",
                     any ? console_ms(e.max_us) : "0", any ? console_ms(e.median_us) : "0", rps, fps);
}

std::string percentiles_separator() {
  std::string s = fmt::format("{}|{}|{}|", dashes(kTypeWidth), dashes(kNameWidth), dashes(8));
  for (std::size_t i = 0; i < stats::kReportedQuantileCount; ++i) s += dashes(6) + "|";
  s.back() = '\n';
  return s;
}

std::string percentiles_row(const stats::EntrySnapshot& e) {
  std::string s = fmt::format("{:<{}} {:<{}} {:>8}", e.method, kTypeWidth, e.name, kNameWidth,
                              console_ms(e.percentiles_us[0]));
  for (std::size_t i = 1; i < stats::kReportedQuantileCount; ++i) {
    s += fmt::format(" {:>6}", console_ms(e.percentiles_us[i]));
  }
  s += fmt::format(" {:>6}\n", e.num_requests);
  return s;
}

}  // namespace

std::string console_ms(std::int64_t us) { return console_ms(static_cast<double>(us)); }

std::string console_ms(double us) {
  const double ms = us / 1000.0;
  if (ms < 9.995) return fmt::format("{:.2f}", ms);
  if (ms < 99.95) return fmt::format("{:.1f}", ms);
  return fmt::format("{:.0f}", ms);
}

std::string console_stats_table(const stats::Snapshot& snap, bool current) {
  std::string out = fmt::format("{:<{}} {:<{}} {:>7} {:>12} |{:>7} {:>7} {:>7}{:>7} | {:>7} {:>11}\n", "Type",
                                kTypeWidth, "Name", kStatsNameWidth, "# reqs", "# fails", "Avg", "Min", "Max",
                                "Med", "req/s", "failures/s");
  out += stats_separator();
  for (const auto& e : snap.entries) out += stats_row(e, current);
  out += stats_separator();
  out += stats_row(snap.total, current);
  out += "\n";
  return out;
}

std::string console_percentiles_table(const stats::Snapshot& snap) {
  std::string out = "Response time percentiles (approximated)\n";
  out += fmt::format("{:<{}} {:<{}} {:>8}", "Type", kTypeWidth, "Name", kNameWidth,
                     stats::kReportedQuantileNames[0]);
  for (std::size_t i = 1; i < stats::kReportedQuantileCount; ++i) {
    out += fmt::format(" {:>6}", stats::kReportedQuantileNames[i]);
  }
  out += fmt::format(" {:>6}\n", "# reqs");
  out += percentiles_separator();
  for (const auto& e : snap.entries) {
    if (e.has_requests()) out += percentiles_row(e);
  }
  out += percentiles_separator();
  if (snap.total.has_requests()) out += percentiles_row(snap.total);
  out += "\n";
  return out;
}

std::string console_failures_table(const stats::Snapshot& snap) {
  if (snap.failures.empty()) return {};
  std::vector<const stats::FailureRow*> rows;
  for (const auto& f : snap.failures) rows.push_back(&f);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto* a, const auto* b) { return a->occurrences > b->occurrences; });
  const std::string separator = fmt::format("{}|{}\n", dashes(18), dashes(kErrorWidth));
  std::string out = "Error report\n";
  out += fmt::format("{:<18} {:<100}\n", "# occurrences", "Error");
  out += separator;
  for (const auto* f : rows) {
    out += fmt::format("{:<18} {:<100}\n", f->occurrences,
                       fmt::format("{} {}: {}", f->method, f->name, f->error));
  }
  out += separator;
  out += "\n";
  return out;
}

}  // namespace cicada::report
