#include "report/markdown_results.hpp"

#include <gtest/gtest.h>

using namespace cicada;
using namespace cicada::report;

namespace {

StoredRun stored_run() {
  StoredRun r;
  r.info.id = "20261126T071530Z-3f9a";
  r.info.started_unix_s = 1'795'000'000;
  r.info.ended_unix_s = 1'795'000'030;
  r.info.complete = true;
  r.info.scenario_file = "examples/health.yaml";
  r.info.target_host = "http://127.0.0.1:8080";
  r.info.users = 10;
  r.info.verdict = "pass";
  stats::EntrySnapshot e;
  e.method = "GET";
  e.name = "/health";
  e.num_requests = 300;
  e.total_rps = 10;
  e.percentiles_us[5] = 1234;
  r.snapshot.entries.push_back(e);
  r.snapshot.total = e;
  r.snapshot.total.method = "";
  r.snapshot.total.name = "Aggregated";
  r.thresholds.push_back({"p95 < 200ms", "Aggregated", 1234, 200000, "1.23ms", "< 200ms", true});
  return r;
}

}  // namespace

TEST(MarkdownResults, SummaryAndTrend) {
  const auto run = stored_run();
  const auto md = results_markdown(run, {RunSummary{run.info, run.snapshot.total}});
  EXPECT_NE(md.find("Run `20261126T071530Z-3f9a`"), std::string::npos) << md;
  EXPECT_NE(md.find("| GET | /health | 300 | 0 | 10.0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1.23 |"), std::string::npos) << "p95 in ms: " << md;
  EXPECT_NE(md.find("`p95 < 200ms`"), std::string::npos);
  EXPECT_NE(md.find("Trend (last 1 runs"), std::string::npos);
}

TEST(MarkdownResults, ReplacesOnlyBetweenTheMarkersAndIsIdempotent) {
  const std::string doc =
      "# Project\n\nintro\n\n<!-- cicada:results:start -->\nold\n<!-- cicada:results:end -->\n\nrest\n";
  auto once = replace_results_section(doc, "new table\n");
  ASSERT_TRUE(once);
  EXPECT_EQ(*once,
            "# Project\n\nintro\n\n<!-- cicada:results:start -->\nnew table\n<!-- cicada:results:end "
            "-->\n\nrest\n");
  auto twice = replace_results_section(*once, "new table\n");
  ASSERT_TRUE(twice);
  EXPECT_EQ(*twice, *once);
}

TEST(MarkdownResults, AppendsMarkersWhenAbsentAndRejectsHalfAPair) {
  auto appended = replace_results_section("# P\ntext", "T\n");
  ASSERT_TRUE(appended);
  EXPECT_EQ(*appended, "# P\ntext\n\n<!-- cicada:results:start -->\nT\n<!-- cicada:results:end -->\n");
  auto again = replace_results_section(*appended, "T\n");
  EXPECT_EQ(*again, *appended);
  EXPECT_FALSE(replace_results_section("<!-- cicada:results:start -->\nno end\n", "T\n"));
  EXPECT_FALSE(
      replace_results_section("<!-- cicada:results:end -->\n<!-- cicada:results:start -->\n", "T\n"));
}
