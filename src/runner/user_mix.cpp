#include "runner/user_mix.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cicada::runner {
namespace {

// The longest cycle kept: weights whose scaled sum is larger (1 against 10^7, say) are scaled down to it,
// keeping their ratio within rounding. Locust would build that list itself; a million positions is 4 MB.
constexpr std::uint64_t kMaxCycle = std::uint64_t{1} << 20;

}  // namespace

std::vector<std::uint32_t> smooth_round_robin(const std::vector<std::uint64_t>& weights) {
  // Each step every item's current weight grows by its weight; the largest (the first of equals) is
  // picked and loses the total. Over sum(weights) steps each item is picked exactly its weight's times,
  // spread as evenly as integers allow.
  const auto total = std::accumulate(weights.begin(), weights.end(), std::uint64_t{0});
  std::vector<std::int64_t> current(weights.size(), 0);
  std::vector<std::uint32_t> cycle;
  cycle.reserve(total);
  for (std::uint64_t step = 0; step < total; ++step) {
    std::size_t best = weights.size();
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] == 0) continue;
      current[i] += static_cast<std::int64_t>(weights[i]);
      if (best == weights.size() || current[best] < current[i]) best = i;
    }
    current[best] -= static_cast<std::int64_t>(total);
    cycle.push_back(static_cast<std::uint32_t>(best));
  }
  return cycle;
}

std::vector<std::uint64_t> locust_weights(const std::vector<double>& weights) {
  double smallest = 0;
  for (double w : weights)
    if (w > 0 && (smallest == 0 || w < smallest)) smallest = w;
  std::vector<double> ratio(weights.size(), 0);
  if (smallest == 0) return std::vector<std::uint64_t>(weights.size(), 0);
  for (std::size_t i = 0; i < weights.size(); ++i)  // each at most kMaxCycle (1e300 / 1e-300 is no number)
    if (weights[i] > 0) ratio[i] = std::min(2 * weights[i] / smallest, static_cast<double>(kMaxCycle));
  return shrink_to_cycle(ratio);
}

std::vector<std::uint64_t> shrink_to_cycle(const std::vector<double>& weights) {
  double sum = 0;
  for (double w : weights)
    if (w > 0) sum += w;
  // Past kMaxCycle, scale all down alike (each positive weight keeps at least 1).
  const double shrink = sum > static_cast<double>(kMaxCycle) ? static_cast<double>(kMaxCycle) / sum : 1.0;
  std::vector<std::uint64_t> scaled(weights.size(), 0);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] > 0)) continue;
    // std::nearbyint rounds half to even in the default rounding mode, as Python's round().
    scaled[i] = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::nearbyint(weights[i] * shrink)));
  }
  return scaled;
}

UserMix::UserMix(const std::vector<UserType>& types) : by_name_(types.size()) {
  for (const auto& t : types) {
    weights_.push_back(t.fixed_count ? 0.0 : t.weight);
    fixed_.push_back(t.fixed_count.value_or(-1));
  }
  std::iota(by_name_.begin(), by_name_.end(), std::size_t{0});
  std::stable_sort(by_name_.begin(), by_name_.end(),
                   [&types](std::size_t a, std::size_t b) { return types[a].name < types[b].name; });
  build_cycle();
}

void UserMix::set_fixed(const std::vector<std::pair<std::size_t, int>>& counts) {
  if (counts.empty()) return;
  for (const auto& [type, count] : counts) {
    fixed_[type] = count;
    weights_[type] = 0;
    if (!counts_.empty()) counts_[type] = 0;
  }
  build_cycle();  // once for them all: it walks every fixed user's place
}

std::optional<std::uint64_t> UserMix::counted_users() const {
  if (counts_.empty()) return std::nullopt;
  return std::accumulate(counts_.begin(), counts_.end(), std::uint64_t{0});
}

