#include "stats/second_ring.hpp"

#include <algorithm>
#include <utility>

namespace cicada::stats {

namespace {
std::size_t slot_of(std::int64_t second) {
  auto m = second % SecondRing::kDepth;
  return static_cast<std::size_t>(m < 0 ? m + SecondRing::kDepth : m);
}
}  // namespace

void SecondRing::put(std::int64_t second, std::uint64_t requests, std::uint64_t failures,
                     SparseHistogram latency) {
  Slot& s = slots_[slot_of(second)];
  s.second = second;
  s.requests = requests;
  s.failures = failures;
  s.latency = std::move(latency);
}

const SecondRing::Slot* SecondRing::find(std::int64_t second) const {
  const Slot& s = slots_[slot_of(second)];
  return s.second == second ? &s : nullptr;
}

SecondRing::Counts SecondRing::counts(std::int64_t second) const {
  const Slot* s = find(second);
  return s ? Counts{s->requests, s->failures} : Counts{};
}

void SecondRing::merge_latency(std::int64_t from, std::int64_t to, Histogram& out) const {
  if (to - from >= kDepth) from = to - kDepth + 1;
  for (std::int64_t t = from; t <= to; ++t) {
    if (const Slot* s = find(t)) out.merge(s->latency);
  }
}

void SecondRing::clear() { slots_ = {}; }

}  // namespace cicada::stats
