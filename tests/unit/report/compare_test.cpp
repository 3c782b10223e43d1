#include "report/compare.hpp"

#include <gtest/gtest.h>

#include "synthetic_entry.hpp"

using namespace cicada;
using namespace cicada::report;

namespace {

using test::synthetic_entry;

stats::Snapshot run(std::vector<stats::EntrySnapshot> entries) {
  stats::Snapshot s;
  s.total = synthetic_entry("", "Aggregated", 0, 0, 0, 0);
  for (const auto& e : entries) {
    s.total.num_requests += e.num_requests;
    s.total.num_failures += e.num_failures;
    s.total.total_rps += e.total_rps;
    s.total.percentiles_us = e.percentiles_us;
  }
  s.entries = std::move(entries);
  return s;
}

const MetricChange& metric(const Comparison& c, const std::string& entry, const std::string& name) {
  for (const auto& e : c.entries)
    if (e.label() == entry)
      for (const auto& m : e.metrics)
        if (m.metric == name) return m;
  throw std::runtime_error("no " + entry + " " + name);
}

}  // namespace

TEST(Compare, SmallChangesAreSameLargeOnesHaveADirection) {
  auto a = run({synthetic_entry("GET", "/a", 100'000, 0, 10'000, 1000)});
  auto b = run({synthetic_entry("GET", "/a", 100'000, 0, 10'500, 960)});  // +5% latency, -4% rps: noise
  auto c = compare_runs(a, b, {});
  EXPECT_EQ(metric(c, "GET /a", "p50").verdict, Verdict::kSame);
  EXPECT_EQ(metric(c, "GET /a", "req/s").verdict, Verdict::kSame);
  EXPECT_FALSE(c.regression());

  auto worse = run({synthetic_entry("GET", "/a", 100'000, 0, 15'000, 700)});
  c = compare_runs(a, worse, {});
  EXPECT_EQ(metric(c, "GET /a", "p50").verdict, Verdict::kWorse);
  EXPECT_EQ(metric(c, "GET /a", "p99").verdict, Verdict::kWorse);
  EXPECT_EQ(metric(c, "GET /a", "req/s").verdict, Verdict::kWorse);
  EXPECT_NEAR(metric(c, "GET /a", "req/s").relative, -0.3, 1e-9);
  EXPECT_TRUE(c.regression());

  c = compare_runs(worse, a, {});  // the same change the other way
  EXPECT_EQ(metric(c, "GET /a", "p50").verdict, Verdict::kBetter);
  EXPECT_EQ(metric(c, "GET /a", "req/s").verdict, Verdict::kBetter);
  EXPECT_FALSE(c.regression());
}

TEST(Compare, ToleranceIsAdjustable) {
  auto a = run({synthetic_entry("GET", "/a", 100'000, 0, 10'000, 1000)});
  auto b = run({synthetic_entry("GET", "/a", 100'000, 0, 13'000, 1000)});
  EXPECT_TRUE(compare_runs(a, b, {}).regression());
  CompareOptions loose;
  loose.tolerance = 0.5;
  EXPECT_FALSE(compare_runs(a, b, loose).regression());
}

