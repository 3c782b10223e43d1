#include "report/thresholds.hpp"

#include <gtest/gtest.h>

#include "synthetic_entry.hpp"

using namespace cicada;
using namespace cicada::report;

namespace {

using test::synthetic_entry;

stats::Snapshot snapshot() {
  stats::Snapshot s;
  s.entries.push_back(synthetic_entry("GET", "/health", 1000, 0, 500, 500));
  s.entries.push_back(synthetic_entry("POST", "/predict", 1000, 30, 8'000, 500));
  s.total = synthetic_entry("", "Aggregated", 2000, 30, 10'000, 1000);
  return s;
}

}  // namespace

TEST(Thresholds, ParsesTheFourDocumentedForms) {
  auto a = parse_threshold("p95 < 200ms");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->aggregated());
  EXPECT_EQ(a->metric, ThresholdMetric::kPercentile);
  EXPECT_EQ(a->percentile_index, 5u);
  EXPECT_EQ(a->op, ThresholdOp::kLess);
  EXPECT_DOUBLE_EQ(a->limit, 200'000);

  auto b = parse_threshold("POST /predict: p99 < 50ms");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->method, "POST");
  EXPECT_EQ(b->name, "/predict");
  EXPECT_EQ(b->percentile_index, 7u);

  auto c = parse_threshold("fail_ratio < 1%");
  ASSERT_TRUE(c);
  EXPECT_DOUBLE_EQ(c->limit, 0.01);

  auto d = parse_threshold("rps > 1000");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->metric, ThresholdMetric::kRps);
  EXPECT_EQ(d->op, ThresholdOp::kGreater);
  EXPECT_DOUBLE_EQ(d->limit, 1000);
}

TEST(Thresholds, UnitsOperatorsAndNamesWithColons) {
  auto t = parse_threshold("p99.9<=1.5s");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->op, ThresholdOp::kLessEqual);
  EXPECT_EQ(t->percentile_index, 8u);
  EXPECT_DOUBLE_EQ(t->limit, 1.5e6);
  EXPECT_DOUBLE_EQ(parse_threshold("avg < 250us")->limit, 250);
  EXPECT_DOUBLE_EQ(parse_threshold("max < 3")->limit, 3000);  // a bare time is ms
  EXPECT_DOUBLE_EQ(parse_threshold("fail_ratio <= 0.02")->limit, 0.02);
  EXPECT_EQ(parse_threshold("requests >= 10")->op, ThresholdOp::kGreaterEqual);
  auto named = parse_threshold("GET http://x:81/a: median < 5ms");
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->method, "GET");
  EXPECT_EQ(named->name, "http://x:81/a");
  auto any_method = parse_threshold("/predict (invalid): p50 < 5ms");
  ASSERT_TRUE(any_method);
  EXPECT_EQ(any_method->method, "");
  EXPECT_EQ(any_method->name, "/predict (invalid)");
}

TEST(Thresholds, BadTextsAreErrorsThatSayWhy) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : {Case{"p97 < 200ms", "unknown metric 'p97'"}, Case{"latency < 1s", "unknown metric"},
                        Case{"p95 200ms", "operator"}, Case{"p95 < fast", "expected a number"},
                        Case{"p95 < 200 minutes", "time unit"}, Case{"fail_ratio < 5", "percentage"},
                        Case{"rps > 10ms", "rate"}, Case{": p95 < 1ms", "entry name"},
                        Case{"< 1ms", "metric before"}, Case{"p95 < -1ms", "at least 0"},
                        // Numbers to from_chars, not limits: inf always passed, nan always failed.
                        Case{"p95 < inf", "finite"}, Case{"p95 < nan ms", "finite"},
                        Case{"fail_ratio < nan%", "finite"}, Case{"rps > infinity", "finite"}}) {
    auto t = parse_threshold(c.text);
    ASSERT_FALSE(t) << c.text;
    EXPECT_NE(t.error().message.find(c.says), std::string::npos) << c.text << " -> " << t.error().message;
    EXPECT_NE(t.error().message.find(c.text), std::string::npos) << "the message quotes the threshold";
  }
}

TEST(Thresholds, AGrpcEntryIsNamedByItsMethodGrpc) {
  auto t = parse_threshold("grpc inference.GRPCInferenceService/ModelInfer: p95 < 50ms");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->method, "grpc");
  EXPECT_EQ(t->name, "inference.GRPCInferenceService/ModelInfer");
  std::vector<EntryKey> known = {{"grpc", "inference.GRPCInferenceService/ModelInfer"}};
  auto list = parse_thresholds({t->text});
  EXPECT_TRUE(check_threshold_entries(*list, known));
}

TEST(Thresholds, UnknownEntryIsAUsageErrorListingTheEntries) {
  auto list = parse_thresholds({"p95 < 1s", "POST /predict: p99 < 1s", "GET /nope: p99 < 1s"});
  ASSERT_TRUE(list);
  std::vector<EntryKey> known = {{"GET", "/health"}, {"POST", "/predict"}};
  auto r = check_threshold_entries(*list, known);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("GET /nope"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("POST /predict"), std::string::npos) << "lists what exists";
  auto wrong_method = parse_thresholds({"GET /predict: p99 < 1s"});
  EXPECT_FALSE(check_threshold_entries(*wrong_method, known));
  auto any_method = parse_thresholds({"/predict: p99 < 1s"});
  EXPECT_TRUE(check_threshold_entries(*any_method, known));
}

