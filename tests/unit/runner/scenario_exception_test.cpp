#include "runner/scenario_exception.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using cicada::runner::record_current_exception;
using cicada::stats::ThreadStats;

namespace {

TEST(ScenarioException, RecordsWhatAndWhereOfAStdException) {
  ThreadStats stats;
  for (int i = 0; i < 3; ++i) {
    try {
      throw std::runtime_error("deliberate");
    } catch (...) {
      record_current_exception(stats, "GoldenUser", "predict");
    }
  }
  const auto delta = stats.take_delta();
  ASSERT_EQ(delta.exceptions.size(), 1u);
  EXPECT_EQ(delta.exceptions[0].message, "deliberate");
  // The trace: where (user type and task), then what was thrown, by its C++ type.
  EXPECT_EQ(delta.exceptions[0].where, "  in GoldenUser.predict\n  std::runtime_error: deliberate\n");
  EXPECT_EQ(delta.exceptions[0].count, 3u);
}

TEST(ScenarioException, NamesANonStdExceptionAndKeepsPhasesApart) {
  ThreadStats stats;
  try {
    throw 42;
  } catch (...) {
    record_current_exception(stats, "U", "on_start");
  }
  try {
    throw std::logic_error("bad stop");
  } catch (...) {
    record_current_exception(stats, "U", "on_stop");
  }
  const auto delta = stats.take_delta();
  ASSERT_EQ(delta.exceptions.size(), 2u);
  EXPECT_EQ(delta.exceptions[0].message, "exception of type int");
  EXPECT_EQ(delta.exceptions[0].where, "  in U.on_start\n  int\n");
  EXPECT_EQ(delta.exceptions[1].message, "bad stop");
  EXPECT_EQ(delta.exceptions[1].where, "  in U.on_stop\n  std::logic_error: bad stop\n");
}

struct CartError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST(ScenarioException, ANestedChainIsTracedOutermostFirstWithTheScenariosOwnTypes) {
  ThreadStats stats;
  try {
    try {
      throw CartError("no item 7");
    } catch (...) {
      std::throw_with_nested(std::runtime_error("loading the cart"));
    }
  } catch (...) {
    record_current_exception(stats, "Shopper", "checkout");
  }
  try {
    throw "a bare string";
  } catch (...) {
    record_current_exception(stats, "Shopper", "browse");
  }
  const auto delta = stats.take_delta();
  ASSERT_EQ(delta.exceptions.size(), 2u);
  EXPECT_EQ(delta.exceptions[0].message, "loading the cart");
  EXPECT_EQ(delta.exceptions[0].where,
            "  in Shopper.checkout\n  std::runtime_error: loading the cart\n"
            "  caused by (anonymous namespace)::CartError: no item 7\n");
  EXPECT_EQ(delta.exceptions[1].message, "a bare string");
  EXPECT_EQ(delta.exceptions[1].where, "  in Shopper.browse\n  const char*: a bare string\n");
}

}  // namespace
