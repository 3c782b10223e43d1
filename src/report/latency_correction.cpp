#include "report/latency_correction.hpp"

#include <fmt/format.h>

#include <fstream>

#include "report/csv_format.hpp"
#include "report/run_verdict.hpp"

namespace cicada::report {
namespace {

void append_rows(std::string& out, const stats::EntrySnapshot& e) {
  for (bool corrected : {true, false}) {
    std::vector<std::string> row = {e.method, e.name, std::to_string(e.num_requests),
                                    corrected ? "corrected" : "uncorrected"};
    const auto& p = corrected ? e.percentiles_us : e.uncorrected_percentiles_us;
    for (auto v : p) row.push_back(e.has_requests() ? ms_compact(v) : "N/A");
    row.push_back(ms_float(corrected ? e.avg_us : e.uncorrected_avg_us));
    append_csv_row(out, row);
  }
}

}  // namespace

std::string latency_correction_csv(const stats::Snapshot& snap) {
  std::string out;
  std::vector<std::string> header = {"Type", "Name", "Request Count", "Correction"};
  for (auto name : stats::kReportedQuantileNames) header.emplace_back(name);
  header.emplace_back("Average (ms)");
  append_csv_row(out, header);
  for (const auto& e : snap.entries) append_rows(out, e);
  append_rows(out, snap.total);
  append_csv_row(out, {"Due Iterations", std::to_string(snap.due_iterations)});
  append_csv_row(out, {"Started Iterations", std::to_string(snap.started_iterations)});
  append_csv_row(out, {"Dropped Iterations", std::to_string(snap.dropped_iterations)});
  return out;
}

Result<void> write_latency_correction_csv(const std::string& path, const stats::Snapshot& snap) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return make_error("cannot write " + path);
  file << latency_correction_csv(snap);
  if (!file) return make_error("cannot write " + path);
  return {};
}

std::string latency_correction_table(const stats::Snapshot& snap) {
  const auto& t = snap.total;
  auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
  std::string out = "Latency from the scheduled start (corrected) vs from the send (uncorrected), ms:\n";
  out += fmt::format("{:<14}{:>10}{:>10}{:>10}{:>10}\n", "", "p50", "p95", "p99", "max");
  // Three decimals: microseconds, the histogram's resolution; one decimal would print 33 us as 0.0.
  out += fmt::format("{:<14}{:>10.3f}{:>10.3f}{:>10.3f}{:>10.3f}\n", "corrected", ms(t.percentiles_us[0]),
                     ms(t.percentiles_us[5]), ms(t.percentiles_us[7]), ms(t.max_us));
  out += fmt::format("{:<14}{:>10.3f}{:>10.3f}{:>10.3f}{:>10.3f}\n", "uncorrected",
                     ms(t.uncorrected_percentiles_us[0]), ms(t.uncorrected_percentiles_us[5]),
                     ms(t.uncorrected_percentiles_us[7]), ms(t.uncorrected_max_us));
  out += fmt::format("Iterations: {}\n", iteration_counts_text(snap));
  out += fmt::format("Dropped iterations (could not start in time): {}\n", snap.dropped_iterations);
  return out;
}

}  // namespace cicada::report
