// Load shapes across a fleet: the master follows --stages / --arrival-rate and dispatches each target to
// real worker processes on loopback; fixed user counts are fleet-wide. Every run is bounded (the shape's
// end or -t, and deadlines on every wait).
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <thread>

#include "fleet.hpp"
#include "support/csv_rows.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using namespace cicada::testing;

namespace {

struct FleetRun {
  ScriptedServer server;
  TempDir dir;
  int port = ScriptedServer::closed_port();

  using Workers = std::vector<std::unique_ptr<ChildProcess>>;

  // Runs the master with two workers to its end; returns its exit code (nullopt: it hung). `during` runs
  // once both have started (it may kill one and take it out of the list).
  std::optional<int> run(const std::filesystem::path& scenario, std::vector<std::string> extra,
                         std::string& master_err,
                         const std::function<void(ChildProcess&, Workers&)>& during = {}) {
    extra.insert(extra.end(), {"--csv", (dir.path() / "run").string(), "--stop-timeout", "2"});
    ChildProcess master(master_argv(scenario, server.url(), port, 2, extra), dir.path());
    Workers workers;
    for (int i = 0; i < 2; ++i) workers.push_back(std::make_unique<ChildProcess>(worker_argv(port)));
    if (during) during(master, workers);
    const auto code = master.wait(40s);
    master_err = master.err();
    expect_workers_quit(workers);
    return code;
  }
  CsvRows csv(const std::string& suffix) const { return read_csv(dir.path() / ("run_" + suffix + ".csv")); }
};

std::uint64_t requests(const CsvRows& stats, const std::string& method, const std::string& name) {
  const auto* row = find_row(stats, method, name);
  return row ? std::stoull((*row)[2]) : 0;
}

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
  constexpr double kRate = 200, kSeconds = 5;
  const auto code = f.run(scenario, {"--arrival-rate", "200", "-t", "5s"}, err);
  ASSERT_TRUE(code) << err;
  EXPECT_EQ(*code, 0) << err;
  EXPECT_NE(err.find("Sharing 200.00 iterations/s over 2 workers: 100.00 each"), std::string::npos) << err;
  const auto counted = requests(f.csv("stats"), "", "Aggregated");
  // Each worker schedules from the moment its start arrives (a few ms after the master's), so the total
  // is the rate times the run time within a few percent.
  EXPECT_GE(counted, static_cast<std::uint64_t>(kRate * kSeconds * 0.95)) << err;
  EXPECT_LE(counted, static_cast<std::uint64_t>(kRate * kSeconds * 1.03)) << err;
  EXPECT_EQ(counted, f.server.request_count());
}

TEST(FleetShape, ALostWorkersShareOfTheArrivalRateGoesToTheOther) {
  FleetRun f;
  f.server.set_fallback(ScriptedReply::respond(200, "ok"));
  const auto scenario = write_get_scenario(f.dir.path(), "constant(0)");
  std::string err;
  std::uint64_t last_two_seconds = 0;
  const auto code = f.run(
      scenario, {"--arrival-rate", "100", "-t", "12s", "--worker-timeout", "3"}, err,
      [&](ChildProcess& master, FleetRun::Workers& workers) {
        ASSERT_TRUE(master.wait_for_output("100.00 iterations/s over 2 workers", 15s));
        std::this_thread::sleep_for(1500ms);
        workers[0]->signal(SIGKILL);
        workers[0]->wait(5s);
        workers.erase(workers.begin());
        // --worker-timeout 3, not 1: workers beat once a second, and a loaded 2-core box delays beats.
        ASSERT_TRUE(master.wait_for_output("Sharing 100.00 iterations/s over 1 workers: 100.00 each", 8s))
            << master.err();
        // The survivor now runs the whole rate.
        const auto before = f.server.request_count();
        std::this_thread::sleep_for(2s);
        last_two_seconds = f.server.request_count() - before;
      });
  ASSERT_TRUE(code) << err;
  EXPECT_EQ(*code, 0) << err;
  EXPECT_GE(last_two_seconds, 180u) << err;
  EXPECT_LE(last_two_seconds, 215u) << err;
}

TEST(FleetShape, AFixedCountIsRunOnceOverTheFleet) {
  FleetRun f;
  f.server.set_fallback(ScriptedReply::respond(200, "ok"));
  const auto scenario = f.dir.path() / "fixed.yaml";
  // One Pinned user GETs /pinned every 0.1 s (~10/s); the weighted Getters fill the other users.
  std::ofstream(scenario) << "user_types:\n"
                             "  Pinned:\n    fixed_count: 1\n    wait_time: constant(0.1)\n"
                             "    tasks:\n      pin:\n        requests:\n          - get: /pinned\n"
                             "  Getter:\n    weight: 1\n    wait_time: constant(0.1)\n"
                             "    tasks:\n      get_x:\n        requests:\n          - get: /x\n";
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
