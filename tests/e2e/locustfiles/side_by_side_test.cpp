// The suite of tests/locustfiles/suite, each run by real Locust 2.12 (Debian's python3-locust) and by
// `cicada -f`, one after the other against the same loopback target (suite/target_server.py): the same
// request rows, the same request mix and failure ratios, the same failure texts.
//
// Counts differ (the two generators differ in speed), so only shares are compared. Both are samples of a
// random task choice: a share may differ by 5 percentage points, or by four standard errors of the
// difference of the two shares when the samples are small (Locust is slow on a loaded machine). Where a
// file's tasks issue requests in runs (a nested TaskSet's visit), the standard error is that of clustered
// draws, not of independent ones: see kClustering.
#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "locustfile_fixture.hpp"

namespace {

using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::CsvRows;
using cicada::testing::read_csv;
using cicada::testing::source;
using cicada::testing::TempDir;

struct Target {
  Target() {
    server = std::make_unique<ChildProcess>(std::vector<std::string>{
        "/usr/bin/python3", source("tests/locustfiles/suite/target_server.py").string()});
    auto text = server->wait_for_output("serving on ", std::chrono::seconds(20));
    if (!text) throw std::runtime_error("target did not start: " + server->err());
    std::smatch m;
    if (!std::regex_search(*text, m, std::regex("http://127\\.0\\.0\\.1:[0-9]+")))
      throw std::runtime_error(*text);
    url = m.str();
  }
  std::unique_ptr<ChildProcess> server;
  std::string url;
};

struct Rows {
  std::map<std::string, std::pair<double, double>> requests;  // "TYPE name" -> (requests, failures)
  double total = 0;
  std::set<std::string> failures;  // "TYPE name: error"
};

Rows rows_of(const std::filesystem::path& dir, const std::string& prefix) {
  Rows r;
  const CsvRows stats = read_csv(dir / (prefix + "_stats.csv"));
  for (std::size_t i = 1; i < stats.size(); ++i) {
    if (stats[i][1] == "Aggregated") continue;
    const double n = std::stod(stats[i][2]);
    r.requests[stats[i][0] + " " + stats[i][1]] = {n, std::stod(stats[i][3])};
    r.total += n;
  }
  const CsvRows failures = read_csv(dir / (prefix + "_failures.csv"));
  for (std::size_t i = 1; i < failures.size(); ++i)
    r.failures.insert(failures[i][0] + " " + failures[i][1] + ": " + failures[i][2]);
  return r;
}

// How much more a share varies than a binomial proportion of as many independent draws (the design
// effect), per suite file; 1 when each request is its own task choice. nested_tasksets.py: a Forum visit
// issues ~4 reads and a Thread visit ~2 replies in a row, so the shares move by runs of requests.
// Simulated (2,000 samples of 200-2,000 requests of its task tree): 3.3 for the reads, 3.9 for the replies,
// 1.7 for /health. With the binomial error, "4 standard errors" was about 2 real ones: against a large
// sample, 300-1,500 Locust requests (a loaded machine) failed 4-5% of simulated runs; with 4, none of 1,000.
double clustering(const std::string& file) { return file == "nested_tasksets.py" ? 4.0 : 1.0; }

// Requests whose failures are decided per user rather than per request: csv_users.py's users each log in
// once with the next row of users.csv, and the one with the wrong password (1 of 4) fails every request.
bool fails_per_user(const std::string& file, const std::string& name) {
  return file == "csv_users.py" && name == "GET /items/[id]";
}

// Two shares (k1 of n1, k2 of n2) agree: within 5 points, or within 4 standard errors of their difference
// (design effect `deff`, see clustering()).
bool shares_agree(double k1, double n1, double k2, double n2, double deff, std::string& why) {
  const double p1 = n1 > 0 ? k1 / n1 : 0, p2 = n2 > 0 ? k2 / n2 : 0;
  const double p = (k1 + k2) / (n1 + n2);
  const double se = std::sqrt(deff * p * (1 - p) * (1 / n1 + 1 / n2));
  const double allowed = std::max(0.05, 4 * se);
  why = "Locust " + std::to_string(p1) + " (" + std::to_string(k1) + "/" + std::to_string(n1) +
        ") vs cicada " + std::to_string(p2) + " (" + std::to_string(k2) + "/" + std::to_string(n2) +
        "), allowed difference " + std::to_string(allowed);
  return std::abs(p1 - p2) <= allowed;
}

class SideBySide : public ::testing::TestWithParam<std::vector<std::string>> {
 protected:
  static void SetUpTestSuite() { target_ = new Target(); }
  static void TearDownTestSuite() {
    delete target_;
    target_ = nullptr;
  }

