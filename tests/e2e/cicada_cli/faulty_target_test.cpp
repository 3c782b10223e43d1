// cicada against targets that misbehave (issue 12): whatever the target does, every request is accounted
// for and a broken target never passes.
#include <gtest/gtest.h>

#include <csignal>

#include "support/child_process.hpp"
#include "support/csv_rows.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::read_csv;
using cicada::testing::read_file;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;
using cicada::testing::source;
using cicada::testing::TempDir;

TEST(FaultyTarget, AServerThatNeverAnswersFailsTheRun) {
  // It accepts and reads every request, and never answers.
  ScriptedServer server;
  server.set_fallback(ScriptedReply::stall());
  TempDir dir;
  ChildProcess run({binary("apps/cicada/cicada").string(), "-f", source("examples/health.yaml").string(),
                    "--host", server.url(), "--headless", "-u", "3", "-r", "10", "-t", "3s", "--csv", "out",
                    "--html", "report.html", "--only-summary"},
                   dir.path());
  EXPECT_EQ(run.wait(60s), 1) << run.out() << run.err();  // --exit-code-on-error's default
  EXPECT_TRUE(server.wait_for_requests(3, 1s));
  // Each user's one request waited about 3 s: it is a failure with a plain text, in every output.
  auto failures = read_csv(dir.path() / "out_failures.csv");
  ASSERT_EQ(failures.size(), 2u) << run.out();
  EXPECT_EQ(failures[1][0], "GET");
  EXPECT_EQ(failures[1][1], "/health");
  EXPECT_EQ(failures[1][2], "NoResponse('no response within the test (waited 1 s or more when it ended)')");
  EXPECT_EQ(failures[1][3], "3");
  auto stats = read_csv(dir.path() / "out_stats.csv");
  ASSERT_GE(stats.size(), 2u);
  EXPECT_EQ(stats[1][2], "3");  // requests
  EXPECT_EQ(stats[1][3], "3");  // failures
  EXPECT_NE(run.out().find("no response within the test"), std::string::npos) << run.out();
  EXPECT_NE(run.out().find("Requests without an answer when the test ended: 3 (the oldest waited "),
            std::string::npos)
      << run.out();
  EXPECT_NE(read_file(dir.path() / "report.html").find("no response within the test"), std::string::npos);
}

TEST(FaultyTarget, ASecondCtrlCStopsAtOnceDuringALongStopTimeoutAndKeepsWhatWasMeasured) {
  // The target never answers, so with --stop-timeout 10m the first Ctrl-C would wait ten minutes for the
  // users' tasks; the second one must end the run at once, still writing the CSVs and the verdict.
  ScriptedServer server;
  server.set_fallback(ScriptedReply::stall());
  TempDir dir;
  ChildProcess run({binary("apps/cicada/cicada").string(), "-f", source("examples/health.yaml").string(),
                    "--host", server.url(), "--headless", "-u", "2", "-r", "10", "-t", "10m",
                    "--stop-timeout", "10m", "--csv", "out", "--only-summary"},
                   dir.path());
  ASSERT_TRUE(run.wait_for_output("All users spawned", 30s)) << run.err();
  ASSERT_TRUE(server.wait_for_requests(2, 30s));
  run.signal(SIGINT);
  ASSERT_TRUE(run.wait_for_output("press Ctrl-C again to stop at once", 30s)) << run.err();
  // Still waiting for the stalled tasks: the first Ctrl-C alone does not end the run.
  EXPECT_FALSE(run.wait_for_output("Got SIGINT again", 1s));
  run.signal(SIGINT);
  // Far less than the 10 minutes the stop timeout would take, on any machine.
  EXPECT_EQ(run.wait(120s), 1) << run.out() << run.err();
  EXPECT_NE(run.err().find("Got SIGINT again: stopping at once"), std::string::npos) << run.err();
  auto stats = read_csv(dir.path() / "out_stats.csv");
  ASSERT_GE(stats.size(), 2u) << run.out();
  EXPECT_EQ(stats.back()[1], "Aggregated");
  EXPECT_EQ(stats.back()[2], "2");  // both users' requests are accounted for (unanswered, failed)
}
