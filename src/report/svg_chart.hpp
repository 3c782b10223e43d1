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

// A line chart over x (Unix seconds, ascending) with one or more series, labelled axes and a legend.
std::string svg_line_chart(std::string_view title, std::string_view unit, const std::vector<double>& x,
                           const std::vector<SvgSeries>& series);

struct SvgBar {
  double low = 0;   // left edge of the bin
  double high = 0;  // right edge of the bin
  double count = 0;
};
// A histogram: bars on a linear x axis from the first bar's low to the last bar's high.
std::string svg_histogram(std::string_view title, std::string_view unit, const std::vector<SvgBar>& bars);

// Text safe inside HTML/SVG elements and attribute values: Python's html.escape(s, quote=True), which is
// also what Locust applies to names and errors in its web UI's JSON.
std::string xml_escape(std::string_view s);

}  // namespace cicada::report
