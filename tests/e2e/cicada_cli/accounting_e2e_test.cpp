// Every iteration accounted for (docs/metrics.md): the cicada binary against a scripted loopback server
// that accepts connections and never answers.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/csv_rows.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::read_csv;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

std::uint64_t counter(const cicada::testing::CsvRows& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.size() == 2 && r[0] == name) return std::stoull(r[1]);
  ADD_FAILURE() << "no row " << name;
  return 0;
}

// The run's iteration counters, from its PREFIX_latency_correction.csv (--csv out).
struct Iterations {
  std::uint64_t due = 0, started = 0, dropped = 0;
};
Iterations iterations_in(const TempDir& dir) {
  const auto rows = read_csv(dir.path() / "out_latency_correction.csv");
  return {counter(rows, "Due Iterations"), counter(rows, "Started Iterations"),
          counter(rows, "Dropped Iterations")};
}

// The open model at `rate` against `server` with `inflight` slots for `seconds`, one loop, CSVs as out_*.
std::vector<std::string> open_model_run(const ScriptedServer& server, const char* rate, const char* inflight,
                                        const char* seconds) {
  return cicada::testing::cicada_argv(
      {"-f", source("examples/health.yaml").string(), "--host", server.url(), "--headless", "--only-summary",
       "--arrival-rate", rate, "--max-inflight", inflight, "-t", seconds, "--threads", "1", "--csv", "out"});
}

}  // namespace

// Accept-and-never-answer: 5 iterations start and hang, every later one waits for a slot until the test
// ends. They were due and never ran: the summary says so, the numbers add up, and the run fails.
TEST(Accounting, AnOpenModelRunAgainstAHungServerCountsEveryDueIterationAndFails) {
  ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::stall());
  TempDir dir;
  ChildProcess run(open_model_run(server, "20", "5", "3s"), dir.path());
  const auto code = run.wait(60s);
  ASSERT_TRUE(code) << run.err();
  EXPECT_EQ(*code, 1) << run.out() << run.err();  // --exit-code-on-error's default, as for failures
  EXPECT_NE(run.err().find("due iterations were dropped"), std::string::npos) << run.err();
  const auto [due, started, dropped] = iterations_in(dir);
  EXPECT_EQ(started, 5u);
  EXPECT_EQ(due, started + dropped);
  EXPECT_NEAR(static_cast<double>(due), 60.0, 4.0);  // 3 s at 20/s
  EXPECT_NE(run.out().find("Iterations: " + std::to_string(due) + " due, 5 started, " +
                           std::to_string(dropped) + " dropped"),
            std::string::npos)
      << run.out();
}

// The highest rate cicada accepts (10 million a second) against a hung server with 2 slots: the loop
// cannot follow it, and before the waiting line was bounded a rate it could not follow made every pass of
// its schedule longer than the time it covered (the run and its stop never ended; memory grew ~200 MB/s).
// Now each arrival past the line's bound is dropped at once, counted: the run ends on time, and what was
// due still adds up.
TEST(Accounting, ARateTheLoopCannotFollowEndsOnTimeWithItsDropsCounted) {
  ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::stall());
  TempDir dir;
  ChildProcess run(open_model_run(server, "1e7", "2", "2s"), dir.path());
  const auto code = run.wait(120s);
  ASSERT_TRUE(code) << "the run did not end" << run.err();
  EXPECT_EQ(*code, 1) << run.out() << run.err();
  const auto [due, started, dropped] = iterations_in(dir);
  EXPECT_EQ(started, 2u);
  EXPECT_EQ(due, started + dropped);
  EXPECT_GT(dropped, 1'000'000u) << "2 s at 10 million a second, of which most could not even wait";
}
