// Load shapes across a fleet: the master follows --stages / --arrival-rate and dispatches each target to
// real worker processes on loopback; fixed user counts are fleet-wide. Every run is bounded (the shape's
// end or -t, and deadlines on every wait). Workers lost or joining: fleet_lost_worker_test.cpp.
#include "fleet_run.hpp"

using namespace std::chrono_literals;
using namespace cicada::testing;

namespace {

TEST(FleetShape, TwoStagesGiveEachStageItsUserTotalOverTheWorkers) {
  FleetRun f;
  f.server.set_fallback(ScriptedReply::respond(200, "ok"));
  const auto scenario = write_get_scenario(f.dir.path(), "constant(0.1)");
  std::string err;
  const auto code = f.run(scenario, {"--stages", "4s:4@100,4s:10@100"}, err);
  ASSERT_TRUE(code) << err;
  EXPECT_EQ(*code, 0) << err;
  EXPECT_NE(err.find("Sharing 4 users over 2 workers: 2, 2"), std::string::npos) << err;
  EXPECT_NE(err.find("Sharing 10 users over 2 workers: 5, 5"), std::string::npos) << err;
  // The per-second history shows both stages' totals, summed over the workers.
  std::set<std::string> user_counts;
  for (const auto& row : f.csv("stats_history")) user_counts.insert(row[1]);
  EXPECT_TRUE(user_counts.count("4")) << err;
  EXPECT_TRUE(user_counts.count("10")) << err;
  EXPECT_FALSE(user_counts.count("20")) << "each worker ran the whole stage";
  // Every 5 s the headless master logs its workers: state, users, CPU and memory.
  EXPECT_TRUE(std::regex_search(err, std::regex("Workers: \\S+ [a-z]+ [0-9]+ users [0-9]+% CPU [0-9]+ MB, ")))
      << err;
}

TEST(FleetShape, ArrivalRateIsSplitOverTheWorkersAndTotalsTheRateAsked) {
  FleetRun f;
  f.server.set_fallback(ScriptedReply::respond(200, "ok"));
  const auto scenario = write_get_scenario(f.dir.path(), "constant(0)");
  std::string err;
  // A modest rate: a starved machine piles up less work, and 2 s still tell 80 from 160 or 40 apart.
  constexpr double kRate = 40;
  ServedWindow window;
  // -t only bounds the run: it is stopped (Ctrl-C) once the window is measured, so however slowly the
  // workers start, the window lies inside it. The exit code checks the Ctrl-C too: a SIGINT landing in the
  // master's ZeroMQ wait once aborted it (EINTR).
  const auto code = f.run(
      scenario, {"--arrival-rate", "40", "-t", "60s"}, err,
      [&](ChildProcess& master, FleetRun::Workers& workers) {
        for (auto& w : workers)
          ASSERT_TRUE(w->wait_for_output("Open model: 20.00 iterations/s from now on", 60s)) << w->err();
        window = served_over(f.server, 2s);
        master.signal(SIGINT);
      },
      {"--loglevel", "DEBUG"});
  ASSERT_TRUE(code) << err;
  EXPECT_EQ(*code, 0) << err;
  EXPECT_NE(err.find("Sharing 40.00 iterations/s over 2 workers: 20.00 each"), std::string::npos) << err;
  // A headless master starts with the line a local run starts with, and says over how many workers.
  EXPECT_NE(err.find("Starting cicada: arrival rate 40/s, max in-flight 1000, host " + f.server.url()),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(", over 2 workers"), std::string::npos) << err;
  // Both workers' schedules together: the rate asked, not each worker running all of it (80/s) or half
  // its share (20/s).
  const auto stats = f.csv("stats");
  expect_rate(window, kRate, max_latency_ms(stats), 2, err);
  // Every iteration that came due was started and made its one request, which the master counted once.
  const auto counted = requests(stats, "", "Aggregated");
  const auto due = read_csv(f.dir.path() / "run_latency_correction.csv");
  EXPECT_EQ(iterations(due, "Dropped Iterations"), std::optional<std::uint64_t>(0)) << err;
  EXPECT_EQ(iterations(due, "Started Iterations"), iterations(due, "Due Iterations")) << err;
  EXPECT_EQ(iterations(due, "Started Iterations"), std::optional<std::uint64_t>(counted)) << err;
  EXPECT_EQ(counted, f.server.request_count());
}

// The arrival process is the test's: the master's start line names it, and each worker runs and names it.
TEST(FleetShape, PoissonArrivalsAreNamedByTheMasterAndEveryWorker) {
  FleetRun f;
  f.server.set_fallback(ScriptedReply::respond(200, "ok"));
  const auto scenario = write_get_scenario(f.dir.path(), "constant(0)");
  std::string err;
  std::vector<std::string> worker_err;
  const auto code =
      f.run(scenario, {"--arrival-rate", "20", "--arrival-distribution", "poisson", "-t", "60s"}, err,
            [&](ChildProcess& master, FleetRun::Workers& workers) {
              for (auto& w : workers) {
                ASSERT_TRUE(w->wait_for_output("iterations/s (Poisson arrivals), seed", 60s)) << w->err();
                worker_err.push_back(w->err());
              }
              master.signal(SIGINT);
            });
  ASSERT_TRUE(code) << err;
  EXPECT_EQ(*code, 0) << err;
  EXPECT_NE(err.find("Starting cicada: arrival rate 20/s (Poisson arrivals), max in-flight 1000"),
            std::string::npos)
      << err;
  ASSERT_EQ(worker_err.size(), 2u);
  for (const auto& w : worker_err)
    EXPECT_NE(w.find("10.00 iterations/s (Poisson arrivals)"), std::string::npos) << w;
}

// The command line's user classes hold on every worker: in the open model each worker picks among its
// types by weight, and once ran the ones the master had left out (Beta's requests beside Alpha's).
TEST(FleetShape, AnArrivalRateRunsOnlyTheUserClassesNamedOnTheMastersCommandLine) {
  FleetRun f;
  f.server.set_fallback(ScriptedReply::respond(200, "ok"));
  const auto scenario = write_two_types(f.dir.path(), "Alpha", "", "Beta", "");
  std::string err;
  const auto code = f.run(scenario, {"--arrival-rate", "40", "-t", "3s", "Alpha"}, err);
  ASSERT_TRUE(code) << err;
  EXPECT_EQ(*code, 0) << err;
  const auto stats = f.csv("stats");
  EXPECT_GT(requests(stats, "GET", "/alpha"), 20u) << err;  // 40/s for 3 s
  EXPECT_EQ(requests(stats, "GET", "/beta"), 0u) << err;
  EXPECT_EQ(requests(stats, "", "Aggregated"), f.server.request_count()) << err;
}

// Only fixed-count types and more users than their sum: the fleet runs their sum, as Locust's, and the
// master's ramp ends there (it waited for the 6 users no worker would start).
TEST(FleetShape, OnlyFixedCountTypesRunTheirSumOverTheFleet) {
  FleetRun f;
  f.server.set_fallback(ScriptedReply::respond(200, "ok"));
  const auto scenario =
      write_two_types(f.dir.path(), "A", "    fixed_count: 1\n", "B", "    fixed_count: 2\n");
  std::string err;
  const auto code = f.run(scenario, {"-u", "6", "-r", "100", "-t", "4s"}, err);
  ASSERT_TRUE(code) << err;
  EXPECT_EQ(*code, 0) << err;
  EXPECT_NE(err.find("All users spawned: {\"A\": 1, \"B\": 2} (3 total users)"), std::string::npos) << err;
}

TEST(FleetShape, AFixedCountIsRunOnceOverTheFleet) {
  FleetRun f;
  f.server.set_fallback(ScriptedReply::respond(200, "ok"));
  // One Pinned user and weighted Getters at the same pace.
  const auto scenario = write_pinned_scenario(f.dir.path(), 1);
  std::string err;
  const auto code = f.run(scenario, {"-u", "6", "-r", "100", "-t", "4s"}, err);
  ASSERT_TRUE(code) << err;
  EXPECT_EQ(*code, 0) << err;
  const auto stats = f.csv("stats");
  const auto pinned = requests(stats, "GET", "/pinned");
  const auto others = requests(stats, "GET", "/x");
  // 1 pinned user and 5 getters at the same pace: pinned ~ 1/5 of the others (2 pinned users would be 1/2).
  ASSERT_GT(others, 50u) << err;
  EXPECT_GT(pinned, others / 10) << err;
  EXPECT_LT(pinned, others * 3 / 10) << err;
}

}  // namespace
