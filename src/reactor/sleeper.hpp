#pragma once
// Sleeper: a reusable, cancellable timer a coroutine can co_await (a user's wait_time).
// One per user, created once, so waiting between tasks allocates nothing.
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <coroutine>

namespace cicada::reactor {

class Sleeper {
 public:
  explicit Sleeper(boost::asio::io_context& ctx) : timer_(ctx) {}

  struct Awaiter {
    Sleeper& self;
    std::chrono::nanoseconds duration;
    bool await_ready() const noexcept { return self.cancelled_; }
    void await_suspend(std::coroutine_handle<> h) {
      self.timer_.expires_after(duration);
      self.timer_.async_wait([h](const boost::system::error_code&) { h.resume(); });
    }
    void await_resume() const noexcept {}
  };

  // Completes after d, or at once once cancel() was called.
  Awaiter sleep(std::chrono::nanoseconds d) { return Awaiter{*this, d}; }

  // Ends the current wait now and makes later waits return immediately (the user is stopping).
  void cancel() {
    cancelled_ = true;
    timer_.cancel();
  }
  // Ends the current wait now only (the user is killed mid-task: its cleanup may sleep again).
  void wake() { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
  bool cancelled_ = false;
};

// Re-queues the coroutine at the back of its loop: lets other users run between back-to-back tasks
// of a user with no wait time.
struct YieldAwaiter {
  boost::asio::io_context& ctx;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const {
    boost::asio::post(ctx, [h] { h.resume(); });
  }
  void await_resume() const noexcept {}
};

}  // namespace cicada::reactor
