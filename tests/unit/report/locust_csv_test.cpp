#include "report/locust_csv.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "csv_text.hpp"
#include "stats/aggregate.hpp"

using namespace cicada;
using namespace cicada::report;
using report::test::CsvRows;
using report::test::first_line;
using report::test::golden_path;
using report::test::parse_csv;
using report::test::read_text;

namespace {

stats::EntryDelta entry(std::string method, std::string name, std::vector<std::int64_t> latencies_us,
                        std::uint64_t failures, std::uint64_t bytes_each) {
  stats::Histogram h;
  for (auto v : latencies_us) h.record(v);
  return stats::EntryDelta{std::move(method),      std::move(name), h.count(), failures,
                           bytes_each * h.count(), h.to_sparse(),   {}};
}

// A small run shaped like the golden one: a first second with no request, then three seconds of traffic.
stats::Snapshot sample_run() {
  stats::Aggregate agg(1000.0);  // writes the start-up block (second 1000) itself
  for (int t = 1001; t <= 1003; ++t) {
    stats::StatsDelta d;
    d.taken_at_unix_s = t + 0.5;
    d.entries.push_back(entry("POST", "/predict", {7100, 8000, 9100, 86518}, 0, 28));
    d.entries.push_back(entry("GET", "/health", {1309, 2000}, 0, 2));
    d.entries.push_back(entry("GET", "/missing/[id]", {2500}, 1, 207));
    d.failures.push_back(
        {"GET", "/missing/[id]", "HTTPError('404 Client Error: NOT FOUND for url: /missing/[id]')", 1});
    d.exceptions.push_back({"deliberate error, with \"quotes\"", "  File \"golden.py\", line 43\n", 1});
    agg.merge(std::move(d));
    agg.close_second(t, 5 * (t - 1000));
  }
  return agg.snapshot(1003.9);
}

std::vector<std::string> column(const CsvRows& rows, std::size_t col) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i < rows.size(); ++i) out.push_back(rows[i].at(col));
  return out;
}

}  // namespace

TEST(LocustCsv, HeadersAreByteIdenticalToLocust) {
  EXPECT_EQ(first_line(read_text(golden_path("golden_stats.csv"))), kStatsCsvHeader);
  EXPECT_EQ(first_line(read_text(golden_path("golden_stats_history.csv"))), kStatsHistoryCsvHeader);
  EXPECT_EQ(first_line(read_text(golden_path("golden_full_stats_history.csv"))), kStatsHistoryCsvHeader);
  EXPECT_EQ(first_line(read_text(golden_path("golden_failures.csv"))), kFailuresCsvHeader);
  EXPECT_EQ(first_line(read_text(golden_path("golden_exceptions.csv"))), kExceptionsCsvHeader);
  stats::Snapshot empty = stats::Aggregate(1000.0).snapshot(1000.0);
  EXPECT_EQ(first_line(stats_csv(empty)), kStatsCsvHeader);
  EXPECT_EQ(first_line(stats_history_csv(empty, true)), kStatsHistoryCsvHeader);
  EXPECT_EQ(first_line(failures_csv(empty)), kFailuresCsvHeader);
  EXPECT_EQ(first_line(exceptions_csv(empty)), kExceptionsCsvHeader);
}

TEST(LocustCsv, SameShapeAsGoldenFiles) {
  stats::Snapshot snap = sample_run();
  const std::pair<std::string, std::string> pairs[] = {
      {"golden_stats.csv", stats_csv(snap)},
      {"golden_stats_history.csv", stats_history_csv(snap, false)},
      {"golden_full_stats_history.csv", stats_history_csv(snap, true)},
      {"golden_failures.csv", failures_csv(snap)},
      {"golden_exceptions.csv", exceptions_csv(snap)},
  };
  for (const auto& [golden, ours] : pairs) {
    CsvRows g = parse_csv(read_text(golden_path(golden)));
    CsvRows o = parse_csv(ours);
    ASSERT_GE(o.size(), 2u) << golden;
    for (const auto& row : o) EXPECT_EQ(row.size(), g[0].size()) << golden;
  }
}

