#include <gtest/gtest.h>

#include "scenario/wait_time_parse.hpp"

using cicada::WaitTime;
using cicada::scenario::parse_wait_time;

TEST(ParseWaitTime, AcceptsTheFourLocustFunctions) {
  auto between = parse_wait_time("between(1, 5)");
  ASSERT_TRUE(between.ok()) << between.error().message;
  EXPECT_EQ(between->kind, WaitTime::Kind::kBetween);
  EXPECT_DOUBLE_EQ(between->a, 1);
  EXPECT_DOUBLE_EQ(between->b, 5);

  auto constant = parse_wait_time(" constant(0.5) ");
  ASSERT_TRUE(constant.ok());
  EXPECT_EQ(constant->kind, WaitTime::Kind::kConstant);
  EXPECT_DOUBLE_EQ(constant->a, 0.5);

  auto pacing = parse_wait_time("constant_pacing(2)");
  ASSERT_TRUE(pacing.ok());
  EXPECT_EQ(pacing->kind, WaitTime::Kind::kConstantPacing);
  EXPECT_DOUBLE_EQ(pacing->a, 2);

  auto throughput = parse_wait_time("constant_throughput(10)");
  ASSERT_TRUE(throughput.ok());
  EXPECT_EQ(throughput->kind, WaitTime::Kind::kConstantThroughput);
  EXPECT_DOUBLE_EQ(throughput->a, 10);
}

TEST(ParseWaitTime, BetweenDrawsInsideItsBounds) {
  auto w = parse_wait_time("between(0.05, 0.25)").value();
  cicada::Random rng(7);
  for (int i = 0; i < 1000; ++i) {
    double s = w.next(rng, 0);
    EXPECT_GE(s, 0.05);
    EXPECT_LT(s, 0.25);
  }
}

TEST(ParseWaitTime, RejectsMistakesWithTheExpectedForms) {
  for (auto text :
       {"betwen(1, 5)", "between(5, 1)", "between(1)", "constant(1, 2)", "constant(-1)", "constant()",
        "constant(x)", "constant 1", "constant_throughput(0)", "", "between(1, 5"}) {
    auto r = parse_wait_time(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find("between(MIN, MAX)"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
  }
}
