// environment.stats as custom listeners read it when the test ends (tests/locustfiles/api/
// stats_listener.py): total, entries[(name, method)] and errors hold the numbers cicada's CSVs hold.
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "locustfile_fixture.hpp"

using cicada::testing::CsvRows;
using cicada::testing::find_row;
using cicada::testing::LocustfileTest;
using cicada::testing::read_csv;

namespace {

std::vector<std::string> split(const std::string& s, char by) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, by);) parts.push_back(part);
  return parts;
}

// The lines of `out` that start with `tag`, without it.
std::vector<std::string> tagged(const std::string& out, const std::string& tag) {
  std::vector<std::string> found;
  std::stringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(tag, 0) == 0) found.push_back(line.substr(tag.size()));
  return found;
}

// A listener's line (kind,method,name,requests,failures,median,avg,max,p95,fail_ratio,total_rps) against
// the CSV row of the same entry (Type,Name,Request Count,Failure Count,Median,Average,Min,Max,Average
// Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,...). The CSV writes the median and the
// percentiles as whole milliseconds.
void expect_same(const std::vector<std::string>& seen, const std::vector<std::string>& row) {
  const std::string what = seen[1] + " " + seen[2];
  EXPECT_EQ(seen[3], row[2]) << what;
  EXPECT_EQ(seen[4], row[3]) << what;
  EXPECT_NEAR(std::stod(seen[5]), std::stod(row[4]), 0.5 + 1e-9) << what;
  EXPECT_NEAR(std::stod(seen[6]), std::stod(row[5]), 1e-6 * std::stod(row[5]) + 1e-9) << what;
  EXPECT_NEAR(std::stod(seen[7]), std::stod(row[7]), 1e-6 * std::stod(row[7]) + 1e-9) << what;
  EXPECT_NEAR(std::stod(seen[8]), std::stod(row[16]), 0.5 + 1e-9) << what;
  EXPECT_NEAR(std::stod(seen[9]), std::stod(row[3]) / std::stod(row[2]), 1e-9) << what;
  EXPECT_NEAR(std::stod(seen[10]), std::stod(row[9]), 1e-6 * std::stod(row[9]) + 1e-9) << what;
}

}  // namespace

TEST_F(LocustfileTest, ListenersReadTheStatisticsAndErrorsTheCsvsHold) {
  EXPECT_EQ(run("api/stats_listener.py", {}, 2, 3), 0) << log();
  const std::string out = last_->out();
  const CsvRows stats = csv("stats");
  const auto entries = tagged(out, "STATS entry,");
  ASSERT_EQ(entries.size(), 3u) << log();  // /health, /missing, /checked
  for (const auto& line : entries) {
    const auto seen = split("entry," + line, ',');
    ASSERT_EQ(seen.size(), 11u) << line;
    const auto* row = find_row(stats, seen[1], seen[2]);
    ASSERT_TRUE(row) << line;
    expect_same(seen, *row);
  }
  const auto total = tagged(out, "STATS total,");
  ASSERT_EQ(total.size(), 1u) << log();
  const auto* aggregated = find_row(stats, "", "Aggregated");
  ASSERT_TRUE(aggregated) << log();
  expect_same(split("total," + total[0], ','), *aggregated);

  // errors: one StatsError per row of the failures CSV, with its method, name, error text and count.
  const CsvRows failures = read_csv(dir_.path() / "out_failures.csv");
  const auto errors = tagged(out, "ERROR ");
  ASSERT_EQ(errors.size() + 1, failures.size()) << log();  // the CSV has a header
  ASSERT_EQ(errors.size(), 2u) << log();
  for (const auto& line : errors) {
    const auto seen = split(line, '|');
    ASSERT_EQ(seen.size(), 5u) << line;
    bool found = false;
    for (const auto& row : failures) {
      if (row[0] == seen[0] && row[1] == seen[1]) {
        found = true;
        EXPECT_EQ(row[2], seen[2]);
        EXPECT_EQ(row[3], seen[3]);
      }
    }
    EXPECT_TRUE(found) << line;
    EXPECT_EQ(seen[4].size(), 64u) << line;  // Locust's key: a SHA-256 in hex
  }
  EXPECT_NE(out.find("|CatchResponseError('not what I wanted')|"), std::string::npos) << out;
}
