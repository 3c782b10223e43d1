// The master's check that a worker knows every option a test sets (worker_option_support.hpp): a worker
// that would ignore one (an older cicada) refuses the test, naming the worker and the options; options at
// their default and those the master sets for each worker anyway never refuse it.
#include "distributed/worker_option_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace cicada::distributed {
namespace {

using namespace std::chrono_literals;

// What a worker of the release before poisson_arrivals lists (were it to list anything).
std::vector<std::string> names_before_poisson() {
  auto names = known_run_options();
  std::erase(names, "poisson_arrivals");
  return names;
}

runner::RunOptions poisson(bool on) {
  runner::RunOptions o;
  o.host = "http://target:8080";
  o.max_lateness = 2s;
  o.poisson_arrivals = on;
  return o;
}

TEST(WorkerOptionSupport, AWorkerListsEveryOptionOfVisitRunOptions) {
  const auto names = known_run_options();
  EXPECT_EQ(names.front(), "host");
  EXPECT_NE(std::find(names.begin(), names.end(), "poisson_arrivals"), names.end());
  EXPECT_TRUE(options_unknown_to(names, poisson(true)).empty());
}

TEST(WorkerOptionSupport, AWorkerMissingAnOptionTheTestSetsIsRefusedNamingIt) {
  EXPECT_EQ(options_unknown_to(names_before_poisson(), poisson(true)),
            std::vector<std::string>{"poisson_arrivals"});
  auto refused =
      check_workers_know_options({{"w1", Hello{"box-a", 1, 1, names_before_poisson()}}}, poisson(true));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "worker w1 (box-a) runs an older cicada that does not know the option(s) poisson_arrivals; run "
            "the same cicada version on master and workers");
}

TEST(WorkerOptionSupport, AnOptionAtItsDefaultIsNoReasonToRefuse) {
  EXPECT_TRUE(options_unknown_to(names_before_poisson(), poisson(false)).empty());
  EXPECT_TRUE(
      check_workers_know_options({{"w1", Hello{"box-a", 1, 1, names_before_poisson()}}}, poisson(false)));
}

TEST(WorkerOptionSupport, AWorkerWithoutAListKnowsTheOptionsUpToMaxLateness) {
  const std::optional<std::vector<std::string>> no_list;
  EXPECT_EQ(options_unknown_to(no_list, poisson(true)), std::vector<std::string>{"poisson_arrivals"});
  EXPECT_TRUE(options_unknown_to(no_list, poisson(false)).empty());  // max_lateness set: known
}

TEST(WorkerOptionSupport, OptionsTheMasterSetsForEachWorkerNeverRefuse) {
  runner::RunOptions o;
  o.users = 50;
  o.spawn_rate = 7;
  o.max_inflight = 3;
  o.run_time = 30s;
  o.warmup = 5s;
  o.reset_stats = true;
  o.keep_entry_history = false;
  o.threads = 4;
  o.seed = 99;
  const std::vector<std::string> knows_nothing;
  EXPECT_TRUE(options_unknown_to(knows_nothing, o).empty());
  o.insecure = true;  // one the worker takes from the master
  EXPECT_EQ(options_unknown_to(knows_nothing, o), std::vector<std::string>{"insecure"});
}

TEST(WorkerOptionSupport, EveryRefusedWorkerIsNamed) {
  const std::vector<WorkerHello> workers = {
      {"new", Hello{"box-a", 1, 1, known_run_options()}},
      {"old", Hello{"box-b", 2, 1, std::nullopt}},
      {"older", Hello{"box-c", 3, 1, std::vector<std::string>{"host"}}}};
  runner::RunOptions o = poisson(true);
  o.http2 = true;
  auto refused = check_workers_know_options(workers, o);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "worker old (box-b) runs an older cicada that does not know the option(s) poisson_arrivals; "
            "worker older (box-c) runs an older cicada that does not know the option(s) http2, "
            "max_lateness, poisson_arrivals; run the same cicada version on master and workers");
}

}  // namespace
}  // namespace cicada::distributed
