// How a polling loop files the gaps between its passes (runner/polling_load.hpp), on a made-up clock:
// plain empty passes are idle, work is work but for what a pass costs, and a gap in which the loop did
// not run at all (a pause) is never idle.
#include <gtest/gtest.h>

#include <chrono>

#include "runner/polling_load.hpp"

namespace cicada::runner {
namespace {

using namespace std::chrono_literals;

struct Filed {
  std::uint64_t span_ns, idle_ns;
};

// Feeds `gaps` (duration, whether the loop did work in it) and returns what reached the process sums.
Filed file(std::initializer_list<std::pair<std::chrono::nanoseconds, bool>> gaps) {
  const PollingLoad before = polling_load_total();
  PollGapMeter meter;
  MonoTime t = MonoTime{} + 1s;
  std::uint64_t events = 0;
  meter.pass_started(t, events);
  meter.resumed(t);
  for (const auto& [gap, worked] : gaps) {
    t += gap;
    if (worked) ++events;
    meter.pass_started(t, events);
    meter.resumed(t);
  }
  meter.publish();
  const PollingLoad after = polling_load_total();
  return {after.span_ns - before.span_ns, after.idle_ns - before.idle_ns};
}

TEST(PollGapMeter, EmptyPassesAreIdleAndWorkIsWorkButForWhatAPassCosts) {
  const Filed idle = file({{2us, false}, {2us, false}, {3us, false}});
  EXPECT_EQ(idle.span_ns, 7'000u);
  EXPECT_EQ(idle.idle_ns, 7'000u);
  // 1 ms of plain 2 us passes sets the cost of a pass (published once a ms); then a 30 us gap of work
  // held one such pass: 2 us of it was polling.
  PollGapMeter meter;
  MonoTime t = MonoTime{} + 1s;
  meter.pass_started(t, 0);
  meter.resumed(t);
  for (int i = 0; i < 500; ++i) {
    t += 2us;
    meter.pass_started(t, 0);
    meter.resumed(t);
  }
  const PollingLoad before = polling_load_total();
  t += 30us;
  meter.pass_started(t, 1);
  EXPECT_EQ(meter.pending().span_ns, 30'000u);
  EXPECT_EQ(meter.pending().idle_ns, 2'000u);
  meter.publish();
  EXPECT_EQ(polling_load_total().span_ns - before.span_ns, 30'000u);
}

// Passes come microseconds apart, so an empty gap of a millisecond or more is time the loop did not run
// (descheduled, its virtual CPU paused): arrivals due in it start late, as from a busy loop. Counting it
// idle made a loop that kept stopping look as if it had time to spare.
TEST(PollGapMeter, AnEmptyGapOfAMillisecondOrMoreIsAPauseNotIdleTime) {
  const Filed paused = file({{2us, false}, {20ms, false}, {2us, false}});
  EXPECT_EQ(paused.span_ns, 20'004'000u);
  EXPECT_EQ(paused.idle_ns, 4'000u);
  const Filed slow = file({{500us, false}});  // a slow empty pass, under a pause: still idle
  EXPECT_EQ(slow.idle_ns, 500'000u);
  EXPECT_DOUBLE_EQ(polling_busy_share({0, 0}, {paused.span_ns, paused.idle_ns}, 1),
                   1.0 - 4'000.0 / 20'004'000.0);
}

TEST(PollGapMeter, TheWaitAfterLeavingPollingIsNoGap) {
  const PollingLoad before = polling_load_total();
  PollGapMeter meter;
  MonoTime t = MonoTime{} + 1s;
  meter.pass_started(t, 0);
  meter.resumed(t);
  meter.left_polling();
  t += 40ms;  // asleep on the timer
  meter.pass_started(t, 0);
  meter.resumed(t);
  t += 2us;
  meter.pass_started(t, 0);
  meter.publish();
  EXPECT_EQ(polling_load_total().span_ns - before.span_ns, 2'000u);
}

}  // namespace
}  // namespace cicada::runner
