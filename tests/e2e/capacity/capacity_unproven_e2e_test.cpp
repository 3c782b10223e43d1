// `cicada capacity` with a fail_ratio objective against a target that answers its first requests and then
// fails every one: the answer is a load at which nothing failed, but over too few requests to show a ratio
// under the limit, so the process says so and exits 5, which a CI job reads as no pass (exit 0 before
// session 18). The unit tests cover capacity_exit_code; this checks what the command returns and prints.
//
// The plan does not depend on the machine's speed: the open model sends 2/s, then 6/s, then 18/s, each step
// at most --max-windows 3 windows of 1 s (--stable-windows 1: a window agrees with itself, so only the fail
// ratio keeps a step measuring), so the first two steps send at most about 30 requests and no more than 40
// are answered 200. 30 requests cannot show a ratio under 1% (that takes 299 without a failure); the third
// step's failures show one above it. The loose latency objective is there for a busy machine: without one,
// a median lateness of the open model's few arrivals over 1 ms (late timer wake-ups) would read as the
// generator saturating; with one, lateness counts only above a tenth of it.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/json_file.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::ScriptedReply;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

constexpr int kAnswered = 40;

TEST(CapacityE2e, AnAnswerOnTooFewRequestsToShowItsFailRatioExitsFive) {
  cicada::testing::ScriptedServer server;
  server.set_recording(false);
  std::atomic<int> seen{0};
  server.set_handler([&seen](const cicada::testing::RecordedRequest&) {
    return seen.fetch_add(1) < kAnswered ? ScriptedReply::respond(200, "OK")
                                         : ScriptedReply::respond(500, "no");
  });
  TempDir dir;
  ChildProcess search({binary("apps/cicada/cicada").string(),
                       "capacity",
                       "-f",
                       source("examples/health.yaml").string(),
                       "--host",
                       server.url(),
                       "--slo",
                       "fail_ratio < 1%",
                       "--slo",
                       "p99 < 10s",
                       "--start",
                       "2",
                       "--factor",
                       "3",
                       "--precision",
                       "0",
                       "--warmup",
                       "0s",
                       "--window",
                       "1s",
                       "--stable-windows",
                       "1",
                       "--max-windows",
                       "3",
                       "--threads",
                       "1",
                       "--headless",
                       "--no-history",
                       "--json",
                       "curve.json"},
                      dir.path());
  const auto code = search.wait(120s);
  ASSERT_TRUE(code.has_value()) << search.out() << search.err();
  const std::string out = search.out();
  EXPECT_EQ(*code, 5) << out << search.err();
  EXPECT_NE(out.find("Highest load met, its fail ratio unproven"), std::string::npos) << out;
  // What would prove it: no failure in 299 requests shows a ratio under 1%.
  EXPECT_NE(
      out.find("too few requests to show a fail ratio under 1.00% after 3 windows (--max-windows); about "
               "299 requests at this fail ratio would show it under 1.00%"),
      std::string::npos)
      << out;

  const auto read = cicada::testing::read_json_file(dir.path() / "curve.json");
  ASSERT_TRUE(read) << "no curve.json, or not JSON";
  const nlohmann::json& curve = *read;
  EXPECT_TRUE(curve.at("found").get<bool>()) << curve.dump();
  EXPECT_TRUE(curve.at("fail_ratio_unproven").get<bool>()) << curve.dump();
  // The answer is a step that saw no failure (the 2/s or the 6/s one), and a later step failed.
  const double answer = curve.at("max_load").get<double>();
  EXPECT_TRUE(answer == 2 || answer == 6) << curve.dump();
  bool a_step_failed = false;
  for (const auto& point : curve.at("points")) {
    if (point.at("load").get<double>() == answer) {
      EXPECT_EQ(point.at("fail_ratio").get<double>(), 0) << point.dump();
    }
    a_step_failed = a_step_failed || !point.at("within_slo").get<bool>();
  }
  EXPECT_TRUE(a_step_failed) << curve.dump();
}

}  // namespace
