#pragma once
// When an open-model loop polls instead of sleeping between arrivals (arrival_executor.cpp says why).
// Shared with the capacity search: a polling loop keeps its core busy whatever its work, so its CPU use
// measures its load only below the polling rate.
#include <chrono>

namespace cicada::runner {

// Below this gap to its next arrival a loop polls (one epoll_wait(0) per pass) instead of a timer wait.
inline constexpr std::chrono::microseconds kPollBelow{50};
// Arrivals per second per loop above which it polls (20,000/s).
inline constexpr double kPollingArrivalsPerLoop = 1e6 / static_cast<double>(kPollBelow.count());

}  // namespace cicada::runner
