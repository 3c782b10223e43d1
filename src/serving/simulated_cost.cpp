#include "serving/simulated_cost.hpp"

#include <thread>
#include <utility>

namespace cicada::serving {
namespace {

// How early a sleep ends before the deadline, to be finished by spinning: covers the kernel's timer
// slack (50 us by default) and a usual wake-up delay, so a sleeping cost overshoots rarely.
constexpr std::chrono::microseconds kSleepMargin{300};

void spin_until(std::chrono::steady_clock::time_point until) {
  while (std::chrono::steady_clock::now() < until) {
  }
}

}  // namespace

std::optional<CostMode> parse_cost_mode(std::string_view text) {
  if (text == "spin") return CostMode::kSpin;
  if (text == "sleep") return CostMode::kSleep;
  return std::nullopt;
}

void spend(std::chrono::microseconds cost, CostMode mode) {
  const auto until = std::chrono::steady_clock::now() + cost;
  if (mode == CostMode::kSleep && cost > kSleepMargin) std::this_thread::sleep_until(until - kSleepMargin);
  spin_until(until);
}

http::Handler with_simulated_cost(http::Handler handler, SimulatedCost cost) {
  if (cost.per_request.count() <= 0) return handler;
  return [handler = std::move(handler), cost](const http::ServerRequest& request, http::ServerResponse& out) {
    spend(cost.per_request, cost.mode);
    handler(request, out);
  };
}

}  // namespace cicada::serving
