#pragma once
// LoopLag: how long an event loop was kept from running its handlers, measured in the same run, so a test
// that times something done on that loop can allow for exactly the delay a loaded machine added. A timer
// on the loop expires every `period`; each expiry runs late by however long the loop's thread was not
// running (descheduled, or busy in other handlers), and late() is the sum of those delays. A deadline of
// the code under test that shares the loop is late by no more than that, plus the handlers it runs.
//
//   LoopLag lag(io_);
//   ... run the loop until the request times out, took = how long it took ...
//   EXPECT_LT(took, timeout + lag.late() + 100ms);  // a timer checked once a second would be ~800 ms late
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

namespace cicada::testing {

class LoopLag {
 public:
  explicit LoopLag(boost::asio::io_context& io,
                   std::chrono::milliseconds period = std::chrono::milliseconds(5))
      : state_(std::make_shared<State>(io, period)) {
    arm(state_);
  }
  ~LoopLag() { state_->timer.cancel(); }
  LoopLag(const LoopLag&) = delete;
  LoopLag& operator=(const LoopLag&) = delete;

  // The loop's total lateness so far, including the current wait if it is already overdue.
  std::chrono::steady_clock::duration late() const {
    const auto now = std::chrono::steady_clock::now();
    const auto overdue = now > state_->timer.expiry() ? now - state_->timer.expiry()
                                                      : std::chrono::steady_clock::duration::zero();
    return state_->late + overdue;
  }

 private:
  struct State {
    State(boost::asio::io_context& io, std::chrono::milliseconds p) : timer(io), period(p) {}
    boost::asio::steady_timer timer;
    std::chrono::milliseconds period;
    std::chrono::steady_clock::duration late{};
  };

  // Re-armed from the time it actually ran, so one long stall counts once rather than once per missed
  // period. The handler holds the state: a wait cancelled by the destructor may run after it.
  static void arm(const std::shared_ptr<State>& s) {
    s->timer.expires_after(s->period);
    s->timer.async_wait([s](const boost::system::error_code& ec) {
      if (ec) return;
      s->late += std::chrono::steady_clock::now() - s->timer.expiry();
      arm(s);
    });
  }

  std::shared_ptr<State> state_;
};

}  // namespace cicada::testing
