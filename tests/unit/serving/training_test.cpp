// Training quality on heart-disease.csv stays above a floor (docs/model.md has the measured figures).
#include <gtest/gtest.h>

#include "serving/dataset.hpp"
#include "serving/evaluation.hpp"
#include "serving/trainer.hpp"
#include "test_util.hpp"

using namespace cicada::serving;

namespace {

struct Quality {
  double cv_accuracy = 0, cv_auc = 0, val_accuracy = 0, val_auc = 0;
};

Quality measure(const std::string& booster) {
  auto data = std::move(read_csv(test::heart_csv(), DatasetSpec::heart_disease())).value();
  TrainParams p;
  p.booster = booster;
  p = p.resolved().value();
  Quality q;
  auto folds = stratified_folds(data.labels, 5, p.seed);
  for (std::size_t f = 0; f < folds.size(); ++f) {
    auto fitted = std::move(fit_pipeline(data, rows_except(folds, f), p)).value();
    auto probs = predict_rows(fitted, data, folds[f]);
    auto labels = labels_of(data, folds[f]);
    q.cv_accuracy += accuracy(labels, probs) / 5;
    q.cv_auc += roc_auc(labels, probs) / 5;
  }
  auto split = train_validation_split(data.rows(), 0.2, p.seed);
  auto fitted = std::move(fit_pipeline(data, split.train, p)).value();
  auto probs = predict_rows(fitted, data, split.validation);
  auto labels = labels_of(data, split.validation);
  q.val_accuracy = accuracy(labels, probs);
  q.val_auc = roc_auc(labels, probs);
  return q;
}

}  // namespace

// The reference (sklearn LogisticRegression) cross-validates at 85.2% / 0.915; the requirement is to be
// within 3 points of it.
TEST(TrainingQuality, GblinearIsWithinThreePointsOfTheReference) {
  Quality q = measure("gblinear");
  EXPECT_GE(q.cv_accuracy, 0.822);
  EXPECT_GE(q.cv_auc, 0.885);
  EXPECT_GE(q.val_accuracy, 0.75);
  EXPECT_GE(q.val_auc, 0.85);
}

TEST(TrainingQuality, GbtreeIsWithinThreePointsOfTheReference) {
  Quality q = measure("gbtree");
  EXPECT_GE(q.cv_accuracy, 0.822);
  EXPECT_GE(q.cv_auc, 0.885);
  EXPECT_GE(q.val_accuracy, 0.75);
  EXPECT_GE(q.val_auc, 0.85);
}

TEST(TrainingParams, DefaultsAndValidation) {
  TrainParams p;
  auto linear = p.resolved();
  ASSERT_TRUE(linear.ok());
  EXPECT_EQ(linear->rounds, TrainParams::kLinearRounds);
  p.booster = "gbtree";
  EXPECT_EQ(p.resolved()->max_depth, TrainParams::kTreeMaxDepth);
  p.booster = "dart";
  ASSERT_FALSE(p.resolved().ok());
  EXPECT_EQ(p.resolved().error().message, "--booster must be gblinear or gbtree, not \"dart\"");
  p.booster = "gblinear";
  p.eta = 2;
  EXPECT_FALSE(p.resolved().ok());
}

// A value given is range-checked even where it equals what once meant "not given" (0, or -1 for lambda):
// --eta 0 used to train silently with the default eta.
TEST(TrainingParams, ValuesGivenOutOfRangeAreErrorsNotDefaults) {
  const auto problem = [](auto set) {
    TrainParams p;
    set(p);
    auto r = p.resolved();
    return r.ok() ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(problem([](TrainParams& p) { p.eta = 0; }), "--eta must be in (0, 1]");
  EXPECT_EQ(problem([](TrainParams& p) { p.rounds = 0; }), "--rounds must be in 1..100000");
  EXPECT_EQ(problem([](TrainParams& p) { p.lambda = -1; }), "--lambda must be >= 0");
  EXPECT_EQ(problem([](TrainParams& p) {
              p.booster = "gbtree";
              p.max_depth = 0;
            }),
            "--max-depth must be in 1..32");
  EXPECT_EQ(problem([](TrainParams& p) { p.lambda = 0; }), "accepted");  // 0 is a valid L2 penalty
}

// XGBoost reads its seed as a signed 64-bit integer: 2^63 and above (a "-1" wrapped into the unsigned
// seed) failed inside XGBoost, after the data was read.
TEST(TrainingParams, SeedsAbove2To63Minus1AreErrors) {
  TrainParams p;
  p.seed = TrainParams::kMaxSeed;
  EXPECT_TRUE(p.resolved().ok());
  p.seed = TrainParams::kMaxSeed + 1;
  ASSERT_FALSE(p.resolved().ok());
  EXPECT_EQ(p.resolved().error().message, "--seed must be in 0..9223372036854775807 (2^63-1)");
}

TEST(Training, IsDeterministicForASeed) {
  auto data = std::move(read_csv(test::heart_csv(), DatasetSpec::heart_disease())).value();
  auto split = train_validation_split(data.rows(), 0.2, 42);
  for (const char* booster : {"gblinear", "gbtree"}) {
    TrainParams p;
    p.booster = booster;
    auto a = std::move(fit_pipeline(data, split.train, p.resolved().value())).value();
    auto b = std::move(fit_pipeline(data, split.train, p.resolved().value())).value();
    EXPECT_EQ(a.booster_json, b.booster_json) << booster;
  }
}
