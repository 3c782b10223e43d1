// The report's charts read like a finished product (issue 17): round ticks, an axis that ends near its
// data, labels and legends that are not cut or printed over the title, and a log-scale latency
// histogram; the report's "Final ratio" section is filled without a script.
#include "report/svg_chart.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>

#include "report/html_report.hpp"
#include "support/text_count.hpp"

using namespace cicada;
using namespace cicada::report;
using cicada::testing::count_occurrences;

namespace {

// The text of every tick label, in order.
std::vector<std::string> ticks(const std::string& svg) {
  std::vector<std::string> out;
  const std::regex tick(R"(class="tick" text-anchor="[a-z]+">([^<]*)</text>)");
  for (std::sregex_iterator it(svg.begin(), svg.end(), tick), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

}  // namespace

TEST(SvgChart, ANumericAxisEndsAtItsHighestValueWithRoundTicksBefore) {
  // A capacity curve whose highest load is 1,100: the axis ends at 1,100 (labelled), not 1,250 or 2,000,
  // with round ticks 0, 250 ... 1000 before it.
  SvgLineOptions options;
  options.x_is_time = false;
  const auto svg = svg_line_chart("Throughput", "req/s", {100, 600, 1100},
                                  {SvgSeries{"achieved", "#000", {100.0, 590.0, 907.8}}}, options);
  const auto t = ticks(svg);
  EXPECT_NE(std::find(t.begin(), t.end(), "1100"), t.end()) << svg;
  EXPECT_NE(std::find(t.begin(), t.end(), "750"), t.end()) << svg;
  EXPECT_EQ(std::find(t.begin(), t.end(), "1250"), t.end()) << svg;
  EXPECT_EQ(std::find(t.begin(), t.end(), "2000"), t.end()) << svg;
  // The last point (x = 1,100) is drawn at the plot's right edge (900 - 20).
  EXPECT_NE(svg.find("L880.0,"), std::string::npos) << svg;
  // An end just past a round tick (1,020) leaves that tick out so the labels do not overlap.
  const auto close = ticks(svg_line_chart("Throughput", "req/s", {100, 1020},
                                          {SvgSeries{"achieved", "#000", {100.0, 500.0}}}, options));
  EXPECT_NE(std::find(close.begin(), close.end(), "1020"), close.end());
  EXPECT_EQ(std::find(close.begin(), close.end(), "1000"), close.end());
  // y up to 907.8: ticks 0, 250 ... 1000, never the odd value itself.
  EXPECT_NE(std::find(t.begin(), t.end(), "1000"), t.end()) << svg;
  EXPECT_EQ(std::find(t.begin(), t.end(), "908"), t.end()) << svg;
  for (const auto& label : t)
    EXPECT_TRUE(std::regex_match(label, std::regex(R"(0|[1-9][0-9]*(\.[0-9]*[1-9])?|0\.[0-9]+)"))) << label;
}

TEST(SvgChart, EdgeTimeLabelsAreAnchoredInsideAndTheLegendClearsTheTitle) {
  const auto svg =
      svg_line_chart("Response times, last ~10 s", "ms", {1'795'000'001, 1'795'000'010},
                     {SvgSeries{"p50", "#111", {1.0, 2.0}}, SvgSeries{"p95", "#222", {3.0, 4.0}}});
  // First label starts at the left edge, last ends at the right: "08:43:10" is never cut to "08:43:1".
  EXPECT_NE(svg.find(R"(text-anchor="start">)"), std::string::npos) << svg;
  EXPECT_NE(svg.find(R"(text-anchor="end">)"), std::string::npos) << svg;
  // The legend starts right of the title's text (title at x = 60, about 7 px per character).
  const std::regex legend(R"x(<rect x="([0-9.]+)" y="9"[^>]*class="legend")x");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, legend)) << svg;
  const double title_end = 60 + 7.5 * std::string("Response times, last ~10 s (ms)").size();
  EXPECT_GT(std::stod(m[1]), title_end) << svg;
}

