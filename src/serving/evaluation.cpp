#include "serving/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace cicada::serving {

void shuffle_indices(std::vector<std::size_t>& v, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (std::size_t i = v.size(); i > 1; --i) {
    // Unbiased draw in [0, i) by rejection (std::uniform_int_distribution differs between libraries).
    const std::uint64_t bound = i;
    const std::uint64_t limit =
        std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
    std::uint64_t x;
    do {
      x = rng();
    } while (x >= limit);
    std::swap(v[i - 1], v[static_cast<std::size_t>(x % bound)]);
  }
}

Split train_validation_split(std::size_t n, double validation_fraction, std::uint64_t seed) {
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), std::size_t{0});
  shuffle_indices(all, seed);
  auto n_val = static_cast<std::size_t>(std::ceil(validation_fraction * static_cast<double>(n)));
  n_val = std::min(n_val, n);
  Split s;
  s.train.assign(all.begin(), all.end() - static_cast<std::ptrdiff_t>(n_val));
  s.validation.assign(all.end() - static_cast<std::ptrdiff_t>(n_val), all.end());
  return s;
}

std::vector<std::vector<std::size_t>> stratified_folds(std::span<const float> labels, int k,
                                                       std::uint64_t seed) {
  std::vector<std::vector<std::size_t>> folds(static_cast<std::size_t>(std::max(k, 1)));
  std::vector<std::size_t> by_class[2];
  for (std::size_t i = 0; i < labels.size(); ++i) by_class[labels[i] != 0 ? 1 : 0].push_back(i);
  std::size_t next = 0;
  for (int c = 0; c < 2; ++c) {
    shuffle_indices(by_class[c], seed + static_cast<std::uint64_t>(c));
    for (std::size_t i : by_class[c]) {
      folds[next].push_back(i);
      next = (next + 1) % folds.size();
    }
  }
  return folds;
}

std::vector<std::size_t> rows_except(const std::vector<std::vector<std::size_t>>& folds,
                                     std::size_t held_out) {
  std::vector<std::size_t> rows;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    if (f != held_out) rows.insert(rows.end(), folds[f].begin(), folds[f].end());
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

double accuracy(std::span<const float> labels, std::span<const double> probabilities) {
  if (labels.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::size_t right = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    bool predicted = probabilities[i] > 0.5;  // sklearn/XGBoost: class 1 when P(1) > 0.5
    if (predicted == (labels[i] != 0)) ++right;
  }
  return static_cast<double>(right) / static_cast<double>(labels.size());
}

double roc_auc(std::span<const float> labels, std::span<const double> scores) {
  const std::size_t n = labels.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  // Average ranks (1-based) over ties; U = sum of positive ranks - P(P+1)/2.
  double positive_rank_sum = 0;
  std::size_t positives = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t t = i; t < j; ++t) {
      if (labels[order[t]] != 0) {
        positive_rank_sum += rank;
        ++positives;
      }
    }
    i = j;
  }
  const std::size_t negatives = n - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  double p = static_cast<double>(positives);
  double u = positive_rank_sum - p * (p + 1) / 2.0;
  return u / (p * static_cast<double>(negatives));
}

}  // namespace cicada::serving
