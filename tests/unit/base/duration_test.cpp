#include "base/duration.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using cicada::format_duration;
using cicada::parse_duration;

TEST(ParseDuration, AcceptsLocustForms) {
  EXPECT_EQ(parse_duration("20").value(), 20s);
  EXPECT_EQ(parse_duration("876000h").value(), std::chrono::hours(876000)) << "100 years";
  EXPECT_FALSE(parse_duration("876001h")) << "past 100 years";
  EXPECT_FALSE(parse_duration("99999999999999999999h")) << "past the microseconds' range";
  EXPECT_EQ(parse_duration("20s").value(), 20s);
  EXPECT_EQ(parse_duration("3m").value(), 3min);
  EXPECT_EQ(parse_duration("2h").value(), 2h);
  EXPECT_EQ(parse_duration("1h20m").value(), 80min);
  EXPECT_EQ(parse_duration("3h30m10s").value(), 3h + 30min + 10s);
  EXPECT_EQ(parse_duration("250ms").value(), 250ms);
  EXPECT_EQ(parse_duration("1.5s").value(), 1500ms);
}

TEST(ParseDuration, RejectsGarbageWithMessage) {
  for (auto text : {"", "abc", "10x", "s", "-5s", "1h 2m"}) {
    auto r = parse_duration(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.error().message.find("invalid duration"), std::string::npos);
  }
}

TEST(FormatDuration, RoundTrips) {
  EXPECT_EQ(format_duration(80min + 5s), "1h20m5s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(0s), "0s");
  EXPECT_EQ(parse_duration(format_duration(3h + 7s)).value(), 3h + 7s);
}

// The web UI's start form is refilled with this text: "1s" for 1.5 s ran a shorter test on the next start.
TEST(FormatDuration, KeepsTheFractionOfASecondPastOne) {
  EXPECT_EQ(format_duration(1500ms), "1s500ms");
  EXPECT_EQ(format_duration(90s + 250us), "1m30s250us");
  EXPECT_EQ(parse_duration(format_duration(2h + 1us)).value(), 2h + 1us);
  EXPECT_EQ(parse_duration(format_duration(1500ms)).value(), 1500ms);
}