TEST(SvgChart, LatencyHistogramHasLogSpacedBinsAndRoundTicks) {
  stats::Snapshot snap;
  auto h = std::make_shared<stats::Histogram>();
  for (int i = 0; i < 1000; ++i) h->record(100 + i % 50);  // a body at 0.1-0.15 ms
  for (int i = 0; i < 10; ++i) h->record(20'000);          // a tail at 20 ms
  snap.total.name = "Aggregated";
  snap.total.num_requests = 1010;
  snap.total.latency = h;
  snap.total.uncorrected_latency = h;
  const auto html = html_report(snap, ReportInfo{});
  const auto at = html.find("Latency histogram");
  ASSERT_NE(at, std::string::npos) << html;
  const auto svg = html.substr(at, html.find("</svg>", at) - at);
  EXPECT_NE(svg.find("log scale"), std::string::npos);
  // Ticks at 1, 2, 5 x 10^k ms across the decades, the body not squashed into one bar: the fast samples
  // spread over several bars.
  const auto t = ticks(svg);
  EXPECT_NE(std::find(t.begin(), t.end(), "1"), t.end()) << svg;
  EXPECT_NE(std::find(t.begin(), t.end(), "10"), t.end()) << svg;
  std::size_t tall_bars = 0;
  const std::regex bar(R"x(height="([0-9.]+)" class="bar")x");
  for (std::sregex_iterator it(svg.begin(), svg.end(), bar), end; it != end; ++it)
    if (std::stod((*it)[1]) > 1) ++tall_bars;
  EXPECT_GE(tall_bars, 4u) << svg;
}

TEST(HtmlReport, FinalRatioIsFilledFromTheTaskRatios) {
  ReportInfo info;
  info.tasks_json =
      R"({"per_class": {}, "total": {"ShopUser": {"ratio": 0.75, "tasks": {"browse": )"
      R"({"ratio": 0.5625}}}, "AdminUser": {"ratio": 0.25, "tasks": {"report": {"ratio": 0.25}}}}})";
  const auto html = html_report(stats::Snapshot{}, info);
  EXPECT_NE(html.find("<h2>Final ratio</h2>"), std::string::npos) << html;
  EXPECT_NE(html.find("<li>75.0% ShopUser<ul><li>56.2% browse</li>"), std::string::npos) << html;
  EXPECT_NE(html.find("25.0% AdminUser"), std::string::npos);
  // Without task ratios (a stored run) the section is left out rather than shown empty.
  EXPECT_EQ(html_report(stats::Snapshot{}, ReportInfo{}).find("Final ratio"), std::string::npos);
}

TEST(HtmlReport, ExceptionsShowTheirTracebackCollapsedToItsMostTellingLine) {
  // A Python traceback (Locust's form: frames with their source, no final "Type: message" line) collapses
  // to its innermost frame; a native trace to its deepest cause.
  const std::string python =
      "  File \"locust/user/task.py\", line 347, in run\n    self.execute_next_task()\n"
      "  File \"golden.py\", line 43, in broken_task\n    raise RuntimeError(\"deliberate\")\n";
  EXPECT_EQ(traceback_summary(python), "File \"golden.py\", line 43, in broken_task");
  const std::string native =
      "  in Shopper.checkout\n  std::runtime_error: loading the cart\n  caused by CartError: no item 7\n";
  EXPECT_EQ(traceback_summary(native), "caused by CartError: no item 7");
  EXPECT_EQ(traceback_summary(""), "");

  stats::Snapshot snap;
  snap.exceptions.push_back({3, "loading the cart", native, "local"});
  const auto html = html_report(snap, ReportInfo{});
  EXPECT_NE(
      html.find("<td class=\"text\"><details><summary>caused by CartError: no item 7</summary><pre>  in "
                "Shopper.checkout\n  std::runtime_error: loading the cart\n"),
      std::string::npos)
      << html;
}
