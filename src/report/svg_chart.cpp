#include "report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace cicada::report {
namespace {

constexpr double kWidth = 900, kHeight = 260;
constexpr double kLeft = 60, kRight = 20, kTop = 30, kBottom = 40;

// A "nice" axis maximum (1, 2 or 5 times a power of ten) so tick labels read well.
double nice_max(double v) {
  if (!(v > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (v <= m * p) return m * p;
  }
  return 10 * p;
}

std::string hms(double unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string number(double v) {
  if (v == 0) return "0";
  if (std::fabs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::fabs(v) >= 1) return fmt::format("{:.3g}", v);
  return fmt::format("{:.2g}", v);
}

void open_chart(std::string& out, std::string_view title, std::string_view unit, double y_max) {
  out += fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">"
      "<text x=\"{}\" y=\"18\" class=\"title\">{} ({})</text>",
      kWidth, kHeight, kLeft, xml_escape(title), xml_escape(unit));
  const double plot_h = kHeight - kTop - kBottom;
  for (int i = 0; i <= 4; ++i) {
    const double y = kTop + plot_h * (1 - i / 4.0);
    out += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>",
        kLeft, kWidth - kRight, y, y, kLeft - 6, y + 4, number(y_max * i / 4.0));
  }
}

}  // namespace

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string svg_line_chart(std::string_view title, std::string_view unit, const std::vector<double>& x,
                           const std::vector<SvgSeries>& series, const SvgLineOptions& options) {
  double y_top = 0;
  for (const auto& s : series) {
    for (const auto& v : s.values) {
      if (v) y_top = std::max(y_top, *v);
    }
  }
  const double y_max = nice_max(y_top);
  std::string out;
  open_chart(out, title, unit, y_max);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  // A numeric x axis starts at 0 so the curve's shape against load reads honestly.
  const double x0 = x.empty() ? 0 : (options.x_is_time ? x.front() : std::min(0.0, x.front()));
  const double x_end = x.empty() ? 1 : (options.x_is_time ? x.back() : nice_max(x.back()));
  const double span = x_end - x0 > 0 ? x_end - x0 : 1;
  auto px = [&](double t) { return kLeft + plot_w * (t - x0) / span; };
  auto py = [&](double v) { return kTop + plot_h * (1 - v / y_max); };
  for (int i = 0; i <= 4 && !x.empty(); ++i) {
    const double t = x0 + span * i / 4.0;
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>", px(t),
                       kHeight - kBottom + 16, options.x_is_time ? hms(t) : number(t));
  }
  if (!options.x_unit.empty()) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                       kLeft + plot_w / 2, kHeight - 6, xml_escape(options.x_unit));
  }
  for (const auto& m : options.marks) {
    // A stage that began within the second before the first point (points are whole seconds) is drawn at
    // the chart's left edge rather than lost.
    if (x.empty() || m.x < x0 - 1 || m.x > x0 + span) continue;
    const double mx = std::max(m.x, x0);
    out += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"mark\"/>"
        "<text x=\"{3:.1f}\" y=\"{4}\" class=\"mark-label\">{5}</text>",
        px(mx), kTop, kHeight - kBottom, px(mx) + 3, kTop + 10, xml_escape(m.label));
  }
  double legend_x = kLeft + 260;
  for (const auto& s : series) {
    std::string path;
    bool pen_down = false;
    for (std::size_t i = 0; i < x.size() && i < s.values.size(); ++i) {
      if (!s.values[i]) {
        pen_down = false;
        continue;
      }
      path += fmt::format("{}{:.1f},{:.1f} ", pen_down ? "L" : "M", px(x[i]), py(*s.values[i]));
      pen_down = true;
    }
    out += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\"/>", path, s.color);
    for (std::size_t i = 0; options.dots && i < x.size() && i < s.values.size(); ++i) {
      if (s.values[i])
        out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\" class=\"point\"/>",
                           px(x[i]), py(*s.values[i]), s.color);
    }
    out += fmt::format(
        "<rect x=\"{:.0f}\" y=\"9\" width=\"12\" height=\"4\" fill=\"{}\"/>"
        "<text x=\"{:.0f}\" y=\"16\" class=\"tick\">{}</text>",
        legend_x, s.color, legend_x + 16, xml_escape(s.name));
    legend_x += 30 + 7.0 * static_cast<double>(s.name.size());
  }
  out += "</svg>";
  return out;
}

std::string svg_histogram(std::string_view title, std::string_view unit, const std::vector<SvgBar>& bars) {
  double top = 0;
  for (const auto& b : bars) top = std::max(top, b.count);
  const double y_max = nice_max(top);
  std::string out;
  open_chart(out, title, unit, y_max);
  if (!bars.empty()) {
    const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
    const double lo = bars.front().low, hi = bars.back().high > lo ? bars.back().high : lo + 1;
    auto px = [&](double v) { return kLeft + plot_w * (v - lo) / (hi - lo); };
    for (const auto& b : bars) {
      const double h = plot_h * b.count / y_max;
      out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"bar\"/>",
                         px(b.low), kTop + plot_h - h, std::max(0.5, px(b.high) - px(b.low) - 0.5), h);
    }
    for (int i = 0; i <= 4; ++i) {
      const double v = lo + (hi - lo) * i / 4.0;
      out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>", px(v),
                         kHeight - kBottom + 16, number(v));
    }
  }
  out += "</svg>";
  return out;
}

}  // namespace cicada::report
