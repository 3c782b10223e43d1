#pragma once
// One request into an in-flight count under its limit (--max-inflight): the REST dispatcher and the gRPC
// listener admit requests the same way, so a request over the limit is refused the same way on both.
#include <atomic>
#include <cstddef>

namespace cicada {

// Counts the request in and returns true, or, the count at its limit, leaves it as it was and returns
// false. Relaxed: the count is a limit, not a fence for other data.
inline bool try_enter_inflight(std::atomic<std::size_t>& inflight, std::size_t limit) {
  if (inflight.fetch_add(1, std::memory_order_relaxed) < limit) return true;
  inflight.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

}  // namespace cicada
