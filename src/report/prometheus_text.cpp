#include "report/prometheus_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include "runner/capacity_search.hpp"

namespace cicada::report {
namespace {

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

std::optional<std::string> read_name(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && name_char(s[n], n == 0)) ++n;
  if (n == 0) return std::nullopt;
  std::string name(s.substr(0, n));
  s.remove_prefix(n);
  return name;
}

std::optional<double> read_value(std::string_view s) {
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// {a="x",b="y\"z"} into labels; s starts after '{'.
bool read_labels(std::string_view& s, std::map<std::string, std::string>& labels) {
  for (;;) {
    skip_spaces(s);
    if (!s.empty() && s.front() == '}') {
      s.remove_prefix(1);
      return true;
    }
    auto key = read_name(s);
    if (!key) return false;
    skip_spaces(s);
    if (s.empty() || s.front() != '=') return false;
    s.remove_prefix(1);
    skip_spaces(s);
    if (s.empty() || s.front() != '"') return false;
    s.remove_prefix(1);
    std::string value;
    for (;;) {
      if (s.empty()) return false;
      const char c = s.front();
      s.remove_prefix(1);
      if (c == '"') break;
      if (c == '\\') {
        if (s.empty()) return false;
        const char e = s.front();
        s.remove_prefix(1);
        value += e == 'n' ? '\n' : e;
      } else {
        value += c;
      }
    }
    labels[*key] = std::move(value);
    skip_spaces(s);
    if (!s.empty() && s.front() == ',') s.remove_prefix(1);
  }
}

std::optional<PromSample> read_sample(std::string_view line) {
  PromSample sample;
  auto name = read_name(line);
  if (!name) return std::nullopt;
  sample.name = std::move(*name);
  if (!line.empty() && line.front() == '{') {
    line.remove_prefix(1);
    if (!read_labels(line, sample.labels)) return std::nullopt;
  }
  skip_spaces(line);
  const std::size_t end = line.find_first_of(" \t");  // an optional timestamp follows
  auto value = read_value(line.substr(0, end));
  if (!value) return std::nullopt;
  sample.value = *value;
  return sample;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// Sum of the samples named `name` whose labels match `where` (label -> value; empty: all).
double sum_of(const PromScrape& s, const std::string& name,
              const std::pair<std::string, std::string>* where = nullptr) {
  double sum = 0;
  for (const auto& x : s.samples) {
    if (x.name != name || !std::isfinite(x.value)) continue;
    if (where) {
      auto it = x.labels.find(where->first);
      if (it == x.labels.end() || it->second != where->second) continue;
    }
    sum += x.value;
  }
  return sum;
}

// A histogram's cumulative buckets (le -> count) summed over its other labels.
std::map<double, double> buckets_of(const PromScrape& s, const std::string& family) {
  std::map<double, double> out;
  const std::string name = family + "_bucket";
  for (const auto& x : s.samples) {
    if (x.name != name || !std::isfinite(x.value)) continue;
    auto le = x.labels.find("le");
    if (le == x.labels.end()) continue;
    if (auto bound = read_value(le->second)) out[*bound] += x.value;
  }
  return out;
}

// The quantile of the samples between two cumulative bucket sets, interpolated within its bucket (as
// Prometheus's histogram_quantile); NaN without samples.
double quantile(const std::map<double, double>& before, const std::map<double, double>& after, double q) {
  std::vector<std::pair<double, double>> delta;  // (upper bound, cumulative count)
  for (const auto& [le, n] : after) {
    auto it = before.find(le);
    delta.emplace_back(le, std::max(0.0, n - (it == before.end() ? 0.0 : it->second)));
  }
  if (delta.empty() || delta.back().second <= 0) return std::nan("");
  const double rank = q * delta.back().second;
  double lower = 0, below = 0;
  for (const auto& [le, cumulative] : delta) {
    if (cumulative >= rank) {
      if (std::isinf(le)) return lower;  // in the +Inf bucket: the highest finite bound is all we know
      const double in_bucket = cumulative - below;
      return in_bucket > 0 ? lower + (le - lower) * (rank - below) / in_bucket : le;
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

}  // namespace

PromScrape parse_prometheus_text(std::string_view text) {
  PromScrape out;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    skip_spaces(line);
    if (line.empty()) continue;
    if (line.front() == '#') {
      line.remove_prefix(1);
      skip_spaces(line);
      if (line.starts_with("TYPE")) {
        line.remove_prefix(4);
        skip_spaces(line);
        auto name = read_name(line);
        skip_spaces(line);
        if (name && !line.empty() && out.types.size() < kMaxPromSamples) out.types[*name] = std::string(line);
      }
      continue;
    }
    if (out.samples.size() >= kMaxPromSamples) {
      ++out.skipped_lines;
      continue;
    }
    if (auto sample = read_sample(line)) {
      out.samples.push_back(std::move(*sample));
    } else {
      ++out.skipped_lines;
    }
  }
  return out;
}

std::map<std::string, double> server_figures(const PromScrape& before, const PromScrape& after,
                                             double seconds) {
  std::map<std::string, double> out;
  if (!(seconds > 0)) return out;
  for (const auto& entry : after.types) {
    // Named, not a structured binding: the lambda below captures it (clang 14, which builds the fuzz
    // targets, does not capture structured bindings).
    const std::string& family = entry.first;
    const std::string& type = entry.second;
    if (type == "counter" && contains(family, "request")) {
      // Counters may be exposed with or without the _total suffix the TYPE line names.
      const std::string name =
          after.samples.end() != std::find_if(after.samples.begin(), after.samples.end(),
                                              [&](const PromSample& x) { return x.name == family; })
              ? family
              : family + "_total";
      out[name + " /s"] = std::max(0.0, sum_of(after, name) - sum_of(before, name)) / seconds;
      std::map<std::string, bool> codes;
      for (const auto& x : after.samples) {
        auto it = x.labels.find("code");
        if (x.name == name && it != x.labels.end() && !it->second.empty() &&
            (it->second[0] == '4' || it->second[0] == '5'))
          codes[it->second] = true;
      }
      for (const auto& [code, unused] : codes) {
        const std::pair<std::string, std::string> where{"code", code};
        out[name + " code=" + code + " /s"] =
            std::max(0.0, sum_of(after, name, &where) - sum_of(before, name, &where)) / seconds;
      }
    } else if (type == "gauge" && (contains(family, "flight") || contains(family, "queue"))) {
      out[family] = sum_of(after, family);
    } else if (type == "histogram" && family.ends_with("seconds")) {
      const double count = sum_of(after, family + "_count") - sum_of(before, family + "_count");
      if (!(count > 0)) continue;
      const double sum = sum_of(after, family + "_sum") - sum_of(before, family + "_sum");
      out[family + " avg ms"] = sum / count * 1000.0;
      const auto b0 = buckets_of(before, family), b1 = buckets_of(after, family);
      for (const auto& [q, label] : {std::pair{0.5, " p50 ms"}, std::pair{0.95, " p95 ms"}}) {
        const double v = quantile(b0, b1, q);
        if (std::isfinite(v)) out[family + label] = v * 1000.0;
      }
    }
  }
  const double cpu = sum_of(after, "process_cpu_seconds_total") - sum_of(before, "process_cpu_seconds_total");
  if (cpu > 0) out[std::string(runner::kTargetCpuFigure)] = cpu / seconds;
  return out;
}

std::string server_figure_text(std::string_view name, double value) {
  return name == runner::kTargetCpuFigure ? fmt::format("{:.0f}% of a core", value * 100)
                                          : fmt::format("{:.4g}", value);
}

}  // namespace cicada::report
