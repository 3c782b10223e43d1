// Reads our CSVs with pandas exactly as Locust's golden files are read (tests/unit/report/pandas_dtypes.py).
// Skipped when Debian's python3 has no pandas (scripts/install-deps.sh installs python3-pandas).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "report/locust_csv.hpp"
#include "stats/aggregate.hpp"

using namespace cicada;

namespace {

stats::Snapshot run_with_traffic() {
  stats::Aggregate agg(1000.0);  // start-up block at 1000
  for (int t = 1001; t <= 1004; ++t) {
    stats::StatsDelta d;
    d.taken_at_unix_s = t + 0.5;
    stats::Histogram fast, slow;
    for (int i = 0; i < 50; ++i) fast.record(900 + 37 * i);
    for (int i = 0; i < 20; ++i) slow.record(7000 + 1111 * i);
    d.entries.push_back({"GET", "/health", fast.count(), 0, 2 * fast.count(), fast.to_sparse(), {}});
    d.entries.push_back({"POST", "/predict", slow.count(), 2, 28 * slow.count(), slow.to_sparse(), {}});
    d.failures.push_back({"POST", "/predict", "HTTPError('500 Server Error, sorry')", 2});
    d.exceptions.push_back({"deliberate error", "  File \"golden.py\", line 43, in broken_task\n", 1});
    agg.merge(std::move(d));
    agg.close_second(t, 5);
  }
  // The run stops at 1004.9: the final close falls in the second already closed (was written twice).
  stats::StatsDelta last;
  last.taken_at_unix_s = 1004.9;
  agg.merge(std::move(last));
  agg.close_second(1004, 0);
  return agg.snapshot(1004.9);
}

}  // namespace

TEST(PandasCompat, OurCsvsHaveLocustsNumericColumns) {
  if (std::system("/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "pandas is not installed for /usr/bin/python3";
  }
  const auto dir = std::filesystem::path(CICADA_BINARY_DIR) / "report_pandas_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string script = std::string(CICADA_SOURCE_DIR) + "/tests/unit/report/pandas_dtypes.py";
  const std::string golden = std::string(CICADA_SOURCE_DIR) + "/tests/golden/locust-2.12/golden";
  for (bool full : {false, true}) {
    const std::string ours = (dir / (full ? "full" : "plain")).string();
    ASSERT_TRUE(report::write_locust_csvs(run_with_traffic(), ours, full).ok());
    const std::string golden_prefix = full ? golden + "_full" : golden;
    const std::string cmd = "/usr/bin/python3 " + script + " " + golden_prefix + " " + ours;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
}
