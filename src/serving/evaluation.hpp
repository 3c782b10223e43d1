#pragma once
// Splits and quality metrics for training: a shuffled train/validation split, stratified K folds,
// accuracy at the 0.5 threshold and ROC AUC. Shuffles use our own Fisher-Yates over mt19937_64, so a
// seed gives the same split on every platform and standard library.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cicada::serving {

struct Split {
  std::vector<std::size_t> train;
  std::vector<std::size_t> validation;
};

// Shuffles 0..n-1 with seed; the last ceil(n * validation_fraction) go to validation (as sklearn's
// train_test_split sizes them). Both parts are returned in shuffled order.
Split train_validation_split(std::size_t n, double validation_fraction, std::uint64_t seed);

// K folds whose class proportions match the whole: each class's rows are shuffled with seed and dealt out
// round-robin, continuing across classes so fold sizes differ by at most one. Returns each fold's
// validation rows; a fold's training rows are all the others.
std::vector<std::vector<std::size_t>> stratified_folds(std::span<const float> labels, int k,
                                                       std::uint64_t seed);
// Every row not in fold `held_out` of folds.
std::vector<std::size_t> rows_except(const std::vector<std::vector<std::size_t>>& folds,
                                     std::size_t held_out);

// Fraction of rows whose probability, thresholded at 0.5, matches the 0/1 label.
double accuracy(std::span<const float> labels, std::span<const double> probabilities);
// Area under the ROC curve (Mann-Whitney U with tied scores counted half); NaN when one class is absent.
double roc_auc(std::span<const float> labels, std::span<const double> scores);

// Fisher-Yates shuffle of v with a portable bounded draw.
void shuffle_indices(std::vector<std::size_t>& v, std::uint64_t seed);

}  // namespace cicada::serving
