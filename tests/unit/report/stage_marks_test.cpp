// Stage boundaries on the HTML report's time charts (issue 6): one dashed line and label per stage on
// every time chart, drawn at the stage's start.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "report/html_report.hpp"
#include "report/svg_chart.hpp"
#include "support/text_count.hpp"

using namespace cicada;
using namespace cicada::report;

using cicada::testing::count_occurrences;

namespace {

stats::Snapshot twenty_seconds_two_stages() {
  stats::Snapshot snap;
  snap.start_unix_s = 1'795'000'000;
  snap.now_unix_s = 1'795'000'020;
  for (int i = 1; i <= 20; ++i) {
    auto block = std::make_shared<stats::HistoryBlock>();
    block->timestamp = 1'795'000'000 + i;
    block->user_count = i <= 10 ? 10 : 50;
    block->total.current_rps = i <= 10 ? 100 : 400;
    snap.history.push_back(block);
  }
  // The first stage begins a fraction of a second before the first closed second: still drawn.
  snap.stages = {{1'795'000'000.4, "stage 1/2: 10 users @ 10/s"},
                 {1'795'000'010.5, "stage 2/2: 50 users <fast>"}};
  return snap;
}

}  // namespace

TEST(StageMarks, EveryTimeChartMarksEachStageWithItsLabel) {
  const auto html = html_report(twenty_seconds_two_stages(), ReportInfo{});
  // Three time charts (requests/s, response times, users), two stages each; the histogram has none.
  EXPECT_EQ(count_occurrences(html, "class=\"mark\""), 6u) << html;
  EXPECT_EQ(count_occurrences(html, ">stage 1/2: 10 users @ 10/s</text>"), 3u);
  EXPECT_EQ(count_occurrences(html, ">stage 2/2: 50 users &lt;fast&gt;</text>"), 3u);
}

TEST(StageMarks, MarkSitsAtItsTimeAndOutOfRangeMarksAreDropped) {
  // x from 0 to 100 over a plot 820 px wide starting at 60: x = 50 is at 470.
  const std::vector<double> x = {0, 50, 100};
  SvgLineOptions options;
  options.x_is_time = false;
  options.marks = {{50, "half"}, {250, "later"}, {-5, "before"}};
  const auto svg = svg_line_chart("t", "u", x, {SvgSeries{"s", "#000", {1.0, 2.0, 3.0}}}, options);
  EXPECT_EQ(count_occurrences(svg, "class=\"mark\""), 1u) << svg;
  EXPECT_NE(svg.find("<line x1=\"470.0\" x2=\"470.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find(">half</text>"), std::string::npos);
}

TEST(StageMarks, NoStagesNoMarks) {
  auto snap = twenty_seconds_two_stages();
  snap.stages.clear();
  EXPECT_EQ(count_occurrences(html_report(snap, ReportInfo{}), "class=\"mark\""), 0u);
}
