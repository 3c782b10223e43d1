#include "serving/simulated_cost.hpp"

#include <thread>
#include <utility>

namespace cicada::serving {
namespace {

class SteadyCostClock final : public CostClock {
 public:
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_until(std::chrono::steady_clock::time_point until) override {
    std::this_thread::sleep_until(until);
  }
};

}  // namespace

std::optional<CostMode> parse_cost_mode(std::string_view text) {
  if (text == "spin") return CostMode::kSpin;
  if (text == "sleep") return CostMode::kSleep;
  return std::nullopt;
}

void spend(std::chrono::microseconds cost, CostMode mode, CostClock& clock) {
  const auto until = clock.now() + cost;
  if (mode == CostMode::kSleep && cost > kSleepMargin) clock.sleep_until(until - kSleepMargin);
  while (clock.now() < until) {
  }
}

void spend(std::chrono::microseconds cost, CostMode mode) {
  SteadyCostClock clock;
  spend(cost, mode, clock);
}

http::Handler with_simulated_cost(http::Handler handler, SimulatedCost cost) {
  if (cost.per_request.count() <= 0) return handler;
  return [handler = std::move(handler), cost](const http::ServerRequest& request, http::ServerResponse& out) {
    spend(cost.per_request, cost.mode);
    handler(request, out);
  };
}

}  // namespace cicada::serving
