// `cicada capacity --html`: the throughput-latency page from a synthetic search result.
#include "report/capacity_html.hpp"

#include <gtest/gtest.h>

#include <string>

#include "report/capacity_json.hpp"
#include "support/text_count.hpp"

using namespace cicada;
using namespace cicada::report;

using cicada::testing::count_occurrences;

namespace {

// Four arrival-rate steps of 100/s; the fourth crosses p95 < 50ms.
runner::CapacityResult four_steps() {
  runner::CapacityResult r;
  for (int i = 1; i <= 4; ++i) {
    runner::CapacityPoint p;
    p.step = i;
    p.load = 100.0 * i;
    p.throughput_rps = i < 4 ? 100.0 * i : 310;
    p.goodput_rps = i < 4 ? p.throughput_rps : 120;
    p.percentiles_us[0] = 5'000 * i;
    p.percentiles_us[5] = i < 4 ? 10'000 * i : 73'100;
    p.percentiles_us[7] = 20'000 * i;
    p.within_slo = i < 4;
    p.objectives_held = i < 4;
    p.verdict = i < 4 ? runner::StepVerdict::kMet : runner::StepVerdict::kCrossed;
    if (i == 4) p.violated = "p95 < 50ms";
    r.curve.push_back(p);
  }
  r.found = true;
  r.best = r.curve[2];
  r.stop_reason = "p95 < 50ms crossed at 400/s: p95 = 73.1 ms";
  return r;
}

}  // namespace

