// How a run ended is in its reports (--json run.ended_by, the JUnit ended_by property, the history): a
// CI job can tell a run cut short by Ctrl-C or SIGTERM from one that ran its time.
#include <gtest/gtest.h>

#include <csignal>

#include "support/child_process.hpp"
#include "support/json_file.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::ChildProcess;
using cicada::testing::read_file;
using cicada::testing::read_json_file;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;
using cicada::testing::source;
using cicada::testing::start_cicada;
using cicada::testing::TempDir;

namespace {

class EndedBy : public ::testing::Test {
 protected:
  EndedBy() { server_.set_fallback(ScriptedReply::respond(200, "OK")); }

  std::unique_ptr<ChildProcess> start(const std::string& run_time) {
    return start_cicada({"-f", source("examples/health.yaml").string(), "--host", server_.url(), "--headless",
                         "-u", "1", "-t", run_time, "--only-summary", "--json", "run.json", "--junit",
                         "run.xml", "--history-db", "h.db"},
                        dir_.path());
  }
  // Every report says the run ended `how`, the history's export too.
  void expect_ended_by(const std::string& how) {
    const auto json = read_json_file(dir_.path() / "run.json");
    ASSERT_TRUE(json);
    EXPECT_EQ((*json)["run"]["ended_by"], how);
    EXPECT_EQ((*json)["run"]["complete"], true);
    EXPECT_NE(read_file(dir_.path() / "run.xml").find("<property name=\"ended_by\" value=\"" + how + "\"/>"),
              std::string::npos)
        << read_file(dir_.path() / "run.xml");
    auto exported = start_cicada(
        {"history", "export", "latest", "--json", "export.json", "--history-db", "h.db"}, dir_.path());
    ASSERT_EQ(exported->wait(30s), 0) << exported->err();
    const auto again = read_json_file(dir_.path() / "export.json");
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)["run"]["ended_by"], how);
  }

  ScriptedServer server_;
  TempDir dir_;
};

}  // namespace

TEST_F(EndedBy, ARunThatRanItsTimeEndedByRunTime) {
  auto run = start("1s");
  ASSERT_EQ(run->wait(60s), 0) << run->err();
  expect_ended_by("run_time");
}

TEST_F(EndedBy, ARunCutShortBySigintOrSigtermSaysInterrupted) {
  for (int sig : {SIGINT, SIGTERM}) {
    auto run = start("10m");
    ASSERT_TRUE(run->wait_for_output("All users spawned", 60s)) << run->err();
    run->signal(sig);
    ASSERT_EQ(run->wait(60s), 0) << run->err();
    expect_ended_by("interrupted");
  }
}
