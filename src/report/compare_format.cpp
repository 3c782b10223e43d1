// The three renderings of a Comparison: terminal table, markdown table, JSON.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "report/compare.hpp"
#include "report/console_tables.hpp"

namespace cicada::report {
namespace {

std::string value_text(const MetricChange& m, double v) {
  if (m.metric == "req/s") return fmt::format("{:.2f}", v);
  if (m.metric == "requests") return fmt::format("{:.0f}", v);
  if (m.metric == "fail ratio") return fmt::format("{:.2f}%", v * 100);
  return console_ms(v) + "ms";
}

std::string change_text(const MetricChange& m) {
  if (m.a == 0 && m.b != 0) return "from 0";
  return fmt::format("{:+.1f}%", m.relative * 100);
}

std::string verdict_cell(const MetricChange& m) {
  std::string v(verdict_text(m.verdict));
  return m.low_samples ? v + " (few samples)" : v;
}

// One row of cells per metric (or one for an entry in only one run): entry, metric, A, B, change, verdict.
std::vector<std::vector<std::string>> rows(const Comparison& c) {
  std::vector<std::vector<std::string>> out;
  for (const auto& e : c.entries) {
    if (!e.in_a || !e.in_b) {
      const std::string where = e.in_a ? "only in A" : "only in B";
      if (e.metrics.empty())
        out.push_back({e.label(), "", e.in_a ? "yes" : "-", e.in_b ? "yes" : "-", where, ""});
      for (const auto& m : e.metrics)  // missing in B: its requests in A, worse
        out.push_back({e.label(), m.metric, value_text(m, m.a), "-", where, verdict_cell(m)});
      continue;
    }
    for (const auto& m : e.metrics)
      out.push_back(
          {e.label(), m.metric, value_text(m, m.a), value_text(m, m.b), change_text(m), verdict_cell(m)});
  }
  return out;
}

const std::vector<std::string> kHeader = {"Entry", "Metric", "A", "B", "Change", "Verdict"};

std::string summary(const Comparison& c) {
  return c.regression() ? "Regression: at least one metric is worse beyond the noise rule."
                        : "No regression beyond the noise rule.";
}

}  // namespace

std::string compare_table(const Comparison& c) {
  auto body = rows(c);
  std::vector<std::size_t> width(kHeader.size());
  for (std::size_t i = 0; i < kHeader.size(); ++i) width[i] = kHeader[i].size();
  for (const auto& r : body)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (std::size_t i = 0; i < r.size(); ++i) {
      // Entry and metric left-aligned, numbers right-aligned, verdict left.
      const bool left = i < 2 || i == 5;
      s += left ? fmt::format("{:<{}}", r[i], width[i]) : fmt::format("{:>{}}", r[i], width[i]);
      s += i + 1 < r.size() ? "  " : "";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out = fmt::format("A: {}\nB: {}\n\n", c.a_id, c.b_id);
  out += line(kHeader);
  std::size_t total = 0;
  for (auto w : width) total += w + 2;
  out += std::string(total - 2, '-') + "\n";
  for (const auto& r : body) out += line(r);
  out += fmt::format("\n{} (tolerance {:.0f}%)\n", summary(c), c.options.tolerance * 100);
  return out;
}

std::string compare_markdown(const Comparison& c) {
  std::string out = fmt::format("Comparing `{}` (A) with `{}` (B)\n\n", c.a_id, c.b_id);
  out += "| " + fmt::format("{}", fmt::join(kHeader, " | ")) + " |\n";
  out += "|---|---|---:|---:|---:|---|\n";
  for (const auto& r : rows(c)) {
    std::string verdict = r[5] == "worse" ? "**worse**" : r[5];
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r[0], r[1], r[2], r[3], r[4], verdict);
  }
  out += fmt::format("\n{} (tolerance {:.0f}%)\n", summary(c), c.options.tolerance * 100);
  return out;
}

std::string compare_json(const Comparison& c) {
  using nlohmann::json;
  json entries = json::array();
  for (const auto& e : c.entries) {
    json metrics = json::array();
    for (const auto& m : e.metrics) {
      metrics.push_back({{"metric", m.metric},
                         {"a", m.a},
                         {"b", m.b},
                         {"relative_change", m.relative},
                         {"verdict", verdict_text(m.verdict)},
                         {"low_samples", m.low_samples}});
    }
    entries.push_back({{"method", e.method},
                       {"name", e.name},
                       {"in_a", e.in_a},
                       {"in_b", e.in_b},
                       {"metrics", std::move(metrics)}});
  }
  json doc = {
      {"a", c.a_id},
      {"b", c.b_id},
      {"tolerance", c.options.tolerance},
      {"units",
       {{"req/s", "per second"}, {"latency", "us"}, {"fail ratio", "fraction"}, {"requests", "count"}}},
      {"regression", c.regression()},
      {"entries", std::move(entries)}};
  return doc.dump(2) + "\n";
}

}  // namespace cicada::report