TEST(CapacityHtml, OnePointPerStepOnEachCurveAndOneRowPerStep) {
  const auto html =
      capacity_html(runner::CapacityPlan{}, four_steps(), {"s.yaml", "http://127.0.0.1:1", {"p95 < 50ms"}});
  // Throughput chart: throughput and goodput; latency chart: p95 and p99.
  EXPECT_EQ(count_occurrences(html, "class=\"point\""), 8u + 8u) << html;
  EXPECT_EQ(count_occurrences(html, "<tr class=\"step\">"), 4u);
  EXPECT_NE(html.find("<td>400/s</td><td>310.0</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("crossed: p95 &lt; 50ms"), std::string::npos);
  EXPECT_NE(html.find("offered load (iterations/s)"), std::string::npos);
}

TEST(CapacityHtml, SaysWhatTheSearchVariedAndWithWhichArrivals) {
  runner::CapacityPlan plan;
  EXPECT_NE(capacity_html(plan, four_steps(), {}).find("<dt>Load</dt><dd>arrival rate, paced arrivals"),
            std::string::npos);
  plan.poisson_arrivals = true;
  EXPECT_NE(
      capacity_html(plan, four_steps(), {}).find("<dt>Load</dt><dd>arrival rate, Poisson arrivals</dd>"),
      std::string::npos);
  EXPECT_EQ(capacity_plan_json(plan)["arrival_distribution"], "poisson");
  plan.open_model = false;
  EXPECT_NE(capacity_html(plan, four_steps(), {}).find("<dt>Load</dt><dd>users (a closed loop)</dd>"),
            std::string::npos);
  EXPECT_TRUE(capacity_plan_json(plan)["arrival_distribution"].is_null());
}

TEST(CapacityHtml, MarksTheLimitAndTheMaximumOnBothCharts) {
  const auto html = capacity_html(runner::CapacityPlan{}, four_steps(), {});
  EXPECT_EQ(count_occurrences(html, "class=\"mark\""), 4u) << html;
  EXPECT_EQ(count_occurrences(html, ">limit: p95 &lt; 50ms</text>"), 2u);
  EXPECT_EQ(count_occurrences(html, ">max sustainable: 300/s</text>"), 2u);
  EXPECT_NE(
      html.find("Maximum sustainable load</dt><dd>300/s (300.0 req/s, goodput 300.0 req/s, p95 30.0 ms)"),
      std::string::npos);
}

TEST(CapacityHtml, NothingFoundSaysSoAndMarksOnlyTheLimit) {
  auto r = four_steps();
  r.found = false;
  for (auto& p : r.curve) p.within_slo = false, p.violated = "fail_ratio < 1%";
  const auto html = capacity_html(runner::CapacityPlan{}, r, {});
  EXPECT_NE(html.find("none: no step met every objective"), std::string::npos);
  EXPECT_EQ(count_occurrences(html, ">limit: fail_ratio &lt; 1%</text>"), 2u);
  EXPECT_EQ(count_occurrences(html, "max sustainable:"), 0u);
}

// Issue 16: whether the generator, not the target, was short of CPU is visible in every output: its own CPU
// use, its threads' wait for a CPU (schedstat) and its polling loops' busy share, per step and per window;
// unknown reads N/A (null).
TEST(CapacityHtml, EachStepShowsTheGeneratorsCpuAndItsWaitForACpu) {
  auto r = four_steps();
  r.curve[3].generator_cpu = 0.5;
  r.curve[3].generator_cpu_wait = 0.31;
  r.curve[3].generator_busy = 0.88;
  runner::CapacityWindowSummary w;
  w.throughput_rps = 310;
  w.generator_cpu = 0.5;
  w.generator_cpu_wait = 0.31;
  w.generator_busy = 0.88;
  r.curve[3].windows = {w};
  const auto html = capacity_html(runner::CapacityPlan{}, r, {});
  EXPECT_NE(html.find("<th>Generator CPU</th><th>CPU wait</th><th>Polling loops busy</th>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>50%</td><td>31%</td><td>88%</td>"), std::string::npos) << html;
  EXPECT_EQ(count_occurrences(html, "<td>N/A</td><td>N/A</td><td>N/A</td>"), 3u) << html;

  const auto json = capacity_curve_json(runner::CapacityPlan{}, r);
  EXPECT_DOUBLE_EQ(json["points"][3]["generator_cpu_wait"].get<double>(), 0.31) << json.dump();
  EXPECT_DOUBLE_EQ(json["points"][3]["windows"][0]["generator_cpu_wait"].get<double>(), 0.31);
  EXPECT_TRUE(json["points"][0]["generator_cpu_wait"].is_null());
  const auto back = capacity_curve_from_json(json);
  ASSERT_TRUE(back);
  EXPECT_DOUBLE_EQ(back->result.curve[3].windows.at(0).generator_cpu_wait, 0.31);
  EXPECT_LT(back->result.curve[0].generator_cpu_wait, 0);
  EXPECT_DOUBLE_EQ(json["points"][3]["generator_busy"].get<double>(), 0.88);
  EXPECT_TRUE(json["points"][0]["generator_busy"].is_null());
  EXPECT_DOUBLE_EQ(back->result.curve[3].generator_busy, 0.88);
  EXPECT_DOUBLE_EQ(back->result.curve[3].windows.at(0).generator_busy, 0.88);
  EXPECT_LT(back->result.curve[0].generator_busy, 0);
}

TEST(CapacityJson, ASaturatedStepWithinTheObjectivesAboveTheAnswerIsShownAndKept) {
  auto r = four_steps();
  EXPECT_DOUBLE_EQ(capacity_curve_json(runner::CapacityPlan{}, r)["saturated_bound_rps"].get<double>(), 0);
  // A fifth step where the generator saturated at 900/s with every objective held.
  runner::CapacityPoint saturated = r.curve[2];
  saturated.step = 5;
  saturated.load = 1000;
  saturated.throughput_rps = 900;
  saturated.goodput_rps = 890;
  saturated.within_slo = false;
  saturated.objectives_held = true;
  saturated.verdict = runner::StepVerdict::kGeneratorSaturated;
  r.curve.push_back(saturated);
  r.best.goodput_rps = 300;
  r.generator_saturated = true;
  const auto html = capacity_html(runner::CapacityPlan{}, r, {});
  EXPECT_NE(html.find("<dt>Highest load measured before the generator saturated</dt><dd>300/s"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"text\">generator saturated (objectives held): "), std::string::npos)
      << html;
  EXPECT_NE(html.find("<dt>Highest throughput within the objectives</dt><dd>890.0 req/s at 1000/s, where "
                      "the generator saturated"),
            std::string::npos)
      << html;
  EXPECT_NE(capacity_html(runner::CapacityPlan{}, four_steps(), {}).find("<dt>Maximum sustainable load</dt>"),
            std::string::npos);
  EXPECT_EQ(capacity_html(runner::CapacityPlan{}, four_steps(), {}).find("Highest throughput"),
            std::string::npos);
  const auto json = capacity_curve_json(runner::CapacityPlan{}, r);
  EXPECT_DOUBLE_EQ(json["saturated_bound_rps"].get<double>(), 890) << json.dump();
  EXPECT_DOUBLE_EQ(json["max_throughput_rps"].get<double>(), 300);
  EXPECT_TRUE(json["points"][4]["objectives_held"].get<bool>());
  EXPECT_FALSE(json["points"][3]["objectives_held"].get<bool>());
  const auto back = capacity_curve_from_json(json);
  ASSERT_TRUE(back);
  ASSERT_NE(back->result.saturated_bound(), nullptr);
  EXPECT_DOUBLE_EQ(back->result.saturated_bound()->goodput_rps, 890);
  // A record from before the field: only met steps are known to have held the objectives.
  auto old = json;
  for (auto& p : old["points"]) p.erase("objectives_held");
  const auto read = capacity_curve_from_json(old);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->result.saturated_bound(), nullptr);
}

TEST(CapacityJson, AnAnswerWhoseFailRatioIsUnprovenIsCalledSoAndKeptSo) {
  auto r = four_steps();
  r.curve[2].fail_ratio_unproven = true;
  r.curve[2].note = "0 of 18 failed: too few requests to show a fail ratio under 1.00%";
  r.best = r.curve[2];
  const auto html = capacity_html(runner::CapacityPlan{}, r, {});
  EXPECT_NE(html.find("<dt>Highest load met, its fail ratio unproven</dt><dd>300/s (300.0 req/s, goodput "
                      "300.0 req/s, p95 30.0 ms; 0 of 18 failed: too few requests to show a fail ratio "
                      "under 1.00%)"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find(">highest met, fail ratio unproven: 300/s</text>"), std::string::npos) << html;
  // A second repeat met the same load with the same throughput, proven: the record keeps which step was
  // the answer (best_step), not the last one that looks like it.
  runner::CapacityPoint again = r.curve[2];
  again.step = 5;
  again.repeat = 2;
  again.fail_ratio_unproven = false;
  again.note.clear();
  r.curve.push_back(again);
  const auto json = capacity_curve_json(runner::CapacityPlan{}, r);
  EXPECT_TRUE(json["points"][2]["fail_ratio_unproven"].get<bool>());
  EXPECT_FALSE(json["points"][1]["fail_ratio_unproven"].get<bool>());
  EXPECT_TRUE(json["fail_ratio_unproven"].get<bool>());
  EXPECT_EQ(json["best_step"].get<int>(), 3);
  const auto back = capacity_curve_from_json(json);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->result.best.step, 3);
  EXPECT_TRUE(back->result.best.fail_ratio_unproven);
  EXPECT_EQ(runner::capacity_exit_code(back->result), 5);
  EXPECT_EQ(runner::capacity_exit_code(four_steps()), 0);
}

// Steps past the limit that served far apart: the note is in the HTML report and the JSON, with the range.
TEST(CapacityJson, StepsPastTheLimitServingFarApartAreNotedWithTheirRange) {
  auto r = four_steps();  // its one failed step served 310 of 400/s
  auto json = capacity_curve_json(runner::CapacityPlan{}, r);
  EXPECT_TRUE(json["served_past_limit_rps"].is_null()) << json.dump();
  EXPECT_EQ(json["past_limit_note"], "");
  EXPECT_EQ(capacity_html(runner::CapacityPlan{}, r, {}).find("<dt>Note</dt>"), std::string::npos);
  runner::CapacityPoint slower = r.curve[3];
  slower.step = 5;
  slower.load = 350;
  slower.throughput_rps = 200;
  r.curve.push_back(slower);
  json = capacity_curve_json(runner::CapacityPlan{}, r);
  EXPECT_EQ(json["served_past_limit_rps"], nlohmann::json::array({200.0, 310.0})) << json.dump();
  EXPECT_EQ(json["past_limit_note"],
            "past the limit the steps served 200 to 310 req/s (55% apart): a target can serve more flooded "
            "than at a steady rate (queued requests are handled together), and its speed can move during a "
            "search; the answer is the highest steady rate that met every objective; --repeat shows the "
            "spread");
  EXPECT_NE(capacity_html(runner::CapacityPlan{}, r, {})
                .find("<dt>Note</dt><dd>past the limit the steps served 200 to 310 req/s (55% apart)"),
            std::string::npos);
}