  // Runs `program -f FILE ARGS --host URL --headless -u 4 -r 4 -t 4s --csv PREFIX` in the test folder.
  int run(const std::string& program, const std::string& prefix, std::vector<std::string> extra) {
    const auto& param = GetParam();
    std::vector<std::string> args{program, "-f", source("tests/locustfiles/suite/" + param[0]).string()};
    args.insert(args.end(), param.begin() + 1, param.end());
    // Locust refuses -u/-r/-t beside a load shape (the shape ends the test).
    const bool shaped = param[0] == "load_shape.py";
    if (!shaped)
      for (const char* a : {"-u", "4", "-r", "4", "-t", "4s"}) args.push_back(a);
    for (const char* a : {"--headless", "--only-summary", "--csv"}) args.push_back(a);
    args.push_back(prefix);
    args.push_back("--host");
    args.push_back(target_->url);
    args.insert(args.end(), extra.begin(), extra.end());
    ChildProcess p(args, dir_.path());
    auto code = p.wait(std::chrono::seconds(90));
    log_ += "\n--- " + program + "\n" + p.out() + p.err();
    (program == "/usr/bin/locust" ? locust_log_ : cicada_log_) = p.out() + p.err();
    return code ? *code : -1;
  }
  // What the first line with `key` says after it; "" without one.
  static std::string said_after(const std::string& text, const std::string& key) {
    const auto at = text.find(key);
    if (at == std::string::npos) return "";
    return text.substr(at + key.size(), text.find('\n', at) - at - key.size());
  }

  static Target* target_;
  TempDir dir_;
  std::string log_;
  std::string locust_log_, cicada_log_;
};

Target* SideBySide::target_ = nullptr;

TEST_P(SideBySide, SameRequestMixAndFailureTexts) {
  const int locust = run("/usr/bin/locust", "locust", {});
  const int cicada = run(binary("apps/cicada/cicada").string(), "cicada", {"--no-history"});
  const Rows l = rows_of(dir_.path(), "locust");
  const Rows c = rows_of(dir_.path(), "cicada");
  // The reference must have measured something: on a machine loaded by other builds, Locust once spent
  // its whole 4 s starting and made no request (exit 0, an empty table). No comparison then; shown as
  // skipped, never as passed.
  if (l.total == 0 && locust == 0) GTEST_SKIP() << "Locust made no request in its run here" << log_;
  EXPECT_EQ(cicada, locust) << log_;
  ASSERT_GT(c.total, 0) << log_;
  const double deff = clustering(GetParam()[0]);
  std::set<std::string> l_names, c_names;
  for (const auto& [name, counts] : l.requests) l_names.insert(name);
  for (const auto& [name, counts] : c.requests) c_names.insert(name);
  EXPECT_EQ(c_names, l_names) << log_;
  for (const auto& [name, lc] : l.requests) {
    const auto it = c.requests.find(name);
    if (it == c.requests.end()) continue;
    const auto cc = it->second;
    std::string why;
    EXPECT_TRUE(shares_agree(lc.first, l.total, cc.first, c.total, deff, why))
        << name << " share of requests: " << why;
    if (fails_per_user(GetParam()[0], name)) {
      // Every request of one user fails: the ratio is that user's share of the requests, which follows
      // how fast each user ran on this machine (Locust 0.26 vs cicada 0.20 under load 30), not a draw
      // per request. Both must fail some of them and not all.
      for (const auto& [requests, failures] : {lc, cc}) {
        EXPECT_GT(failures, 0) << name << log_;
        EXPECT_LT(failures, requests) << name << log_;
      }
      continue;
    }
    // Failures are per request (a check of each response), not per run of requests: binomial.
    EXPECT_TRUE(shares_agree(lc.second, lc.first, cc.second, cc.first, 1.0, why))
        << name << " failure ratio: " << why;
  }
  EXPECT_EQ(c.failures, l.failures) << log_;
  // Log lines said as Locust says them: the same users of each class once spawned (All users spawned:
  // {"Breaker": 1, "Reader": 3} (4 total users)), the run time (Run time limit set to 4 seconds) and its
  // end (--run-time limit reached, shutting down). Not when a shape ended the run: Locust 2.12 then says
  // "Shape test stopping" and its run-time line too, at the same moment; cicada that the shape ended.
  std::vector<std::string> keys{"All users spawned: ", "Run time limit set to "};
  if (cicada_log_.find("The load shape ended") == std::string::npos)
    keys.push_back("--run-time limit reached");
  for (const auto& key : keys) EXPECT_EQ(said_after(locust_log_, key), said_after(cicada_log_, key)) << log_;
}

INSTANTIATE_TEST_SUITE_P(Suite, SideBySide,
                         ::testing::Values(std::vector<std::string>{"login_token.py"},
                                           std::vector<std::string>{"login_raises.py"},
                                           std::vector<std::string>{"csv_users.py"},
                                           std::vector<std::string>{"sequential_flow.py"},
                                           std::vector<std::string>{"nested_tasksets.py"},
                                           std::vector<std::string>{"name_grouping.py"},
                                           std::vector<std::string>{"json_checks.py"},
                                           std::vector<std::string>{"request_listener.py"},
                                           std::vector<std::string>{"custom_argument.py", "--item-id", "5"},
                                           std::vector<std::string>{"load_shape.py"},
                                           std::vector<std::string>{"tags.py", "--tags", "read"},
                                           std::vector<std::string>{"weights_and_errors.py"}),
                         [](const ::testing::TestParamInfo<std::vector<std::string>>& param_info) {
                           std::string name = param_info.param[0].substr(0, param_info.param[0].size() - 3);
                           std::erase(name, '_');
                           return name;
                         });

}  // namespace