TEST(Thresholds, EvaluatesActualAgainstLimit) {
  auto list = parse_thresholds({"p95 < 200ms", "POST /predict: p95 < 20ms", "fail_ratio < 1%", "rps > 1000",
                                "GET /health: fail_ratio <= 0%", "failures <= 30"});
  ASSERT_TRUE(list);
  const auto snap = snapshot();
  auto results = evaluate_thresholds(*list, snap);
  ASSERT_EQ(results.size(), 6u);
  EXPECT_TRUE(results[0].passed);   // 30 ms < 200 ms
  EXPECT_FALSE(results[1].passed);  // 24 ms >= 20 ms
  EXPECT_DOUBLE_EQ(results[1].actual, 24'000);
  EXPECT_EQ(results[1].entry, "POST /predict");
  EXPECT_FALSE(results[2].passed);  // 1.5% failures
  EXPECT_DOUBLE_EQ(results[2].actual, 0.015);
  EXPECT_FALSE(results[3].passed);  // 1000 is not > 1000
  EXPECT_TRUE(results[4].passed);
  EXPECT_TRUE(results[5].passed);
  EXPECT_FALSE(all_passed(results));
  const auto table = thresholds_table(results);
  EXPECT_NE(table.find("FAIL"), std::string::npos);
  EXPECT_NE(table.find("actual 24.0ms (limit < 20.0ms)"), std::string::npos) << table;
  EXPECT_NE(table.find("actual 1.50%"), std::string::npos) << table;
}

TEST(Thresholds, AnEntryWithoutRequestsFailsInsteadOfPassingVacuously) {
  auto list = parse_thresholds({"GET /later: p95 < 1s", "p95 < 1s"});
  ASSERT_TRUE(list);
  stats::Snapshot empty;
  auto results = evaluate_thresholds(*list, empty);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].no_data);
  EXPECT_FALSE(results[0].passed);
  EXPECT_FALSE(results[1].passed);
  EXPECT_NE(thresholds_table(results).find("actual no data"), std::string::npos) << thresholds_table(results);
}

// A target that never answered records nothing: "failures < 1" and "requests < 1000" hold for zero only
// because nothing was measured, so they fail with "no data" too, on entries and on the Aggregated row.
TEST(Thresholds, CountLimitsOnNothingMeasuredFailWithNoData) {
  auto list =
      parse_thresholds({"failures < 1", "requests < 1000", "GET /health: failures <= 0", "fail_ratio < 1%"});
  ASSERT_TRUE(list);
  stats::Snapshot hung;
  hung.entries.push_back(synthetic_entry("GET", "/health", 0, 0, 0, 0));
  hung.total = synthetic_entry("", "Aggregated", 0, 0, 0, 0);
  auto results = evaluate_thresholds(*list, hung);
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) {
    EXPECT_TRUE(r.no_data) << r.threshold->text;
    EXPECT_FALSE(r.passed) << r.threshold->text;
    EXPECT_EQ(threshold_figures(r).actual, "no data");
  }
  EXPECT_FALSE(all_passed(results));
  // With data, the same count limits are judged normally.
  auto measured = evaluate_thresholds(*list, snapshot());
  EXPECT_FALSE(measured[0].no_data);
  EXPECT_FALSE(measured[0].passed);  // 30 failures
  EXPECT_FALSE(measured[1].passed);  // 2000 requests
  EXPECT_TRUE(measured[2].passed);   // GET /health: 0 failures of 1000
}

// Every request failed (a target that is down refuses connections in a fraction of a millisecond): a
// request time limit does not pass on the failures' times. Ratios and counts are judged as usual.
TEST(Thresholds, RequestTimesOfAnEntryWhoseEveryRequestFailedFailWithNoSuccessfulRequest) {
  auto list = parse_thresholds({"p95 < 200ms", "GET /down: avg < 1s", "fail_ratio < 100%", "requests > 5"});
  ASSERT_TRUE(list);
  stats::Snapshot down;
  down.entries.push_back(synthetic_entry("GET", "/down", 69, 69, 200, 100));
  down.total = synthetic_entry("", "Aggregated", 69, 69, 200, 100);
  const auto results = evaluate_thresholds(*list, down);
  ASSERT_EQ(results.size(), 4u);
  for (int i : {0, 1}) {
    EXPECT_FALSE(results[i].passed) << results[i].threshold->text;
    EXPECT_TRUE(results[i].only_failures) << results[i].threshold->text;
    EXPECT_EQ(threshold_figures(results[i]).actual, "no successful request");
  }
  EXPECT_FALSE(results[2].passed);  // 100% is not < 100%
  EXPECT_FALSE(results[2].only_failures);
  EXPECT_TRUE(results[3].passed);  // 69 requests were made
  // One success is enough to judge times (the failures' times count too, as in Locust).
  down.total = synthetic_entry("", "Aggregated", 69, 68, 200, 100);
  EXPECT_TRUE(evaluate_thresholds(*list, down)[0].passed);
}

