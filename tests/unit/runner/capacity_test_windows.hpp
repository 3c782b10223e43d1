#pragma once
// Synthetic measurement windows for the capacity search's unit tests (no sockets, no clock), and a
// simulated target to run a whole search against.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runner/capacity_search.hpp"

namespace cicada::runner {

// A window of `seconds` in which `done_per_s` requests completed, all with latency_us.
inline CapacityWindow window(double done_per_s, std::int64_t latency_us, double seconds = 1,
                             double fail_ratio = 0) {
  CapacityWindow w;
  w.seconds = seconds;
  w.requests = static_cast<std::uint64_t>(std::llround(done_per_s * seconds));
  w.failures = static_cast<std::uint64_t>(std::llround(static_cast<double>(w.requests) * fail_ratio));
  if (w.requests) w.latency.record_n(latency_us, w.requests);
  w.generator_cpu = 0.3;
  return w;
}

// One-second windows, the search's other defaults.
inline CapacityPlan default_plan() {
  CapacityPlan p;
  p.window = std::chrono::seconds(1);
  return p;
}

// A target that completes min(load, capacity) per second: under capacity its latency follows an M/D/1
// queue (1 ms of service, growing as the load nears capacity); past it, the queue grows every window.
struct SimulatedServer {
  double capacity = 1000;
  double service_us = 1000;
  int window_in_step = 0;
  CapacityWindow next(double load) {
    ++window_in_step;
    const double rho = load / capacity;
    if (rho < 1) {
      const double wait = service_us * rho / (2 * (1 - rho));
      return window(load, static_cast<std::int64_t>(service_us + wait));
    }
    // Past capacity: the backlog, and every request's wait, grow with each window.
    const double backlog_s = (load - capacity) * window_in_step / capacity;
    return window(capacity, static_cast<std::int64_t>(service_us + backlog_s * 1e6));
  }
};

// Runs a whole search against `server`, counting windows (each 1 s): the search's own clock.
struct Outcome {
  CapacityResult result;
  int windows = 0;
};
inline Outcome search_against(SimulatedServer server, CapacityPlan plan, std::vector<Slo> slos) {
  CapacitySearch search(plan, std::move(slos));
  Outcome out;
  while (!search.done() && out.windows < 10'000) {
    ++out.windows;
    if (search.add_window(server.next(search.load()))) server.window_in_step = 0;
  }
  out.result = search.result();
  if (std::getenv("CAPACITY_TRACE"))
    for (const auto& p : out.result.curve)
      std::printf("%g -> %g req/s p95 %lld us %s %s\n", p.load, p.throughput_rps,
                  static_cast<long long>(p.percentiles_us[5]), verdict_name(p.verdict), p.violated.c_str());
  return out;
}

}  // namespace cicada::runner
