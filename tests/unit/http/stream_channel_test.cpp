// StreamChannel (a streaming response's queue between its owner and the connection): what is written
// reaches take() in order, a reader too slow for max_pending_bytes ends the stream, and only an owner's
// close() makes the body whole (completed()), which is what lets a TLS connection end it with close_notify.
#include "http/server/stream_channel.hpp"

#include <gtest/gtest.h>

namespace cicada::http {
namespace {

TEST(StreamChannel, TakesWhatWasWrittenAndCompletesOnTheOwnersClose) {
  int wakes = 0;
  StreamChannel channel(100, [&] { ++wakes; });
  EXPECT_TRUE(channel.write("data: a\n\n"));
  EXPECT_TRUE(channel.write("data: b\n\n"));
  EXPECT_EQ(wakes, 1);  // one wake until the worker takes
  std::string out;
  EXPECT_TRUE(channel.take(out));
  EXPECT_EQ(out, "data: a\n\ndata: b\n\n");
  channel.close();
  EXPECT_FALSE(channel.finished());  // closed, not yet seen by the worker
  EXPECT_FALSE(channel.take(out));
  EXPECT_TRUE(channel.finished());
  EXPECT_TRUE(channel.completed());
  EXPECT_FALSE(channel.write("late"));
}

TEST(StreamChannel, AnOverflowEndsTheStreamButDoesNotCompleteIt) {
  StreamChannel channel(10, [] {});
  EXPECT_TRUE(channel.write("0123456789"));
  EXPECT_FALSE(channel.write("x"));  // past max_pending_bytes: the reader is too slow
  std::string out;
  EXPECT_TRUE(channel.take(out));
  EXPECT_EQ(out, "0123456789");
  EXPECT_FALSE(channel.take(out));
  EXPECT_TRUE(channel.finished());
  EXPECT_FALSE(channel.completed());
}

TEST(StreamChannel, MarkedClosedByTheConnectionIsNotCompleted) {
  StreamChannel channel(100, [] {});
  EXPECT_TRUE(channel.write("part"));
  channel.mark_closed();  // the client left, or the server stops
  EXPECT_TRUE(channel.finished());
  EXPECT_FALSE(channel.completed());
  EXPECT_FALSE(channel.is_open());
  StreamChannel closed_first(100, [] {});
  EXPECT_TRUE(closed_first.write("whole"));
  closed_first.close();
  std::string out;
  EXPECT_TRUE(closed_first.take(out));
  EXPECT_FALSE(closed_first.take(out));
  closed_first.mark_closed();  // after the owner's end was taken: the body was whole
  EXPECT_TRUE(closed_first.completed());
  StreamChannel untaken(100, [] {});
  EXPECT_TRUE(untaken.write("never sent"));
  untaken.close();
  untaken.mark_closed();  // the owner's end, but its last bytes were never taken
  EXPECT_FALSE(untaken.completed());
}

}  // namespace
}  // namespace cicada::http
