// deploy/grafana/cicada-dashboard.json uses what /metrics serves: every cicada_* series its queries name
// is in the exposition (report/prometheus_exposition.hpp), so a renamed metric cannot leave the dashboard
// blank.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "report/prometheus_exposition.hpp"
#include "support/child_process.hpp"

using cicada::testing::read_file;
using cicada::testing::source;

namespace {

void collect_exprs(const nlohmann::json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == "expr" && value.is_string())
        out.push_back(value.get<std::string>());
      else
        collect_exprs(value, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) collect_exprs(v, out);
  }
}

}  // namespace

TEST(GrafanaDashboard, EveryQueriedSeriesIsExposed) {
  const auto dashboard = nlohmann::json::parse(read_file(source("deploy/grafana/cicada-dashboard.json")));
  std::vector<std::string> exprs;
  collect_exprs(dashboard, exprs);
  ASSERT_GE(exprs.size(), 8u);

  cicada::stats::Snapshot snap;
  cicada::stats::EntrySnapshot e;
  e.method = "GET";
  e.name = "/health";
  e.num_requests = 1;
  e.latency = std::make_shared<cicada::stats::Histogram>();
  snap.entries.push_back(e);
  const auto text = cicada::report::prometheus_text(snap);
  std::set<std::string> exposed;
  const std::regex line(R"(^(cicada_[a-z_]+)[{ ])", std::regex::multiline);
  for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it)
    exposed.insert((*it)[1]);

  std::set<std::string> used;
  const std::regex name(R"(cicada_[a-z_]+)");
  for (const auto& expr : exprs)
    for (std::sregex_iterator it(expr.begin(), expr.end(), name), end; it != end; ++it) used.insert((*it)[0]);
  ASSERT_FALSE(used.empty());
  for (const auto& u : used)
    EXPECT_TRUE(exposed.count(u)) << u << " is queried by the dashboard but not served";
  // The panels a load test is read by: throughput, failures, latency percentiles from the buckets, users.
  EXPECT_TRUE(used.count("cicada_requests_total"));
  EXPECT_TRUE(used.count("cicada_failures_total"));
  EXPECT_TRUE(used.count("cicada_request_duration_seconds_bucket"));
  EXPECT_TRUE(used.count("cicada_users"));
}