TEST(Compare, SubMillisecondLatencyJitterIsNoise) {
  // 200 us -> 400 us doubles but stays under the 1 ms floor.
  auto a = run({synthetic_entry("GET", "/a", 100'000, 0, 200, 1000)});
  auto b = run({synthetic_entry("GET", "/a", 100'000, 0, 400, 1000)});
  auto c = compare_runs(a, b, {});
  EXPECT_EQ(metric(c, "GET /a", "p50").verdict, Verdict::kSame);
  EXPECT_EQ(metric(c, "GET /a", "p99").verdict, Verdict::kWorse);  // 1 ms -> 2 ms is past the floor
}

TEST(Compare, PercentilesOfTooFewSamplesAreNotJudged) {
  auto a = run({synthetic_entry("GET", "/a", 500, 0, 10'000, 10)});  // 5 samples above p99
  auto b = run({synthetic_entry("GET", "/a", 500, 0, 30'000, 10)});
  auto c = compare_runs(a, b, {});
  EXPECT_EQ(metric(c, "GET /a", "p50").verdict, Verdict::kWorse);  // 250 samples above p50
  EXPECT_EQ(metric(c, "GET /a", "p95").verdict, Verdict::kWorse);  // 25 above p95
  EXPECT_EQ(metric(c, "GET /a", "p99").verdict, Verdict::kSame);   // 5 above p99
  EXPECT_TRUE(metric(c, "GET /a", "p99").low_samples);
}

TEST(Compare, FailureRatioNeedsStatisticalSignificance) {
  // 1 -> 3 failures in 1000: tripled, but well within chance (z ~ 1.2).
  auto a = run({synthetic_entry("GET", "/a", 1000, 1, 10'000, 100)});
  auto b = run({synthetic_entry("GET", "/a", 1000, 3, 10'000, 100)});
  EXPECT_EQ(metric(compare_runs(a, b, {}), "GET /a", "fail ratio").verdict, Verdict::kSame);
  // 1% -> 3% over 100,000 requests each: real.
  a = run({synthetic_entry("GET", "/a", 100'000, 1000, 10'000, 100)});
  b = run({synthetic_entry("GET", "/a", 100'000, 3000, 10'000, 100)});
  auto c = compare_runs(a, b, {});
  EXPECT_EQ(metric(c, "GET /a", "fail ratio").verdict, Verdict::kWorse);
  EXPECT_TRUE(c.regression());
}

TEST(Compare, AnEntryMissingInBIsARegressionOneOnlyInBIsListed) {
  auto a = run({synthetic_entry("GET", "/a", 1000, 0, 10'000, 100),
                synthetic_entry("GET", "/old", 1000, 0, 10'000, 100)});
  auto b = run({synthetic_entry("GET", "/a", 1000, 0, 10'000, 100),
                synthetic_entry("GET", "/new", 1000, 0, 10'000, 100)});
  auto c = compare_runs(a, b, {});
  ASSERT_EQ(c.entries.size(), 4u);
  EXPECT_FALSE(c.entries[1].in_b);
  EXPECT_EQ(metric(c, "GET /old", "requests").verdict, Verdict::kWorse);
  EXPECT_EQ(metric(c, "GET /old", "requests").a, 1000);
  EXPECT_FALSE(c.entries[2].in_a);
  EXPECT_TRUE(c.entries[2].metrics.empty());
  EXPECT_EQ(c.entries[3].name, "Aggregated");
  EXPECT_TRUE(c.regression());
  const auto table = compare_table(c);
  EXPECT_NE(table.find("only in B"), std::string::npos) << table;
  EXPECT_NE(compare_markdown(c).find("| GET /old | requests | 1000 | - | only in A | **worse** |"),
            std::string::npos)
      << compare_markdown(c);
  // A rare entry (under 10 requests in A) missing in B may be chance: not judged.
  auto rare = compare_runs(run({synthetic_entry("GET", "/a", 1000, 0, 10'000, 100),
                                synthetic_entry("GET", "/rare", 3, 0, 10'000, 0.3)}),
                           run({synthetic_entry("GET", "/a", 1000, 0, 10'000, 100)}), {});
  EXPECT_TRUE(metric(rare, "GET /rare", "requests").low_samples);
  EXPECT_FALSE(rare.regression());
  // Only new entries in B: no regression.
  EXPECT_FALSE(compare_runs(a,
                            run({synthetic_entry("GET", "/a", 1000, 0, 10'000, 100),
                                 synthetic_entry("GET", "/old", 1000, 0, 10'000, 100),
                                 synthetic_entry("GET", "/new", 1000, 0, 10'000, 100)}),
                            {})
                   .regression());
}

TEST(Compare, RendersTableMarkdownAndJson) {
  auto a = run({synthetic_entry("GET", "/a", 100'000, 0, 10'000, 1000)});
  auto b = run({synthetic_entry("GET", "/a", 100'000, 0, 20'000, 1000)});
  auto c = compare_runs(a, b, {});
  c.a_id = "A1";
  c.b_id = "B2";
  const auto table = compare_table(c);
  EXPECT_NE(table.find("+100.0%"), std::string::npos) << table;
  EXPECT_NE(table.find("Regression"), std::string::npos);
  const auto md = compare_markdown(c);
  EXPECT_NE(md.find("| GET /a | p50 | 10.0ms | 20.0ms | +100.0% | **worse** |"), std::string::npos) << md;
  const auto json = compare_json(c);
  EXPECT_NE(json.find("\"regression\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"verdict\": \"worse\""), std::string::npos);
}
