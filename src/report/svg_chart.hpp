#pragma once
// Small inline SVG charts for the self-contained HTML report: no script and no network needed to view
// them, and they print. (The live UI draws with uPlot instead.)
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cicada::report {

struct SvgSeries {
  std::string name;
  std::string color;                          // CSS color
  std::vector<std::optional<double>> values;  // one per x; nullopt leaves a gap
};

// A vertical line across the plot at x with a label at its top: a stage boundary, the limiting step.
struct SvgMark {
  double x = 0;
  std::string label;
};

struct SvgLineOptions {
  std::vector<SvgMark> marks;  // marks outside the x range are not drawn
  bool x_is_time = true;       // x ticks as UTC hh:mm:ss; false: plain numbers
  std::string x_unit;          // shown under the x axis when not time, e.g. "offered load (iterations/s)"
  bool dots = false;           // a dot on every point: curves with few points (one per step)
};

// A line chart over x (ascending; Unix seconds by default) with one or more series, labelled axes and a
// legend.
std::string svg_line_chart(std::string_view title, std::string_view unit, const std::vector<double>& x,
                           const std::vector<SvgSeries>& series, const SvgLineOptions& options = {});

struct SvgBar {
  double low = 0;   // left edge of the bin
  double high = 0;  // right edge of the bin
  double count = 0;
};
// A histogram: bars on an x axis from the first bar's low to the last bar's high, linear or (log_x, for
// latencies that span decades, as the HDR histogram's buckets do) logarithmic with ticks at 1, 2, 5 x 10^k.
std::string svg_histogram(std::string_view title, std::string_view unit, const std::vector<SvgBar>& bars,
                          bool log_x = false);

// Text safe inside HTML/SVG elements and attribute values: Python's html.escape(s, quote=True), which is
// also what Locust applies to names and errors in its web UI's JSON.
std::string xml_escape(std::string_view s);

}  // namespace cicada::report
