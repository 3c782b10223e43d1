// Headless --csv written as Locust writes it (issue 17, "What was seen" 6): PREFIX_stats.csv exists
// before any request has been answered, and is rewritten every second (cicada used to write every 5 s).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "support/child_process.hpp"
#include "support/csv_rows.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::read_file;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;
using cicada::testing::TempDir;

TEST(CsvCadence, StatsCsvExistsBeforeTheFirstAnswerAndIsRewrittenEverySecond) {
  // Each user's first request is answered after 1.5 s, the rest at once: for the first second nothing
  // has completed, then the counts grow every second.
  ScriptedServer server;
  server.set_recording(false);
  for (int i = 0; i < 2; ++i) server.push(ScriptedReply::respond(200, "OK").after(1500ms));
  server.set_fallback(ScriptedReply::respond(200, "OK"));
  TempDir dir;
  std::ofstream(dir.path() / "fast.yaml")
      << "user_types:\n  FastUser:\n    wait_time: constant(0.05)\n    tasks:\n      get_health:\n"
         "        - get: /health\n";
  ChildProcess run({binary("apps/cicada/cicada").string(), "-f", "fast.yaml", "--host", server.url(),
                    "--headless", "-u", "2", "-r", "10", "-t", "10s", "--csv", "out", "--only-summary"},
                   dir.path());
  // Every version of out_stats.csv seen while the run lasts (the file is replaced atomically).
  std::vector<std::string> versions;
  const auto file = dir.path() / "out_stats.csv";
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while (std::chrono::steady_clock::now() < deadline && run.out().find("Aggregated") == std::string::npos) {
    if (std::filesystem::exists(file)) {
      auto text = read_file(file);
      if (versions.empty() || text != versions.back()) versions.push_back(std::move(text));
    }
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(run.wait(30s), 0) << run.err();
  ASSERT_FALSE(versions.empty());
  // The first version: the Aggregated row at zero, written when the run started.
  EXPECT_NE(versions.front().find(",Aggregated,0,0,"), std::string::npos) << versions.front();
  // Counts grow from about 1.5 s to 10 s: with a write every second that is one new version a second
  // (9 or so, with the start-up one); every 5 s would have given 3 or 4.
  EXPECT_GE(versions.size(), 6u) << "versions seen: " << versions.size() << "\nlast:\n" << versions.back();
}
