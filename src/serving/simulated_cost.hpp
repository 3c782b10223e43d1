#pragma once
// A testing aid (`cicada-model serve --simulated-cost-us N [--simulated-cost-mode spin|sleep]`): make
// each inference request hold its worker thread for a known time, so the server's capacity is known
// in advance (about threads * 10^6 / N requests per second) and a capacity search can be checked
// against it (tests/e2e/capacity).
#include <chrono>
#include <optional>
#include <string_view>

#include "http/server/server_types.hpp"

namespace cicada::serving {

enum class CostMode {
  // Busy-spin for the whole cost: burns CPU like real inference, so the server competes for cores as a
  // CPU-bound model would. Its capacity is T * 10^6 / N only on cores it has to itself.
  kSpin,
  // Block the thread without using CPU (sleep, then spin only the last moments so the wait ends on
  // time): an I/O-bound cost. The capacity then holds on a machine whose cores are busy with other
  // work (the load generator, other tests), which is what a test on a shared 2-core machine needs.
  kSleep,
};

struct SimulatedCost {
  std::chrono::microseconds per_request{0};  // 0: none
  CostMode mode = CostMode::kSpin;
};

// "spin" or "sleep"; nullopt otherwise.
std::optional<CostMode> parse_cost_mode(std::string_view text);

// What spend() reads and waits with: the steady clock and a thread sleep, or a fake clock in unit tests
// (so they check the waiting without waiting).
class CostClock {
 public:
  virtual ~CostClock() = default;
  virtual std::chrono::steady_clock::time_point now() = 0;
  virtual void sleep_until(std::chrono::steady_clock::time_point until) = 0;
};

// How early a sleep ends before the deadline, to be finished by spinning: covers the kernel's timer
// slack (50 us by default) and a usual wake-up delay, so a sleeping cost overshoots rarely.
inline constexpr std::chrono::microseconds kSleepMargin{300};

// Holds the calling thread until `cost` of wall-clock time has passed. Wall clock rather than thread
// CPU time: the request then occupies its thread for exactly `cost`, preempted or not.
void spend(std::chrono::microseconds cost, CostMode mode);
void spend(std::chrono::microseconds cost, CostMode mode, CostClock& clock);

// handler, preceded by spend() of the cost on every call; handler itself when the cost is zero (no
// overhead at all).
http::Handler with_simulated_cost(http::Handler handler, SimulatedCost cost);

}  // namespace cicada::serving
