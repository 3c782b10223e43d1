#include "report/console_tables.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "csv_text.hpp"
#include "stats/aggregate.hpp"

using namespace cicada;
using namespace cicada::report;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The last block of each table in Locust's console output of the --tags errors run.
std::vector<std::string> golden_lines() {
  return lines(report::test::read_text(report::test::golden_path("console-tags-errors.txt")));
}

std::size_t last_index_of(const std::vector<std::string>& v, const std::string& needle) {
  for (std::size_t i = v.size(); i-- > 0;) {
    if (v[i].find(needle) != std::string::npos) return i;
  }
  return v.size();
}

// The same entries as the golden run: 17 failing "/health (expect 201)", 13 failing "/missing/[id]".
stats::Snapshot golden_like() {
  stats::Aggregate agg(1000.0);
  stats::StatsDelta d;
  d.taken_at_unix_s = 1002.84;
  stats::Histogram a, b;
  for (int i = 0; i < 17; ++i) a.record(2000 + 50 * i);
  for (int i = 0; i < 13; ++i) b.record(2500 + 300 * i);
  d.entries.push_back({"GET", "/health (expect 201)", 17, 17, 34, a.to_sparse(), {}});
  d.entries.push_back({"GET", "/missing/[id]", 13, 13, 13 * 207, b.to_sparse(), {}});
  d.failures.push_back(
      {"GET", "/health (expect 201)", "CatchResponseError('Expected status code 201, got 200')", 17});
  d.failures.push_back(
      {"GET", "/missing/[id]", "HTTPError('404 Client Error: NOT FOUND for url: /missing/[id]')", 13});
  agg.merge(std::move(d));
  agg.close_second(1002, 2);
  return agg.snapshot(1003.0);
}

}  // namespace

TEST(ConsoleTables, StatsTableHasLocustsLayout) {
  const auto golden = golden_lines();
  const std::size_t g = last_index_of(golden, "# fails |");
  const auto ours = lines(console_stats_table(golden_like(), false));
  ASSERT_EQ(ours.size(), 7u);  // header, separator, 2 rows, separator, Aggregated, empty line
  EXPECT_EQ(ours[0], golden[g]);
  EXPECT_EQ(ours[1], golden[g + 1]);
  EXPECT_EQ(ours[4], golden[g + 4]);
  EXPECT_EQ(ours[6], "");
  for (std::size_t i : {2u, 3u, 5u}) {
    // Method, name, # reqs and # fails are identical; then the same column positions.
    const std::size_t bar = golden[g + i].find('|');
    EXPECT_EQ(ours[i].substr(0, bar + 1), golden[g + i].substr(0, bar + 1));
    EXPECT_EQ(ours[i].size(), golden[g + i].size()) << ours[i];
    EXPECT_EQ(ours[i].rfind('|'), golden[g + i].rfind('|'));
  }
  // Whole-run rates: 30 requests over 2.84 s.
  EXPECT_NE(ours[5].find("10.56       10.56"), std::string::npos) << ours[5];
}

TEST(ConsoleTables, PercentilesTableHasLocustsLayout) {
  const auto golden = golden_lines();
  const std::size_t g = last_index_of(golden, "Response time percentiles");
  const auto ours = lines(console_percentiles_table(golden_like()));
  ASSERT_EQ(ours.size(), 8u);
  for (std::size_t i : {0u, 1u, 2u, 5u}) EXPECT_EQ(ours[i], golden[g + i]);
  for (std::size_t i : {3u, 4u, 6u}) {
    EXPECT_EQ(ours[i].substr(0, 89), golden[g + i].substr(0, 89));  // method and name columns
    EXPECT_EQ(ours[i].size(), golden[g + i].size()) << ours[i];
    EXPECT_EQ(ours[i].substr(ours[i].size() - 7), golden[g + i].substr(golden[g + i].size() - 7));  // # reqs
  }
}

TEST(ConsoleTables, ErrorReportMatchesLocustLines) {
  const auto golden = golden_lines();
  const std::size_t g = last_index_of(golden, "Error report");
  const auto ours = lines(console_failures_table(golden_like()));
  ASSERT_EQ(ours.size(), 7u);
  for (std::size_t i : {0u, 1u, 2u, 5u}) EXPECT_EQ(ours[i], golden[g + i]);
  // Locust's order is a hash order; ours is most frequent first. The lines themselves are identical.
  EXPECT_EQ(ours[3], golden[g + 4]);
  EXPECT_EQ(ours[4], golden[g + 3]);
  EXPECT_EQ(console_failures_table(stats::Aggregate(1.0).snapshot(1.0)), "");
}

TEST(ConsoleTables, EmptyRunPrintsZeroAggregatedRow) {
  const auto ours = lines(console_stats_table(stats::Aggregate(1.0).snapshot(1.0)));
  // Locust's first table of console-headless.txt: header, separator, separator, Aggregated, empty line.
  ASSERT_EQ(ours.size(), 5u);
  EXPECT_EQ(
      ours[3],
      "         Aggregated                                                                         0     "
      "0(0.00%) |      0       0       0      0 |    0.00        0.00");
}

TEST(ConsoleTables, MillisecondsKeepDecimalsWhenSmall) {
  EXPECT_EQ(console_ms(std::int64_t{1234}), "1.23");
  EXPECT_EQ(console_ms(std::int64_t{12'345}), "12.3");
  EXPECT_EQ(console_ms(std::int64_t{123'456}), "123");
  EXPECT_EQ(console_ms(std::int64_t{0}), "0.00");
}
