#include "report/junit_xml.hpp"

#include <fmt/format.h>

#include "report/markdown_results.hpp"
#include "report/run_verdict.hpp"
#include "report/svg_chart.hpp"
#include "report/utf8_text.hpp"

namespace cicada::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// "2026-12-03T10:45:00": JUnit's timestamp, an xs:dateTime without a zone (UTC here).
std::string iso_time(double unix_s) {
  std::string t = utc_time_text(unix_s).substr(0, 19);  // "2026-12-03 10:45:00"
  t[10] = 'T';
  return t;
}

struct Case {
  std::string classname;
  std::string name;
  double time_s = 0;
  std::string outcome;  // "", "failure" or "error"
  std::string message;  // the outcome's one-line message
  std::string type;
  std::string body;  // the outcome's details
};

std::string case_xml(const Case& c) {
  std::string out = fmt::format(R"(    <testcase classname="{}" name="{}" time="{:.3f}")",
                                xml_text(c.classname), xml_text(c.name), c.time_s);
  if (c.outcome.empty()) return out + "/>\n";
  return out + fmt::format(">\n      <{0} message=\"{1}\" type=\"{2}\">{3}</{0}>\n    </testcase>\n",
                           c.outcome, xml_text(c.message), xml_text(c.type), xml_text(c.body));
}

std::string entry_label(const std::string& method, const std::string& name) {
  return method.empty() ? name : method + " " + name;
}

std::vector<Case> cases(const StoredRun& run, double duration_s) {
  const auto& s = run.snapshot;
  std::vector<Case> out;
  for (const auto& t : run.thresholds) {
    Case c{"cicada.thresholds", t.threshold + " [" + t.entry + "]", 0, "", "", "", ""};
    if (!t.passed) {
      c.outcome = "failure";
      c.type = "threshold";
      c.message = fmt::format("{}: actual {}, limit {}", t.entry, t.actual_text, t.limit_text);
      c.body = c.message;
    }
    out.push_back(std::move(c));
  }
  for (const auto& e : s.entries) {
    Case c{"cicada.requests", entry_label(e.method, e.name), duration_s, "", "", "", ""};
    if (e.num_failures > 0) {
      c.outcome = "failure";
      c.type = "request failures";
      c.message = fmt::format("{} of {} requests failed ({:.2f}%)", e.num_failures, e.num_requests,
                              e.fail_ratio() * 100);
      for (const auto& f : s.failures)
        if (f.method == e.method && f.name == e.name)
          c.body += fmt::format("{} x {}\n", f.occurrences, f.error);
    }
    out.push_back(std::move(c));
  }
  for (const auto& x : s.exceptions) {
    Case c{"cicada.exceptions", x.message, 0, "error", "", "exception", ""};
    c.message = fmt::format("raised {} times: {}", x.count, x.message);
    c.body = x.traceback + (x.nodes.empty() ? "" : "\nnodes: " + x.nodes);
    out.push_back(std::move(c));
  }
  // What else makes a run unclean (its exit code says so too): each a case of its own, so a test
  // reporter shows red where the exit code is not 0 for it.
  auto run_case = [&](const char* name, const char* type, std::string failure) {
    Case c{"cicada.run", name, duration_s, "", "", "", ""};
    if (!failure.empty()) {
      c.outcome = "failure";
      c.type = type;
      c.message = c.body = std::move(failure);
    }
    out.push_back(std::move(c));
  };
  run_case("requests were made", "no requests", s.total.num_requests == 0 ? "the run made no request" : "");
  // A run whose process was killed (or crashed) left only what its history had saved: partial numbers.
  run_case(
      "the run finished", "incomplete",
      run.info.complete ? "" : "the run never finished: the process ended before its results were complete");
  if (s.due_iterations > 0 || s.dropped_iterations > 0)
    run_case("every due iteration started", "dropped iterations", dropped_iterations_reason(s));
  if (s.lost_workers > 0) run_case("no worker was lost", "lost workers", lost_workers_reason(s));
  return out;
}

}  // namespace

std::string xml_text(std::string_view s) {
  std::string clean;
  clean.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    const auto c = static_cast<unsigned char>(s[i]);
    if (n == 0 || (n == 1 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      clean += kReplacement;
      i += n == 0 ? 1 : n;
      continue;
    }
    clean.append(s.substr(i, n));
    i += n;
  }
  return xml_escape(clean);
}

std::string junit_xml(const StoredRun& run) {
  const auto& i = run.info;
  const double duration_s = i.ended_unix_s ? *i.ended_unix_s - i.started_unix_s : 0.0;
  const auto list = cases(run, duration_s);
  std::size_t failures = 0, errors = 0;
  for (const auto& c : list) {
    failures += c.outcome == "failure" ? 1 : 0;
    errors += c.outcome == "error" ? 1 : 0;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(R"(<testsuites name="cicada" tests="{}" failures="{}" errors="{}" time="{:.3f}">)",
                     list.size(), failures, errors, duration_s);
  out += fmt::format(
      "\n  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3f}\" "
      "timestamp=\"{}\" hostname=\"{}\">\n",
      xml_text("cicada " + i.scenario_file + " against " + i.target_host), list.size(), failures, errors,
      duration_s, iso_time(i.started_unix_s), xml_text(i.machine.empty() ? "unknown" : i.machine));
  out += "    <properties>\n";
  auto property = [&](std::string_view name, std::string_view value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml_text(value));
  };
  property("run_id", i.id);
  property("recorded", i.recorded ? "true" : "false");
  property("target_host", i.target_host);
  property("scenario_file", i.scenario_file);
  property("git_commit", i.git_commit);
  property("exit_code", i.exit_code ? std::to_string(*i.exit_code) : "");
  property("ended_by", i.ended_by);
  property("verdict", i.verdict);
  property("requests", std::to_string(run.snapshot.total.num_requests));
  property("failures", std::to_string(run.snapshot.total.num_failures));
  out += "    </properties>\n";
  for (const auto& c : list) out += case_xml(c);
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace cicada::report