TEST(LocustCsv, StatsRowsSortedWithAggregatedLastAndValuesInMs) {
  CsvRows rows = parse_csv(stats_csv(sample_run()));
  ASSERT_EQ(rows.size(), 5u);  // header, 3 entries, Aggregated
  EXPECT_EQ(column(rows, 1),
            (std::vector<std::string>{"/health", "/missing/[id]", "/predict", "Aggregated"}));
  EXPECT_EQ(column(rows, 0), (std::vector<std::string>{"GET", "GET", "POST", ""}));
  const auto& predict = rows[3];
  EXPECT_EQ(predict[2], "12");       // Request Count
  EXPECT_EQ(predict[3], "0");        // Failure Count
  EXPECT_EQ(predict[6], "7.1");      // Min (exact, ms)
  EXPECT_EQ(predict[7], "86.518");   // Max (exact, ms)
  EXPECT_EQ(predict[8], "28.0");     // Average Content Size
  EXPECT_EQ(predict[21], "86.518");  // 100%
  EXPECT_DOUBLE_EQ(std::stod(predict[5]), (7.1 + 8.0 + 9.1 + 86.518) / 4);
  // 12 requests over 3.5 s (start 1000.0, last request 1003.5).
  EXPECT_DOUBLE_EQ(std::stod(predict[9]), 12 / 3.5);
  const auto& total = rows[4];
  EXPECT_EQ(total[2], "21");
  EXPECT_EQ(total[3], "3");
  EXPECT_EQ(total[6], "1.309");
  EXPECT_DOUBLE_EQ(std::stod(total[10]), 3 / 3.5);
}

TEST(LocustCsv, RowWithoutRequestsHasNaPercentiles) {
  stats::Aggregate agg(1000.0);
  stats::StatsDelta d;
  d.entries.push_back(entry("GET", "/a", {1000}, 0, 0));
  agg.merge(std::move(d));
  agg.close_second(1000, 1);
  agg.reset(1001.0);
  CsvRows rows = parse_csv(stats_csv(agg.snapshot(1001.0)));
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t row : {1u, 2u}) {
    EXPECT_EQ(std::vector<std::string>(rows[row].begin() + 2, rows[row].begin() + 11),
              (std::vector<std::string>{"0", "0", "0", "0.0", "0", "0", "0", "0.0", "0.0"}));
    for (std::size_t c = 11; c < 22; ++c) EXPECT_EQ(rows[row][c], "N/A");
  }
}

TEST(LocustCsv, HistoryFirstBlockMatchesLocustByteForByte) {
  // Locust's first block: the second of launch, before any request.
  std::string golden = read_text(golden_path("golden_stats_history.csv"));
  std::string golden_first = golden.substr(golden.find("\r\n") + 2);
  golden_first =
      golden_first.substr(golden_first.find(','), golden_first.find("\r\n") - golden_first.find(','));
  std::string ours = stats_history_csv(sample_run(), false);
  ours = ours.substr(ours.find("\r\n") + 2);
  EXPECT_EQ(ours.substr(0, ours.find(',')), "1000");
  EXPECT_EQ(ours.substr(ours.find(','), ours.find("\r\n") - ours.find(',')), golden_first);
}

