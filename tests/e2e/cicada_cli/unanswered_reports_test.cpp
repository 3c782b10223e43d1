// Requests still waiting when the test ended are in --json and the HTML report, so a CI job can reconcile
// the target's count of requests with the report's: received = total.requests + unanswered_requests -
// unanswered_counted (those that waited 1 s or more, already failed requests).
#include <gtest/gtest.h>

#include <csignal>

#include "support/child_process.hpp"
#include "support/json_file.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::read_file;
using cicada::testing::read_json_file;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;
using cicada::testing::source;
using cicada::testing::start_cicada;
using cicada::testing::TempDir;

TEST(UnansweredReports, TheJsonAndHtmlCountTheRequestsTheTargetNeverAnswered) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::stall());
  TempDir dir;
  auto run = start_cicada(
      {"-f", source("examples/health.yaml").string(), "--host", server.url(), "--headless", "-u", "2", "-r",
       "10", "-t", "10m", "--json", "run.json", "--html", "report.html", "--no-history", "--only-summary"},
      dir.path());
  ASSERT_TRUE(server.wait_for_requests(2, 60s)) << run->err();
  run->signal(SIGINT);  // the two requests are waiting: however long, they are unanswered
  ASSERT_TRUE(run->wait(60s)) << run->err();
  const auto json = read_json_file(dir.path() / "run.json");
  ASSERT_TRUE(json) << run->err();
  const auto& r = (*json)["run"];
  EXPECT_EQ(r["unanswered_requests"], 2) << json->dump(2);
  EXPECT_GT(r["oldest_unanswered_us"].get<std::int64_t>(), 0);
  const auto received = server.requests().size();
  EXPECT_EQ(received, 2u);
  EXPECT_EQ((*json)["total"]["requests"].get<std::uint64_t>() +
                r["unanswered_requests"].get<std::uint64_t>() - r["unanswered_counted"].get<std::uint64_t>(),
            received)
      << json->dump(2);
  EXPECT_NE(read_file(dir.path() / "report.html").find("Requests without an answer when the test ended: 2 "),
            std::string::npos);
}
