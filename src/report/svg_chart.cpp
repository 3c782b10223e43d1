#include "report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace cicada::report {
namespace {

constexpr double kWidth = 900, kHeight = 260;
constexpr double kLeft = 60, kRight = 20, kTop = 30, kBottom = 40;

// Round tick steps (1, 2, 2.5 or 5 times a power of ten) from 0 to the first multiple at or above v, at
// most kMaxTicks steps: a y axis reads 0, 250, 500, ... 1000, never 907.8. (A numeric x axis ends at its
// highest value instead, see svg_line_chart.)
constexpr int kMaxTicks = 5;
double tick_step(double v) {
  if (!(v > 0)) return 0.25;
  const double p = std::pow(10.0, std::floor(std::log10(v / kMaxTicks)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (std::ceil(v / (m * p) - 1e-9) <= kMaxTicks) return m * p;
  }
  return 10 * p;
}
double nice_max(double v) {
  const double step = tick_step(v);
  return std::max(step, step * std::ceil(v / step - 1e-9));
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
  const double step = tick_step(y_max);
  for (double v = 0; v <= y_max * (1 + 1e-9); v += step) {
    const double y = kTop + plot_h * (1 - v / y_max);
    out += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
        "<text x=\"{}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>",
        kLeft, kWidth - kRight, y, y, kLeft - 6, y + 4, number(v));
  }
}

// The legend at the top right, clear of the title at the top left.
void legend(std::string& out, const std::vector<SvgSeries>& series) {
  double width = 0;
  for (const auto& s : series) width += 30 + 7.0 * static_cast<double>(s.name.size());
  double x = kWidth - kRight - width;
  for (const auto& s : series) {
    out += fmt::format(
        "<rect x=\"{:.0f}\" y=\"9\" width=\"12\" height=\"4\" fill=\"{}\" class=\"legend\"/>"
        "<text x=\"{:.0f}\" y=\"16\" class=\"tick\">{}</text>",
        x, s.color, x + 16, xml_escape(s.name));
    x += 30 + 7.0 * static_cast<double>(s.name.size());
  }
}

// An x tick label; the first and last are anchored inward so they are never cut at the chart's edges.
std::string x_tick(double x, int i, int last, const std::string& text) {
  const char* anchor = i == 0 ? "start" : i == last ? "end" : "middle";
  return fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"tick\" text-anchor=\"{}\">{}</text>", x,
                     kHeight - kBottom + 16, anchor, text);
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
  // A numeric x axis (offered load) ends at the highest value measured: a search that stopped at 1,100/s
  // does not draw an axis to 1,250 or 2,000 as if more had been tried.
  const double x_end = x.empty() ? 1 : x.back();
  const double span = x_end - x0 > 0 ? x_end - x0 : 1;
  auto px = [&](double t) { return kLeft + plot_w * (t - x0) / span; };
  auto py = [&](double v) { return kTop + plot_h * (1 - v / y_max); };
  if (!x.empty() && options.x_is_time) {
    for (int i = 0; i <= 4; ++i) {
      const double t = x0 + span * i / 4.0;
      out += x_tick(px(t), i, 4, hms(t));
    }
  } else if (!x.empty()) {
    // Round ticks up to the end, then the end itself (labelled with its own value); a round tick closer
    // to the end than a third of a step is left out so the two labels cannot overlap.
    const double step = tick_step(x_end - x0);
    std::vector<double> ticks;
    for (double v = x0; v <= x_end - step / 3; v += step) ticks.push_back(v);
    ticks.push_back(x_end);
    const int last = static_cast<int>(ticks.size()) - 1;
    for (int i = 0; i <= last; ++i) out += x_tick(px(ticks[i]), i, last, number(ticks[i]));
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
    // The label goes right of its line, or left of it where it would run past the plot (a mark at the
    // last point: the limiting step of a capacity curve). ~6 px per character at the label's 10 px.
    const bool left = px(mx) + 3 + 6.0 * static_cast<double>(m.label.size()) > kWidth - kRight;
    out += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"mark\"/>"
        "<text x=\"{3:.1f}\" y=\"{4}\" class=\"mark-label\"{6}>{5}</text>",
        px(mx), kTop, kHeight - kBottom, left ? px(mx) - 3 : px(mx) + 3, kTop + 10, xml_escape(m.label),
        left ? " text-anchor=\"end\"" : "");
  }
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
  }
  legend(out, series);
  out += "</svg>";
  return out;
}

std::string svg_histogram(std::string_view title, std::string_view unit, const std::vector<SvgBar>& bars,
                          bool log_x) {
  double top = 0;
  for (const auto& b : bars) top = std::max(top, b.count);
  const double y_max = nice_max(top);
  std::string out;
  open_chart(out, title, unit, y_max);
  if (!bars.empty()) {
    const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
    const double lo = bars.front().low, hi = bars.back().high > lo ? bars.back().high : lo + 1;
    log_x = log_x && lo > 0;
    auto px = [&](double v) {
      const double f = log_x ? std::log(v / lo) / std::log(hi / lo) : (v - lo) / (hi - lo);
      return kLeft + plot_w * f;
    };
    for (const auto& b : bars) {
      const double h = plot_h * b.count / y_max;
      out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"bar\"/>",
                         px(b.low), kTop + plot_h - h, std::max(0.5, px(b.high) - px(b.low) - 0.5), h);
    }
    std::vector<double> ticks;
    if (log_x) {
      // 1, 2, 5 times powers of ten inside the range: a log axis labelled with round values.
      for (double p = std::pow(10.0, std::floor(std::log10(lo))); p <= hi; p *= 10)
        for (double m : {1.0, 2.0, 5.0})
          if (m * p >= lo && m * p <= hi) ticks.push_back(m * p);
    } else {
      const double step = tick_step(hi - lo);
      for (double v = std::ceil(lo / step) * step; v <= hi; v += step) ticks.push_back(v);
    }
    for (std::size_t i = 0; i < ticks.size(); ++i) {
      const double x = px(ticks[i]);
      const char* anchor = x < kLeft + 20 ? "start" : x > kWidth - kRight - 20 ? "end" : "middle";
      out += fmt::format(
          "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"grid\"/>"
          "<text x=\"{0:.1f}\" y=\"{3}\" class=\"tick\" text-anchor=\"{4}\">{5}</text>",
          x, kHeight - kBottom, kHeight - kBottom + 4, kHeight - kBottom + 16, anchor, number(ticks[i]));
    }
  }
  out += "</svg>";
  return out;
}

}  // namespace cicada::report
