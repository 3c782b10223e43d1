// Our evaluator against XGBoost's own predictions: every training row, both boosters, to 1e-6.
#include "serving/booster.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "serving/dataset.hpp"
#include "serving/evaluation.hpp"
#include "serving/trainer.hpp"
#include "test_util.hpp"

using namespace cicada::serving;

namespace {

struct Trained {
  Dataset data;
  Split split;
  FittedPipeline fitted;
  std::vector<float> x;  // transformed training rows
};

Trained train_heart(const std::string& booster) {
  Trained t;
  t.data = std::move(read_csv(test::heart_csv(), DatasetSpec::heart_disease())).value();
  t.split = train_validation_split(t.data.rows(), 0.2, 42);
  TrainParams p;
  p.booster = booster;
  t.fitted = std::move(fit_pipeline(t.data, t.split.train, p.resolved().value())).value();
  t.x = transform_rows(t.fitted.preprocessing, t.data, t.split.train);
  return t;
}

// Trains the same way as fit_pipeline does, but keeps the XgbBooster to ask XGBoost for predictions.
void expect_matches_xgboost(const std::string& booster) {
  Trained t = train_heart(booster);
  const std::size_t nf = t.fitted.preprocessing.num_features();
  const std::size_t n = t.split.train.size();
  TrainParams p;
  p.booster = booster;
  auto y = labels_of(t.data, t.split.train);
  auto xgb = XgbBooster::train(t.x, n, nf, y, p.resolved().value());
  ASSERT_TRUE(xgb.ok()) << xgb.error().message;
  ASSERT_EQ(xgb->save_json().value(), t.fitted.booster_json) << "training is not deterministic";
  auto probs = xgb->predict(t.x, n, nf).value();
  auto margins = xgb->predict(t.x, n, nf, true).value();
  ASSERT_EQ(probs.size(), n);
  std::size_t exact = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::span<const float> row(t.x.data() + i * nf, nf);
    float m = t.fitted.evaluator.margin_dense(row);
    double pr = BoosterEvaluator::sigmoid(m);
    ASSERT_NEAR(pr, probs[i], 1e-6) << booster << " row " << i;
    ASSERT_NEAR(m, margins[i], 1e-5) << booster << " row " << i;
    exact += pr == static_cast<double>(probs[i]);
  }
  // Same float operations in the same order: in practice bit-identical.
  EXPECT_EQ(exact, n) << booster;
}

}  // namespace

TEST(BoosterEvaluator, GblinearMatchesXgboostOnEveryTrainingRow) { expect_matches_xgboost("gblinear"); }

TEST(BoosterEvaluator, GbtreeMatchesXgboostOnEveryTrainingRow) { expect_matches_xgboost("gbtree"); }

TEST(BoosterEvaluator, DeepTreesWithMissingValuesMatchXgboost) {
  // Raw features with NaN cells, depth-4 trees: exercises default directions and deeper walks.
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> unit;
  const std::size_t n = 400, nf = 6;
  std::vector<float> x(n * nf), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    float s = 0;
    for (std::size_t j = 0; j < nf; ++j) {
      float v = normal(rng);
      s += v * static_cast<float>(j + 1);
      x[i * nf + j] = unit(rng) < 0.15f ? NAN : v;
    }
    y[i] = s + normal(rng) > 0 ? 1.0f : 0.0f;
  }
  TrainParams p;
  p.booster = "gbtree";
  p.max_depth = 4;
  p.rounds = 30;
  p.eta = 0.3;
  auto xgb = XgbBooster::train(x, n, nf, y, p.resolved().value());
  ASSERT_TRUE(xgb.ok()) << xgb.error().message;
  auto e = BoosterEvaluator::from_json(xgb->save_json().value(), "test");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->kind(), BoosterEvaluator::Kind::kTree);
  EXPECT_EQ(e->num_trees(), 30u);
  auto probs = xgb->predict(x, n, nf).value();
  for (std::size_t i = 0; i < n; ++i) {
    double pr = BoosterEvaluator::sigmoid(e->margin_dense(std::span<const float>(x.data() + i * nf, nf)));
    ASSERT_NEAR(pr, probs[i], 1e-6) << "row " << i;
  }
}

TEST(BoosterEvaluator, RejectsWhatItCannotEvaluate) {
  auto bad = BoosterEvaluator::from_json("{", "m.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "m.json: not valid JSON");
  auto other = BoosterEvaluator::from_json(R"({"learner": {"objective": {"name": "reg:squarederror"},
      "learner_model_param": {"base_score": "5E-1", "num_feature": "2"}}})",
                                           "m.json");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("reg:squarederror"), std::string::npos);
  auto shape = BoosterEvaluator::from_json(R"({"learner": {"objective": {"name": "binary:logistic"},
      "learner_model_param": {"base_score": "5E-1", "num_feature": "2"},
      "gradient_booster": {"name": "gblinear", "model": {"weights": [1, 2]}}}})",
                                           "m.json");
  ASSERT_FALSE(shape.ok());
  EXPECT_EQ(shape.error().message, "m.json: gblinear weights: expected 3 numbers, found 2");
  auto missing = BoosterEvaluator::load("/nonexistent/booster.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "/nonexistent/booster.json: cannot open");
}

TEST(BoosterEvaluator, AppliesBaseScore) {
  // A one-feature linear model with base_score 0.25: margin = bias + w*x + logit(0.25).
  auto e = BoosterEvaluator::from_json(R"({"learner": {"objective": {"name": "binary:logistic"},
      "learner_model_param": {"base_score": "2.5E-1", "num_feature": "1", "num_class": "0"},
      "gradient_booster": {"name": "gblinear", "model": {"weights": [2.0, 0.5]}}}})",
                                       "m.json");
  ASSERT_TRUE(e.ok()) << e.error().message;
  std::vector<float> row{1.0f};
  EXPECT_NEAR(e->margin_dense(row), 2.5 + std::log(0.25 / 0.75), 1e-6);
}
