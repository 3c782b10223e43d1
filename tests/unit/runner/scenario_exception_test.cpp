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
  EXPECT_EQ(delta.exceptions[0].where, "GoldenUser.predict");
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
  EXPECT_EQ(delta.exceptions[0].message, "unknown exception");
  EXPECT_EQ(delta.exceptions[0].where, "U.on_start");
  EXPECT_EQ(delta.exceptions[1].message, "bad stop");
  EXPECT_EQ(delta.exceptions[1].where, "U.on_stop");
}

}  // namespace
