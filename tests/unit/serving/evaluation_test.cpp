#include "serving/evaluation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

using namespace cicada::serving;

TEST(Accuracy, ThresholdsAtOneHalf) {
  std::vector<float> y{1, 0, 1, 0};
  std::vector<double> p{0.9, 0.2, 0.4, 0.5};  // 0.5 is class 0 (P(1) must exceed 0.5)
  EXPECT_DOUBLE_EQ(accuracy(y, p), 0.75);
}

TEST(RocAuc, HandComputedWithTies) {
  // Positives scored 0.8, 0.4; negatives 0.4, 0.1. Pairs: (0.8>0.4) 1, (0.8>0.1) 1, (0.4=0.4) 0.5,
  // (0.4>0.1) 1.
  std::vector<float> y{1, 1, 0, 0};
  std::vector<double> s{0.8, 0.4, 0.4, 0.1};
  EXPECT_DOUBLE_EQ(roc_auc(y, s), 3.5 / 4);
  std::vector<double> perfect{0.9, 0.8, 0.2, 0.1};
  EXPECT_DOUBLE_EQ(roc_auc(y, perfect), 1.0);
  std::vector<float> one_class{1, 1};
  std::vector<double> two{0.1, 0.2};
  EXPECT_TRUE(std::isnan(roc_auc(one_class, two)));
}

TEST(Split, EightyTwentyLikeSklearnSizesAndDeterministic) {
  auto a = train_validation_split(303, 0.2, 42);
  EXPECT_EQ(a.train.size(), 242u);
  EXPECT_EQ(a.validation.size(), 61u);
  std::set<std::size_t> all(a.train.begin(), a.train.end());
  all.insert(a.validation.begin(), a.validation.end());
  EXPECT_EQ(all.size(), 303u);
  auto b = train_validation_split(303, 0.2, 42);
  EXPECT_EQ(a.validation, b.validation);
  auto c = train_validation_split(303, 0.2, 43);
  EXPECT_NE(a.validation, c.validation);
}

TEST(Shuffle, FixedSeedGivesAFixedPermutation) {
  // Pinned so that a change of the shuffle (and so of every reported metric) is noticed.
  std::vector<std::size_t> v{0, 1, 2, 3, 4, 5, 6, 7};
  shuffle_indices(v, 42);
  std::vector<std::size_t> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  std::vector<std::size_t> again{0, 1, 2, 3, 4, 5, 6, 7};
  shuffle_indices(again, 42);
  EXPECT_EQ(v, again);
}

TEST(StratifiedFolds, PartitionAndKeepClassProportions) {
  std::vector<float> y;
  for (int i = 0; i < 165; ++i) y.push_back(1);
  for (int i = 0; i < 138; ++i) y.push_back(0);
  auto folds = stratified_folds(y, 5, 0);
  ASSERT_EQ(folds.size(), 5u);
  std::set<std::size_t> seen;
  for (const auto& f : folds) {
    EXPECT_TRUE(f.size() == 60 || f.size() == 61) << f.size();
    std::size_t pos = 0;
    for (std::size_t i : f) {
      EXPECT_TRUE(seen.insert(i).second);
      pos += y[i] != 0;
    }
    EXPECT_TRUE(pos == 33) << pos;  // 165 / 5
  }
  EXPECT_EQ(seen.size(), 303u);
  auto rest = rows_except(folds, 2);
  EXPECT_EQ(rest.size(), 303u - folds[2].size());
}
