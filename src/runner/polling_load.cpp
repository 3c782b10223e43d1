#include "runner/polling_load.hpp"

#include <algorithm>
#include <atomic>

#include "runner/arrival_polling.hpp"

namespace cicada::runner {
namespace {
std::atomic<std::uint64_t> g_span_ns{0};
std::atomic<std::uint64_t> g_idle_ns{0};

constexpr std::uint64_t kPublishNs = 1'000'000;  // a loop's figures, once a ms of polled time
constexpr std::uint64_t kPlainPassNs =           // longest empty gap taken as one plain pass
    std::chrono::duration_cast<std::chrono::nanoseconds>(kPollBelow).count();
constexpr auto kPauseNs = static_cast<std::uint64_t>(PollGapMeter::kPause.count());
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

void PollGapMeter::pass_started(MonoTime at, std::uint64_t events) {
  if (resumed_ != MonoTime{} && at > resumed_) {
    const auto gap = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(at - resumed_).count());
    span_ns_ += gap;
    if (events != events_) {
      // A gap with work in it also held one pass (a yield and a non-blocking epoll_wait), which a loop
      // with nothing to do pays too: that much of it is polling, the rest work.
      idle_ns_ += std::min(gap, pass_cost_ns_);
    } else if (gap < kPauseNs) {  // empty and short of a pause (see the header): idle
      idle_ns_ += gap;
      if (gap < kPlainPassNs) {  // a plain pass: what a pass costs
        empty_gap_ns_ += gap;
        ++empty_gaps_;
      }
    }
    if (span_ns_ >= kPublishNs) publish();
  }
  events_ = events;
}

void PollGapMeter::publish() {
  if (empty_gaps_ > 0) pass_cost_ns_ = empty_gap_ns_ / empty_gaps_;  // else keep the last estimate
  empty_gap_ns_ = empty_gaps_ = 0;
  if (span_ns_ == 0) return;
  add_polling_load(span_ns_, idle_ns_);
  span_ns_ = idle_ns_ = 0;
}

}  // namespace cicada::runner
