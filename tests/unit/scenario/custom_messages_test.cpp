// The custom messages mailbox (scenario/custom_messages.hpp): arrivals in order, held while a worker runs
// no test and taken by its next test_start, released to the waiting delivery thread, bounded both ways.
#include "scenario/custom_messages.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

using cicada::scenario::CustomMessage;
using cicada::scenario::CustomMessages;
using namespace std::chrono_literals;

TEST(CustomMessages, ArrivalsAreTakenInOrderWithTheirSender) {
  CustomMessages box;
  EXPECT_TRUE(box.deliver({"a", "1", "w1"}));
  EXPECT_TRUE(box.deliver({"b", "2", "w2"}));
  EXPECT_TRUE(box.wait_deliverable(0ms));
  auto first = box.take_arrival();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, "a");
  EXPECT_EQ(first->node, "w1");
  EXPECT_EQ(box.take_arrival()->type, "b");
  EXPECT_FALSE(box.take_arrival());
  EXPECT_FALSE(box.wait_deliverable(0ms));
}

TEST(CustomMessages, HeldArrivalsWaitForTheTestStartThatTakesThemThenFlowAgain) {
  CustomMessages box;
  box.hold();
  box.deliver({"for_next_test", "null", "master"});
  EXPECT_FALSE(box.wait_deliverable(10ms));  // the delivery thread does not see it
  EXPECT_FALSE(box.take_arrival());          // nor take it
  auto taken = box.take_arrival(true);       // the next test's test_start does
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->type, "for_next_test");
  box.release();
  box.deliver({"during_test", "null", "master"});
  EXPECT_TRUE(box.wait_deliverable(0ms));
  EXPECT_EQ(box.take_arrival()->type, "during_test");
}

TEST(CustomMessages, AWaitingDeliveryIsWokenByAnArrivalOrARelease) {
  CustomMessages box;
  box.hold();
  auto waiting = std::async(std::launch::async, [&] { return box.wait_deliverable(60s); });
  box.deliver({"x", "null", "master"});
  EXPECT_EQ(waiting.wait_for(50ms), std::future_status::timeout);  // held: still waiting
  box.release();
  EXPECT_TRUE(waiting.get());
}

TEST(CustomMessages, BytesAreBoundedToo) {
  CustomMessages box;
  const std::string big(CustomMessages::kMaxQueuedBytes / 2, 'x');
  EXPECT_TRUE(box.deliver({"big", big, "w"}));
  EXPECT_FALSE(box.deliver({"big", big, "w"}));  // over the bytes with two messages waiting
  EXPECT_TRUE(box.deliver({"small", "1", "w"}));
  EXPECT_EQ(box.dropped(), 1u);
  EXPECT_EQ(box.take_arrival()->type, "big");
  EXPECT_TRUE(box.deliver({"big", big, "w"}));  // room again once taken
}

TEST(CustomMessages, EachDirectionIsBoundedAndCountsWhatItDropped) {
  CustomMessages box;
  for (std::size_t i = 0; i < CustomMessages::kMaxQueued; ++i) {
    ASSERT_TRUE(box.deliver({"in", "null", "w"}));
    ASSERT_TRUE(box.send({"out", "null", ""}));
  }
  EXPECT_FALSE(box.deliver({"in", "null", "w"}));
  EXPECT_FALSE(box.send({"out", "null", ""}));
  EXPECT_EQ(box.dropped(), 2u);
  EXPECT_EQ(box.take_sent().size(), CustomMessages::kMaxQueued);
  EXPECT_TRUE(box.take_sent().empty());
  EXPECT_TRUE(box.send({"out", "null", ""}));  // room again once taken
}
