#include "runner/polling_load.hpp"

#include <atomic>

namespace cicada::runner {
namespace {
std::atomic<std::uint64_t> g_span_ns{0};
std::atomic<std::uint64_t> g_idle_ns{0};
}  // namespace

void add_polling_load(std::uint64_t span_ns, std::uint64_t idle_ns) {
  g_span_ns.fetch_add(span_ns, std::memory_order_relaxed);
  g_idle_ns.fetch_add(idle_ns, std::memory_order_relaxed);
}

PollingLoad polling_load_total() {
  return PollingLoad{g_span_ns.load(std::memory_order_relaxed), g_idle_ns.load(std::memory_order_relaxed)};
}

double polling_busy_share(const PollingLoad& before, const PollingLoad& after, std::uint64_t min_span_ns) {
  const std::uint64_t span = after.span_ns - before.span_ns;
  if (span == 0 || span < min_span_ns) return -1;
  const std::uint64_t idle = after.idle_ns - before.idle_ns;
  return idle >= span ? 0.0 : static_cast<double>(span - idle) / static_cast<double>(span);
}

}  // namespace cicada::runner
