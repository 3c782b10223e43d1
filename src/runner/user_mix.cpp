#include "runner/user_mix.hpp"

#include <algorithm>

namespace cicada::runner {

UserMix::UserMix(const std::vector<UserType>& types) {
  for (const auto& t : types) {
    weights_.push_back(t.fixed_count ? 0.0 : t.weight);
    fixed_.push_back(t.fixed_count.value_or(-1));
  }
}

std::size_t UserMix::next(const std::vector<std::size_t>& live_per_type) const {
  for (std::size_t t = 0; t < fixed_.size(); ++t) {
    if (fixed_[t] >= 0 && live_per_type[t] < static_cast<std::size_t>(fixed_[t])) return t;
  }
  std::size_t best = weights_.size();
  double best_score = 0;
  for (std::size_t t = 0; t < weights_.size(); ++t) {
    if (weights_[t] <= 0) continue;
    const double score = static_cast<double>(live_per_type[t] + 1) / weights_[t];
    if (best == weights_.size() || score < best_score) {
      best = t;
      best_score = score;
    }
  }
  // Only fixed-count types, all full: add to the first one rather than refuse the user.
  return best == weights_.size() ? 0 : best;
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