TEST(LocustCsv, HistoryBlocksPerSecond) {
  stats::Snapshot snap = sample_run();
  CsvRows plain = parse_csv(stats_history_csv(snap, false));
  ASSERT_EQ(plain.size(), 5u);  // header + 4 seconds, Aggregated only
  EXPECT_EQ(column(plain, 0), (std::vector<std::string>{"1000", "1001", "1002", "1003"}));
  EXPECT_EQ(column(plain, 1), (std::vector<std::string>{"0", "5", "10", "15"}));
  EXPECT_EQ(plain[4][3], "Aggregated");
  EXPECT_EQ(plain[4][4], "7.000000");  // 7 + 7 requests over the 2 s from 1001.5 to 1003.5
  EXPECT_EQ(plain[4][16], "86.518");   // whole-run 100%
  EXPECT_EQ(plain[4][17], "21");       // Total Request Count

  CsvRows full = parse_csv(stats_history_csv(snap, true));
  ASSERT_EQ(full.size(),
            1u + 1u + 3u * 4u);  // header, first block (Aggregated only), 3 x (3 entries + total)
  EXPECT_EQ(full[2][3], "/health");
  EXPECT_EQ(full[5][3], "Aggregated");
  EXPECT_EQ(full[5][2], "");
}

TEST(LocustCsv, FailuresAndExceptionsQuoteLikePython) {
  stats::Snapshot snap = sample_run();
  std::string failures = failures_csv(snap);
  EXPECT_EQ(failures,
            "Method,Name,Error,Occurrences\r\n"
            "GET,/missing/[id],HTTPError('404 Client Error: NOT FOUND for url: /missing/[id]'),3\r\n");
  std::string exceptions = exceptions_csv(snap);
  EXPECT_EQ(exceptions,
            "Count,Message,Traceback,Nodes\r\n"
            "3,\"deliberate error, with \"\"quotes\"\"\",\"  File \"\"golden.py\"\", line 43\n\",local\r\n");
  CsvRows rows = parse_csv(exceptions);
  EXPECT_EQ(rows[1][1], "deliberate error, with \"quotes\"");
  EXPECT_EQ(rows[1][2], "  File \"golden.py\", line 43\n");
}

TEST(LocustCsv, WritesFourFilesAtomically) {
  const auto dir = std::filesystem::path(CICADA_BINARY_DIR) / "report_csv_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string prefix = (dir / "run").string();
  stats::Snapshot snap = sample_run();
  ASSERT_TRUE(write_locust_csvs(snap, prefix, true).ok());
  EXPECT_EQ(read_text(prefix + "_stats.csv"), stats_csv(snap));
  EXPECT_EQ(read_text(prefix + "_stats_history.csv"), stats_history_csv(snap, true));
  EXPECT_EQ(read_text(prefix + "_failures.csv"), failures_csv(snap));
  EXPECT_EQ(read_text(prefix + "_exceptions.csv"), exceptions_csv(snap));
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    EXPECT_NE(f.path().extension(), ".tmp") << f.path();
  }
  auto bad = write_locust_csvs(snap, (dir / "missing-dir" / "run").string(), false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("cannot write"), std::string::npos);
}

TEST(LocustCsv, WriterAppendsOnlyNewHistoryBlocks) {
  const auto dir = std::filesystem::path(CICADA_BINARY_DIR) / "report_csv_writer_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string prefix = (dir / "run").string();
  stats::Aggregate agg(1000.0);
  LocustCsvWriter writer(prefix, true);
  ASSERT_TRUE(writer.write(agg.snapshot(1000.5)).ok());
  for (int t = 1001; t <= 1004; ++t) {
    stats::StatsDelta d;
    d.taken_at_unix_s = t + 0.5;
    d.entries.push_back(entry("GET", "/a", {1000 + t}, 0, 1));
    agg.merge(std::move(d));
    agg.close_second(t, 1);
    if (t != 1003) {
      ASSERT_TRUE(writer.write(agg.snapshot(t + 0.5)).ok());  // skipping a second must not lose its block
    }
  }
  stats::Snapshot last = agg.snapshot(1004.5);
  EXPECT_EQ(read_text(prefix + "_stats_history.csv"), stats_history_csv(last, true));
  EXPECT_EQ(read_text(prefix + "_stats.csv"), stats_csv(last));
  EXPECT_EQ(parse_csv(read_text(prefix + "_stats_history.csv")).size(), 1u + 1u + 4u * 2u);
}