void UserMix::set_counts(const std::vector<std::uint64_t>& counts) {
  counts_.assign(weights_.size(), 0);
  for (std::size_t t = 0; t < counts.size() && t < counts_.size(); ++t)
    if (fixed_[t] < 0) counts_[t] = counts[t];
  build_cycle();
}

void UserMix::build_cycle() {
  // The round robin runs over the types in name order; its items are then mapped back to type indices.
  std::vector<std::uint64_t> ordered(by_name_.size(), 0);
  if (counts_.empty()) {
    std::vector<double> w(by_name_.size());
    for (std::size_t k = 0; k < by_name_.size(); ++k) w[k] = weights_[by_name_[k]];
    ordered = locust_weights(w);
  } else {
    for (std::size_t k = 0; k < by_name_.size(); ++k) ordered[k] = counts_[by_name_[k]];
    // Not rescaled: the cycle is then the worker's whole share. Only a share past kMaxCycle shrinks.
    const auto total = std::accumulate(ordered.begin(), ordered.end(), std::uint64_t{0});
    if (total > kMaxCycle) ordered = shrink_to_cycle(std::vector<double>(ordered.begin(), ordered.end()));
  }
  cycle_ = smooth_round_robin(ordered);
  per_cycle_.assign(weights_.size(), 0);
  for (auto& k : cycle_) {
    k = static_cast<std::uint32_t>(by_name_[k]);
    ++per_cycle_[k];
  }
  partial_at_ = 0;
  partial_.assign(weights_.size(), 0);
  // The fixed types' order, by name as well.
  fixed_blocks_.clear();
  std::vector<std::uint64_t> fixed(by_name_.size(), 0);
  for (std::size_t k = 0; k < by_name_.size(); ++k)
    fixed[k] = static_cast<std::uint64_t>(std::max(0, fixed_[by_name_[k]]));
  fixed_total_ = std::accumulate(fixed.begin(), fixed.end(), std::uint64_t{0});
  fixed_order_ = locust_fixed_order(fixed);
  if (fixed_order_.empty() && fixed_total_ > 0) {
    // Past the longest order kept: each type's users one after the other, by name (fixed_kept, next_fixed
    // and dispatch.hpp split_fixed_counts agree on it), described by its types alone.
    for (std::size_t k = 0; k < by_name_.size(); ++k)
      if (fixed[k] > 0) fixed_blocks_.push_back(static_cast<std::uint32_t>(by_name_[k]));
  }
  for (auto& k : fixed_order_) k = static_cast<std::uint32_t>(by_name_[k]);
  fixed_at_ = 0;
  fixed_seen_.assign(weights_.size(), 0);
}

void UserMix::expect(std::uint64_t users) {
  const std::uint64_t length = cycle_.size();
  const auto at = static_cast<std::size_t>(users % length);
  if (at < partial_at_) {  // behind the cached prefix (users stopped): count again from the start
    partial_at_ = 0;
    std::fill(partial_.begin(), partial_.end(), 0);
  }
  for (; partial_at_ < at; ++partial_at_) ++partial_[cycle_[partial_at_]];
  expected_.resize(partial_.size());
  for (std::size_t t = 0; t < partial_.size(); ++t)
    expected_[t] = users / length * per_cycle_[t] + partial_[t];
}

std::vector<std::uint32_t> locust_fixed_order(const std::vector<std::uint64_t>& counts) {
  // Locust's dispatcher walks a round robin of the scaled counts and takes a class while it is under its
  // count, until every class has its count.
  const auto total = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
  if (total > kMaxCycle) return {};  // 4 bytes a user: a fixed_count of 2e9 would take 8 GB
  std::vector<double> w(counts.begin(), counts.end());
  const auto cycle = smooth_round_robin(locust_weights(w));
  std::vector<std::uint64_t> taken(counts.size(), 0);
  std::vector<std::uint32_t> order;
  order.reserve(total);
  // Each pass over the cycle takes at least one (every counted class is in it).
  while (order.size() < total) {
    for (const std::uint32_t k : cycle) {
      if (taken[k] >= counts[k]) continue;
      ++taken[k];
      order.push_back(k);
    }
  }
  return order;
}

