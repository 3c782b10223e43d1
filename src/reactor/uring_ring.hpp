#pragma once
// UringRing: an io_uring beside one event loop's io_context, for the load generator's plain HTTP/1.1
// sends and receives (`--io-uring`, issue 19).
//
// Why: an epoll client makes a send and a receive system call per request (and Asio one epoll_wait per
// batch); through the ring, the sends and receives that a batch of requests queues reach the kernel in
// one io_uring_enter. The floor pair measured what that is worth on this machine (bench/RESULTS.md, "The
// floor": 5.3 µs of client CPU per request over io_uring against 7.6 over epoll). Boost.Asio 1.74 has no
// io_uring backend, so this is our own, and it carries only that hot path: connecting, TLS, HTTP/2,
// timers and everything else stay on Asio.
//
// How it lives inside Asio's loop: the ring's file descriptor is registered with the loop's epoll (an
// Asio descriptor waiting for "readable") while operations are in flight. Completions make it readable;
// the loop then runs pump(), which hands each completion to its target (resuming coroutines, which
// queue their next operations) and submits what was queued. Operations queued outside pump() (a user
// woken by a timer) are submitted by one posted pump per batch.
// The ring uses COOP_TASKRUN: completions are posted when the loop's thread enters the kernel (its
// epoll_wait is interrupted to do so), never by an interrupt in the middle of its work. DEFER_TASKRUN,
// which the floor programs use, cannot work here: a deferred ring never makes an epoll that watches it
// readable (measured on kernel 6.18), so Asio's loop would sleep through its completions.
//
// Every operation posts exactly one completion (no skip-success, no multishot), so in_flight() is exact
// and a target can hold a reference per operation.
#include <liburing.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace cicada::reactor {

// What an operation completes into. The ring keeps a plain pointer: the target must stay alive until
// each of its operations has completed (a Connection holds a reference to itself per operation).
class UringTarget {
 public:
  // res: the operation's result (bytes moved, or -errno). tag: what the target passed when queueing.
  virtual void on_uring_completion(unsigned tag, int res) = 0;

 protected:
  ~UringTarget() = default;
};

class UringRing {
 public:
  // A ring for the loop `io` runs, or nullptr when the kernel refuses one (too old, io_uring disabled by
  // sysctl or a seccomp profile); `why` then says what failed.
  static std::unique_ptr<UringRing> create(boost::asio::io_context& io, std::string& why);
  ~UringRing();
  UringRing(const UringRing&) = delete;
  UringRing& operator=(const UringRing&) = delete;

  // Queue a send of all `size` bytes (short sends are continued by the kernel) or a receive of up to
  // `size` bytes on a connected stream socket (flags: recv(2)'s, e.g. MSG_PEEK | MSG_DONTWAIT for a
  // check that does not wait). tag < 8. The bytes must stay put until completion. poll_first: the bytes
  // cannot be there yet (the answer to a request queued just before), so the kernel waits for them
  // without first trying a receive that would fail (IORING_RECVSEND_POLL_FIRST: about 1.5% of cicada's
  // CPU per request, bench/RESULTS.md "Session 14").
  void send(int fd, const void* data, std::size_t size, UringTarget* target, unsigned tag);
  void recv(int fd, void* data, std::size_t size, UringTarget* target, unsigned tag, int flags = 0,
            bool poll_first = false);

  std::size_t in_flight() const { return in_flight_; }

  // What the loop's queued handlers hold instead of the ring (uring_ring.cpp): its ring pointer is null
  // once the ring is gone, so a handler that runs after it (the loop run again later, as tests do) does
  // nothing; it also holds the memory of those handlers.
  struct Token;
  // Operations queued since the ring was made.
  std::uint64_t operations() const { return operations_; }

 private:
  explicit UringRing(boost::asio::io_context& io);
  io_uring_sqe* next_sqe();
  void queued(io_uring_sqe* sqe, UringTarget* target, unsigned tag);
  // One pump per batch, run after the handlers already queued.
  void post_pump();
  // Hands out every completion that is there, submits what is queued; again while that produced more.
  void pump();
  void deliver_completions();
  // The loop watches the ring while operations are in flight, and only then: a loop with nothing in
  // flight must be free to run out of work (io_context::run returns).
  void update_wait();

  boost::asio::io_context& io_;
  io_uring ring_{};
  bool ring_made_ = false;
  boost::asio::posix::stream_descriptor wait_;
  bool wait_armed_ = false;
  bool in_pump_ = false;
  bool pump_posted_ = false;
  std::size_t in_flight_ = 0;
  std::uint64_t operations_ = 0;
  std::shared_ptr<Token> self_;
};

}  // namespace cicada::reactor
