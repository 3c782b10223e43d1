#include "report/locust_csv.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>
#include <vector>

#include "report/atomic_file.hpp"
#include "report/csv_format.hpp"

namespace cicada::report {

const char* const kStatsCsvHeader =
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
    "99.99%,100%";
const char* const kStatsHistoryCsvHeader =
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,"
    "Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,"
    "Total Min Response Time,Total Max Response Time,Total Average Content Size";
const char* const kFailuresCsvHeader = "Method,Name,Error,Occurrences";
const char* const kExceptionsCsvHeader = "Count,Message,Traceback,Nodes";

namespace {

// Locust writes "N/A" in every percentile column of a row without requests.
void append_percentiles(std::vector<std::string>& row, bool has_requests, const stats::Percentiles& p) {
  for (auto v : p) row.push_back(has_requests ? ms_compact(v) : "N/A");
}

// The summary columns shared by _stats.csv and the history's "Total ..." columns. Without requests Locust
// writes 0 for median/min/max/content size and 0.0 for the average.
struct Summary {
  std::string median, avg, min, max, content;
};
Summary summary(std::uint64_t n, std::int64_t median_us, double avg_us, std::int64_t min_us,
                std::int64_t max_us, double avg_content_size) {
  if (n == 0) return {"0", "0.0", "0", "0", "0"};
  return {ms_compact(median_us), ms_float(avg_us), ms_decimal(min_us), ms_decimal(max_us),
          py_float(avg_content_size)};
}

void append_stats_row(std::string& out, const stats::EntrySnapshot& e) {
  Summary s = summary(e.num_requests, e.median_us, e.avg_us, e.min_us, e.max_us, e.avg_content_size);
  std::vector<std::string> row{e.method,
                               e.name,
                               std::to_string(e.num_requests),
                               std::to_string(e.num_failures),
                               s.median,
                               s.avg,
                               s.min,
                               s.max,
                               s.content,
                               py_float(e.total_rps),
                               py_float(e.total_fail_per_s)};
  append_percentiles(row, e.has_requests(), e.percentiles_us);
  append_csv_row(out, row);
}

void append_history_row(std::string& out, const stats::HistoryBlock& b, const stats::HistoryRow& r,
                        const stats::Percentiles& percentiles) {
  Summary s = summary(r.num_requests, r.median_us, r.avg_us, r.min_us, r.max_us, r.avg_content_size);
  std::vector<std::string> row{std::to_string(b.timestamp), std::to_string(b.user_count), r.method, r.name,
                               fixed6(r.current_rps),       fixed6(r.current_fail_per_s)};
  append_percentiles(row, r.num_requests != 0, percentiles);
  row.push_back(std::to_string(r.num_requests));
  row.push_back(std::to_string(r.num_failures));
  row.push_back(s.median);
  row.push_back(s.avg);
  row.push_back(s.min);
  row.push_back(s.max);
  row.push_back(s.content);
  append_csv_row(out, row);
}

}  // namespace

stats::Snapshot snapshot_before_the_run() {
  stats::Snapshot snap;
  snap.total.name = "Aggregated";
  snap.total.latency = std::make_shared<const stats::Histogram>();
  snap.total.uncorrected_latency = snap.total.latency;
  return snap;
}

std::string stats_csv(const stats::Snapshot& snap) {
  std::string out = std::string(kStatsCsvHeader) + "\r\n";
  for (const auto& e : snap.entries) append_stats_row(out, e);
  append_stats_row(out, snap.total);
  return out;
}

namespace {
void append_history_blocks(std::string& out, const stats::Snapshot& snap, std::size_t first,
                           bool full_history) {
  // Blocks before history.first() left memory (stats/history_log.hpp); a streaming writer is past them.
  for (std::size_t i = std::max(first, snap.history.first()); i < snap.history.size(); ++i) {
    const stats::HistoryBlock& block = *snap.history[i];
    if (full_history) {
      for (const auto& r : block.entries) append_history_row(out, block, r, r.percentiles_us);
      append_history_row(out, block, block.total, block.total.percentiles_us);
    } else {
      append_history_row(out, block, block.total, block.total_run_percentiles_us);
    }
  }
}
}  // namespace

std::string stats_history_csv(const stats::Snapshot& snap, bool full_history) {
  std::string out = std::string(kStatsHistoryCsvHeader) + "\r\n";
  append_history_blocks(out, snap, 0, full_history);
  return out;
}

std::string failures_csv(const stats::Snapshot& snap) {
  std::string out = std::string(kFailuresCsvHeader) + "\r\n";
  for (const auto& f : snap.failures) {
    append_csv_row(out, {f.method, f.name, f.error, std::to_string(f.occurrences)});
  }
  return out;
}

std::string exceptions_csv(const stats::Snapshot& snap) {
  std::string out = std::string(kExceptionsCsvHeader) + "\r\n";
  for (const auto& e : snap.exceptions) {
    append_csv_row(out, {std::to_string(e.count), e.message, e.traceback, e.nodes});
  }
  return out;
}

Result<void> write_locust_csvs(const stats::Snapshot& snap, const std::string& prefix, bool full_history) {
  const std::pair<const char*, std::string> files[] = {
      {"_stats.csv", stats_csv(snap)},
      {"_stats_history.csv", stats_history_csv(snap, full_history)},
      {"_failures.csv", failures_csv(snap)},
      {"_exceptions.csv", exceptions_csv(snap)},
  };
  for (const auto& [suffix, text] : files) {
    if (auto r = write_file_atomically(prefix + suffix, text); !r) return r;
  }
  return {};
}

LocustCsvWriter::LocustCsvWriter(std::string prefix, bool full_history)
    : prefix_(std::move(prefix)), full_history_(full_history) {}

Result<void> LocustCsvWriter::write(const stats::Snapshot& snap) {
  const std::pair<const char*, std::string> files[] = {
      {"_stats.csv", stats_csv(snap)},
      {"_failures.csv", failures_csv(snap)},
      {"_exceptions.csv", exceptions_csv(snap)},
  };
  for (const auto& [suffix, text] : files) {
    if (auto r = write_file_atomically(prefix_ + suffix, text); !r) return r;
  }
  const std::string path = prefix_ + "_stats_history.csv";
  if (!history_started_ || snap.history.size() < blocks_written_) {
    // First write (or a snapshot of another run): the whole file, atomically.
    if (auto r = write_file_atomically(path, stats_history_csv(snap, full_history_)); !r) return r;
    history_started_ = true;
    blocks_written_ = snap.history.size();
    return {};
  }
  std::string more;
  append_history_blocks(more, snap, blocks_written_, full_history_);
  if (!more.empty()) {
    std::ofstream f(path, std::ios::binary | std::ios::app);
    f.write(more.data(), static_cast<std::streamsize>(more.size()));
    f.flush();
    if (!f) return make_error("cannot append to " + path);
  }
  blocks_written_ = snap.history.size();
  return {};
}

}  // namespace cicada::report
