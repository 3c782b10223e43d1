// The closed model's answer is the knee of the users-throughput curve: the most users before throughput
// stops growing with them. It must not depend on --start: a first step already past the knee is found
// out by measuring fewer users before the search bisects.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "capacity_test_windows.hpp"
#include "runner/capacity_search.hpp"

namespace cicada::runner {
namespace {

// A closed loop without think time against a target that one user nearly fills (436.7 req/s; 490 from
// two users on), as a 2 ms model on one thread measured in session 14. Latency is users / throughput.
CapacityWindow nearly_full_at_one_user(double users) {
  const double tp = users < 2 ? 436.7 * users : 490;
  return window(tp, static_cast<std::int64_t>(users / tp * 1e6));
}

// A target whose throughput grows with users up to `knee` users (100 req/s each), then stays.
struct KneeAt {
  double knee;
  CapacityWindow operator()(double users) const {
    const double tp = 100 * std::min(users, knee);
    return window(tp, static_cast<std::int64_t>(users / tp * 1e6));
  }
};

template <typename Target>
CapacityResult search_users(Target target, double start, CapacityPlan plan = default_plan()) {
  plan.open_model = false;
  plan.start = start;
  CapacitySearch search(plan, {*parse_slo("p95 < 10s")});
  for (int i = 0; i < 1000 && !search.done(); ++i) search.add_window(target(search.load()));
  if (std::getenv("CAPACITY_TRACE"))
    for (const auto& p : search.result().curve)
      std::printf("%g users: %.1f req/s %s %s (%s)\n", p.load, p.throughput_rps, verdict_name(p.verdict),
                  p.violated.c_str(), p.note.c_str());
  EXPECT_TRUE(search.done());
  return search.result();
}

TEST(CapacityKnee, AFirstStepPastTheKneeIsFoundByMeasuringFewerUsers) {
  const auto from_one = search_users(nearly_full_at_one_user, 1);
  const auto from_ten = search_users(nearly_full_at_one_user, 10);
  ASSERT_TRUE(from_one.found) << from_one.stop_reason;
  ASSERT_TRUE(from_ten.found) << from_ten.stop_reason;
  EXPECT_DOUBLE_EQ(from_one.best.load, 1) << from_one.stop_reason;
  EXPECT_DOUBLE_EQ(from_ten.best.load, 1) << from_ten.stop_reason;
  // The first step (10 users) is a plateau now, and the step below it says why.
  EXPECT_EQ(from_ten.curve.front().verdict, StepVerdict::kPlateau);
  EXPECT_EQ(from_ten.curve.front().violated,
            "throughput stopped growing (490.0 req/s at 10 users, 490.0 at 3 users)");
  bool said = false;
  for (const auto& p : from_ten.curve)
    said = said || p.note == "10 users was already past the knee: 490.0 req/s there, 490.0 here";
  EXPECT_TRUE(said);
  EXPECT_EQ(from_ten.stop_reason.rfind("bisected to ±5%: met at 1 user, not at 2 users", 0), 0u)
      << from_ten.stop_reason;
}

TEST(CapacityKnee, AFirstStepBelowTheKneeStillBisectsAboveIt) {
  for (double start : {1.0, 10.0, 30.0}) {
    const auto r = search_users(KneeAt{20}, start);
    ASSERT_TRUE(r.found) << r.stop_reason;
    // Probes below the best step stop at steps --stability (10%) apart, and bisection above it at
    // --precision (5%): within about 10% of the knee.
    EXPECT_GE(r.best.load, 19) << "from " << start << ": " << r.stop_reason;
    EXPECT_LE(r.best.load, 24) << "from " << start << ": " << r.stop_reason;
  }
}

TEST(CapacityKnee, RepeatsFindTheSameKnee) {
  CapacityPlan plan = default_plan();
  plan.repeat = 3;
  const auto r = search_users(nearly_full_at_one_user, 10, plan);
  ASSERT_TRUE(r.found) << r.stop_reason;
  ASSERT_EQ(r.answers.size(), 3u) << r.stop_reason;
  for (double a : r.answers) EXPECT_DOUBLE_EQ(a, 1) << r.stop_reason;
}

TEST(CapacityKnee, MaxStepsEndsASearchProbingBelow) {
  CapacityPlan plan = default_plan();
  plan.max_steps = 3;  // 10 users, 30 users (a plateau), then 3 users below: no fourth step
  const auto r = search_users(nearly_full_at_one_user, 10, plan);
  EXPECT_EQ(r.curve.size(), 3u);
  EXPECT_NE(r.stop_reason.find("--max-steps 3 reached"), std::string::npos) << r.stop_reason;
  ASSERT_TRUE(r.found);
  EXPECT_DOUBLE_EQ(r.best.load, 3);
  EXPECT_FALSE(r.limit_not_reached) << "10 users failed (past the knee)";
}

TEST(CapacityKnee, AProbeStepThatFailsLeavesTheBracketAsItWas) {
  // 3 users cross the latency objective (noise, or a target that is not monotone): 10 users stays the
  // good end, and the search bisects above it.
  auto target = [](double users) {
    auto w = KneeAt{20}(users);
    if (users == 3) w.latency.record_n(20'000'000, w.requests);  // half its requests take 20 s
    return w;
  };
  const auto r = search_users(target, 10);
  ASSERT_TRUE(r.found) << r.stop_reason;
  EXPECT_GE(r.best.load, 10) << r.stop_reason;
  EXPECT_LE(r.best.load, 24) << r.stop_reason;
}

TEST(CapacityKnee, LoadsOfOneUserSayUser) {
  CapacityPlan plan;
  plan.open_model = false;
  EXPECT_EQ(format_load(plan, 1), "1 user");
  EXPECT_EQ(format_load(plan, 2), "2 users");
}

}  // namespace
}  // namespace cicada::runner