std::optional<std::size_t> UserMix::next_fixed(const std::vector<std::size_t>& live_per_type) {
  for (const std::uint32_t t : fixed_blocks_)  // past the longest order kept: blocks by name
    if (live_per_type[t] < static_cast<std::size_t>(fixed_[t])) return t;
  // The first slot of the fixed order whose type has fewer users than slots up to it. The slots before
  // fixed_at_ were all met when it was set; if a type has lost users since, look again from the start.
  for (std::size_t t = 0; t < fixed_seen_.size(); ++t) {
    if (fixed_seen_[t] > live_per_type[t]) {
      fixed_at_ = 0;
      std::fill(fixed_seen_.begin(), fixed_seen_.end(), 0);
      break;
    }
  }
  for (; fixed_at_ < fixed_order_.size(); ++fixed_at_) {
    const std::uint32_t t = fixed_order_[fixed_at_];
    if (fixed_seen_[t] + 1 > live_per_type[t]) return t;
    ++fixed_seen_[t];
  }
  return std::nullopt;
}

std::vector<std::size_t> UserMix::fixed_kept(std::size_t users) const {
  std::vector<std::size_t> kept(fixed_.size(), 0);
  if (users >= fixed_total_) {
    for (std::size_t t = 0; t < fixed_.size(); ++t)
      kept[t] = static_cast<std::size_t>(std::max(0, fixed_[t]));
    return kept;
  }
  if (fixed_order_.empty()) {  // blocks by name
    for (const std::uint32_t t : fixed_blocks_) {
      kept[t] = std::min(users, static_cast<std::size_t>(fixed_[t]));
      users -= kept[t];
    }
    return kept;
  }
  for (std::size_t k = 0; k < users; ++k) ++kept[fixed_order_[k]];
  return kept;
}

std::size_t UserMix::next(const std::vector<std::size_t>& live_per_type) {
  if (auto t = next_fixed(live_per_type)) return *t;
  // Only fixed-count types, all full: not asked while LocalBackend::runnable_target keeps the target within
  // their sum (as Locust runs no more); the first type rather than no answer.
  if (cycle_.empty()) return 0;
  std::uint64_t weighted_live = 0;
  for (std::size_t t = 0; t < fixed_.size(); ++t)
    if (fixed_[t] < 0) weighted_live += live_per_type[t];
  expect(weighted_live + 1);
  // The cycle's own next type, unless another type is further below its count (a mix that moved).
  const std::size_t own = cycle_[static_cast<std::size_t>(weighted_live % cycle_.size())];
  auto below = [&](std::size_t t) {
    return static_cast<std::int64_t>(expected_[t]) - static_cast<std::int64_t>(live_per_type[t]);
  };
  // A worker's counts are a ceiling too: a type at its count is not chosen while another is under its own
  // (LocalBackend::runnable_target keeps the target within their sum, so one always is).
  auto open = [&](std::size_t t) { return counts_.empty() || live_per_type[t] < counts_[t]; };
  std::size_t best = own;
  for (std::size_t t = 0; t < fixed_.size(); ++t) {
    if (fixed_[t] >= 0 || per_cycle_[t] == 0 || !open(t)) continue;
    if (!open(best) || below(t) > below(best)) best = t;
  }
  return best;
}

TaskPicker::TaskPicker(const std::vector<TaskSpec>& tasks) {
  double sum = 0;
  for (const auto& t : tasks) {
    sum += t.weight > 0 ? t.weight : 0;
    cumulative_.push_back(sum);
  }
  if (sum <= 0) cumulative_.clear();
}

std::size_t TaskPicker::pick(Random& rng) const {
  const double x = rng.uniform() * cumulative_.back();
  auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
  if (it == cumulative_.end()) --it;
  return static_cast<std::size_t>(it - cumulative_.begin());
}

}  // namespace cicada::runner
