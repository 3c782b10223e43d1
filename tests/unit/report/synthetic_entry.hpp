#pragma once
// A synthetic request stats entry for report tests that need exact figures rather than a real run:
// p50 as given, p95 = 3 x p50, p99 = 5 x p50, every other percentile = p50.
#include <cstdint>
#include <string>

#include "stats/snapshot.hpp"

namespace cicada::report::test {

inline stats::EntrySnapshot synthetic_entry(std::string method, std::string name, std::uint64_t requests,
                                            std::uint64_t failures, std::int64_t p50_us, double rps) {
  stats::EntrySnapshot e;
  e.method = std::move(method);
  e.name = std::move(name);
  e.num_requests = requests;
  e.num_failures = failures;
  e.percentiles_us.fill(p50_us);
  e.percentiles_us[5] = p50_us * 3;
  e.percentiles_us[7] = p50_us * 5;
  e.total_rps = rps;
  return e;
}

}  // namespace cicada::report::test
