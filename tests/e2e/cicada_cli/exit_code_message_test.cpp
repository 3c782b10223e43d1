// The line that says why a run failed names the code the process exits with: a failed threshold's 3
// wins over --exit-code-on-error, and --exit-code-on-error 0 makes a run with failures a warning.
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;
using cicada::testing::source;
using cicada::testing::start_cicada;
using cicada::testing::TempDir;

namespace {

// A 1 s run against a target that answers every request 500 (or `status`); its stderr and exit code.
std::pair<std::optional<int>, std::string> failing_run(std::vector<std::string> flags, int status = 500) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(status, status == 200 ? "OK" : "broken"));
  TempDir dir;
  std::vector<std::string> args{"-f",          source("examples/health.yaml").string(),
                                "--host",      server.url(),
                                "--headless",  "-u",
                                "1",           "-t",
                                "1s",          "--only-summary",
                                "--no-history"};
  args.insert(args.end(), flags.begin(), flags.end());
  auto run = start_cicada(std::move(args), dir.path());
  auto code = run->wait(60s);
  return {code, run->err()};
}

}  // namespace

TEST(ExitCodeMessage, AFailedThresholdsCodeIsTheOneNamed) {
  const auto [code, err] = failing_run({"--threshold", "fail_ratio < 1%", "--exit-code-on-error", "7"});
  ASSERT_EQ(code, 3) << err;
  EXPECT_NE(err.find("/ERROR/cicada: The run failed (exit code 3): "), std::string::npos) << err;
  EXPECT_EQ(err.find("exit code 7"), std::string::npos) << err;
}

TEST(ExitCodeMessage, ExitCodeOnErrorIsNamedWhenItIsTheCode) {
  const auto [code, err] = failing_run({"--exit-code-on-error", "7"});
  ASSERT_EQ(code, 7) << err;
  EXPECT_NE(err.find("The run failed (exit code 7, --exit-code-on-error): "), std::string::npos) << err;
}

TEST(ExitCodeMessage, ARunThatExitsZeroByChoiceIsAWarningNotAnError) {
  const auto [code, err] = failing_run({"--exit-code-on-error", "0"});
  ASSERT_EQ(code, 0) << err;
  EXPECT_NE(err.find("/WARNING/cicada: The run had failures, exit code 0 (--exit-code-on-error 0): "),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("/ERROR/"), std::string::npos) << err;
}

// A run failed by a threshold alone (every request answered 200) said only "Shutting down (exit code 3)":
// the line names the thresholds that failed, with their actual values.
TEST(ExitCodeMessage, ARunFailedByAThresholdAloneSaysWhichThreshold) {
  const auto [code, err] =
      failing_run({"--threshold", "rps > 1000000", "--threshold", "fail_ratio < 1%"}, 200);
  ASSERT_EQ(code, 3) << err;
  EXPECT_NE(err.find("/ERROR/cicada: The run failed (exit code 3): 1 of 2 threshold results failed: "
                     "rps > 1000000 [Aggregated] (actual "),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("fail_ratio < 1% [Aggregated] (actual"), std::string::npos) << "it passed: " << err;
}