// "NAME:" matches every method of that name the scenario declares: one that made no request fails (no
// data) instead of being left out while its sibling passes.
TEST(Thresholds, ANameThresholdFailsADeclaredEntryOfThatNameWithoutRequests) {
  auto list = parse_thresholds({"/x: p95 < 50ms", "GET /x: p95 < 50ms"});
  ASSERT_TRUE(list);
  declare_entries(*list, {{"GET", "/x"}, {"POST", "/x"}, {"GET", "/other"}});
  EXPECT_EQ((*list)[0].declared_methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_TRUE((*list)[1].declared_methods.empty()) << "a method given: that entry alone";
  stats::Snapshot snap;
  snap.entries.push_back(synthetic_entry("GET", "/x", 100, 0, 5'000, 1'000));
  snap.total = synthetic_entry("", "Aggregated", 100, 0, 5'000, 1'000);
  const auto results = evaluate_thresholds(*list, snap);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].entry, "GET /x");
  EXPECT_TRUE(results[0].passed);
  EXPECT_EQ(results[1].entry, "POST /x");
  EXPECT_TRUE(results[1].no_data);
  EXPECT_FALSE(results[1].passed);
  EXPECT_EQ(results[2].entry, "GET /x");
  EXPECT_TRUE(results[2].passed);
}

// A line's figures read as its verdict: rounded to their usual digits a failing p95 of 50.04 ms read
// "actual 50.0ms (limit <= 50.0ms)" and a passing 0.996% failure ratio "actual 1.00% (limit < 1.00%)"
// (a CI probe). Whatever the values, the printed actual compared with the printed limit gives the verdict.
TEST(Thresholds, PrintedFiguresNeverReadTheOtherWayThanTheVerdict) {
  auto list =
      parse_thresholds({"p95 <= 50ms", "fail_ratio < 1%", "rps >= 1000", "p50 < 10ms", "p95 < 200ms"});
  ASSERT_TRUE(list);
  stats::Snapshot s;
  // p95 3 x 16.68 ms = 50.04 ms, 996 failures in 100000 requests, 999.996 req/s.
  s.total = synthetic_entry("", "Aggregated", 100'000, 996, 16'680, 999.996);
  auto results = evaluate_thresholds(*list, s);
  ASSERT_EQ(results.size(), 5u);
  const auto shown = [](const ThresholdResult& r) { return threshold_figures(r); };
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(shown(results[0]).actual, "50.04ms");
  EXPECT_EQ(shown(results[0]).limit, "<= 50.00ms");
  EXPECT_TRUE(results[1].passed);  // 0.996% < 1%
  EXPECT_EQ(shown(results[1]).actual, "0.996%");
  EXPECT_EQ(shown(results[1]).limit, "< 1.000%");
  EXPECT_FALSE(results[2].passed);  // 999.996/s is not >= 1000/s
  EXPECT_EQ(shown(results[2]).actual, "999.996/s");
  EXPECT_EQ(shown(results[2]).limit, ">= 1000.000/s");
  // Figures that already read right keep their usual digits.
  EXPECT_EQ(shown(results[4]).actual, "50.0ms");
  EXPECT_EQ(shown(results[4]).limit, "< 200ms");

  stats::Snapshot fast;
  fast.total = synthetic_entry("", "Aggregated", 10, 0, 9'998, 1);
  auto p50 = evaluate_thresholds(*list, fast)[3];
  EXPECT_TRUE(p50.passed);  // 9.998 ms < 10 ms: both "10.0ms" at the usual digits
  EXPECT_EQ(threshold_figures(p50).actual, "9.998ms");
  EXPECT_EQ(threshold_figures(p50).limit, "< 10.000ms");

  // The rule over many values: parse the printed numbers back and compare them as the threshold does.
  for (double actual_us = 49'990; actual_us <= 50'010; actual_us += 0.5) {
    ThresholdResult r;
    r.threshold = &(*list)[0];
    r.actual = actual_us;
    r.passed = actual_us <= 50'000;
    const auto f = threshold_figures(r);
    const double a = std::stod(f.actual), l = std::stod(f.limit.substr(3));
    EXPECT_EQ(a <= l, r.passed) << f.actual << " " << f.limit;
  }
}

// A limit under a hundredth of a millisecond ('p95 < 1us', 'p50 < 5us') is printed with the digits it has:
// it read "limit < 0.00ms".
TEST(Thresholds, MicrosecondLimitsArePrintedAsSuch) {
  auto list = parse_thresholds({"p95 < 1us", "p50 <= 5us"});
  ASSERT_TRUE(list);
  stats::Snapshot s;
  s.total = synthetic_entry("", "Aggregated", 100, 0, 2'000, 10);
  const auto results = evaluate_thresholds(*list, s);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(threshold_figures(results[0]).limit, "< 0.001ms");
  EXPECT_EQ(threshold_figures(results[1]).limit, "<= 0.005ms");
  EXPECT_EQ(format_threshold_value((*list)[0], 1), "0.001ms");
}
