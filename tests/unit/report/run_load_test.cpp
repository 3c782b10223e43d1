// What drove a run, in the same words in every report (report/run_load.hpp): users with their spawn rate,
// an arrival rate, stages, a scenario's shape, a capacity search, workers; read back from the history,
// also from runs recorded before the "load" key existed.
#include "report/run_load.hpp"

#include <gtest/gtest.h>

#include <memory>

using namespace cicada;
using namespace cicada::report;

namespace {

stats::Snapshot with_users(std::initializer_list<int> per_second) {
  stats::Snapshot snap;
  std::int64_t t = 1000;
  for (int u : per_second) {
    auto b = std::make_shared<stats::HistoryBlock>();
    b->timestamp = t++;
    b->user_count = u;
    snap.history.push_back(b);
  }
  return snap;
}

}  // namespace

TEST(RunLoad, EachKindOfRunIsDescribedByWhatDroveIt) {
  RunLoad users;
  users.users = 20;
  users.spawn_rate = 2;
  EXPECT_EQ(describe_load(users, {}), "20 users (spawn rate 2/s)");
  RunLoad rate;
  rate.mode = "arrival_rate";
  rate.arrival_rate = 200;
  rate.max_inflight = 50;
  EXPECT_EQ(describe_load(rate, {}), "arrival rate 200/s (max in-flight 50)");
  RunLoad staged;
  staged.mode = "stages";
  staged.stages = "30s:10@5,1m:100@10";
  EXPECT_EQ(describe_load(staged, {}), "stages 30s:10@5,1m:100@10");
  staged.stages = "30s:50/s";
  staged.max_inflight = 1000;
  EXPECT_EQ(describe_load(staged, {}), "stages 30s:50/s (max in-flight 1000)");
  RunLoad shape;
  shape.mode = "shape";
  EXPECT_EQ(describe_load(shape, {}), "a load shape from the scenario");
  users.workers = 3;
  EXPECT_EQ(describe_load(users, {}), "20 users (spawn rate 2/s), 3 workers");
  // Stored and read back: the same words.
  EXPECT_EQ(describe_load(run_load_from_config(R"({"load":)" + run_load_json(rate).dump() + "}", 0), {}),
            "arrival rate 200/s (max in-flight 50)");
  rate.poisson_arrivals = true;
  EXPECT_EQ(describe_load(rate, {}), "arrival rate 200/s (Poisson arrivals, max in-flight 50)");
  EXPECT_EQ(describe_load(run_load_from_config(R"({"load":)" + run_load_json(rate).dump() + "}", 0), {}),
            "arrival rate 200/s (Poisson arrivals, max in-flight 50)");
}

TEST(RunLoad, UsersAreThePeakTheRunReachedSoAnEditedRunReadsTheSameEverywhere) {
  RunLoad o;
  o.users = 20;
  o.spawn_rate = 5;
  // Started at 20, edited to 40 in the web UI: the live report and the stored run both read 40.
  const auto snap = with_users({5, 10, 20, 20, 30, 40, 40});
  EXPECT_EQ(describe_load(o, snap), "40 users (spawn rate 5/s)");
  const auto stored =
      run_load_from_config(R"({"load":)" + run_load_json(o).dump() + "}", peak_users(snap, 20));
  EXPECT_EQ(describe_load(stored, {}), "40 users (spawn rate 5/s)");
  EXPECT_EQ(describe_load(stored, snap), "40 users (spawn rate 5/s)");
  EXPECT_EQ(peak_users({}, 7), 7);  // no second closed: what was asked
  // A run under a second: its one second closed after the users stopped, but requests were made.
  auto short_run = with_users({0});
  EXPECT_EQ(peak_users(short_run, 3), 0) << "no request: no user is known to have run";
  short_run.total.num_requests = 4;
  EXPECT_EQ(peak_users(short_run, 3), 3);
}

TEST(RunLoad, OldRunsAndCapacitySearchesAreDescribedFromTheirConfiguration) {
  EXPECT_EQ(describe_load(
                run_load_from_config(R"({"users":10,"spawn_rate":2,"stages":"","arrival_rate":0})", 10), {}),
            "10 users (spawn rate 2/s)");
  EXPECT_EQ(describe_load(run_load_from_config(R"({"arrival_rate":300,"max_inflight":64})", 0), {}),
            "arrival rate 300/s (max in-flight 64)");
  EXPECT_EQ(describe_load(run_load_from_config(R"({"stages":"10s:5,10s:10","arrival_rate":0})", 10), {}),
            "stages 10s:5,10s:10");
  const auto capacity =
      run_load_from_config(R"({"kind":"capacity","mode":"rate","start":100,"slos":["p95 < 50ms"],)"
                           R"("result":{"found":true,"max_load":1100}})",
                           0);
  EXPECT_EQ(describe_load(capacity, {}),
            "capacity search by arrival rate from 100/s (p95 < 50ms): highest sustainable 1100/s");
  const auto saturated =
      run_load_from_config(R"({"kind":"capacity","mode":"users","start":10,"slos":["p95 < 50ms"],)"
                           R"("result":{"found":true,"max_load":1,"generator_saturated":true,)"
                           R"("saturated_bound_rps":85829.3}})",
                           0);
  EXPECT_EQ(describe_load(saturated, {}),
            "capacity search by users from 10 (p95 < 50ms): highest before the generator saturated 1 user "
            "(85829 req/s within the objectives where it saturated)");
  const auto unbounded =
      run_load_from_config(R"({"kind":"capacity","mode":"rate","start":10,"slos":["p95 < 50ms"],)"
                           R"("result":{"found":true,"max_load":90,"limit_not_reached":true}})",
                           0);
  EXPECT_EQ(
      describe_load(unbounded, {}),
      "capacity search by arrival rate from 10/s (p95 < 50ms): highest measured before --max-steps 90/s");
  EXPECT_EQ(describe_load(run_load_from_config("not json", 3), {}), "3 users");
  const auto poisson =
      run_load_from_config(R"({"kind":"capacity","mode":"rate","start":10,"slos":["p95 < 50ms"],)"
                           R"("result":{"found":true,"max_load":900,"arrival_distribution":"poisson"}})",
                           0);
  EXPECT_EQ(describe_load(poisson, {}),
            "capacity search by Poisson arrival rate from 10/s (p95 < 50ms): highest sustainable 900/s");
  const auto unproven =
      run_load_from_config(R"({"kind":"capacity","mode":"rate","start":10,"slos":["fail_ratio < 1%"],)"
                           R"("result":{"found":true,"max_load":5,"fail_ratio_unproven":true}})",
                           0);
  EXPECT_EQ(
      describe_load(unproven, {}),
      "capacity search by arrival rate from 10/s (fail_ratio < 1%): highest met 5/s (fail ratio unproven)");
}
