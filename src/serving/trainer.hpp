#pragma once
// Training through the XGBoost C API, and the whole pipeline (preprocessing fit + booster) on chosen rows
// of a data set. Prediction for metrics goes through our own evaluator (the one the server uses);
// XgbBooster::predict is there for the tests that compare the two.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "serving/booster.hpp"
#include "serving/dataset.hpp"
#include "serving/preprocess.hpp"
#include "serving/progress.hpp"

namespace cicada::serving {

struct TrainParams {
  std::string booster = "gblinear";  // gblinear (the reference's logistic regression) or gbtree
  // Not given: the booster's default below. A value given is range-checked as it is (0 was once "not
  // given", so --eta 0 trained with the default instead of being refused).
  std::optional<int> rounds;     // boosting rounds
  std::optional<double> eta;     // learning rate
  std::optional<double> lambda;  // L2 penalty
  std::optional<int> max_depth;  // gbtree only
  std::uint64_t seed = 42;       // 0..kMaxSeed: XGBoost reads its seed as a signed 64-bit integer
  static constexpr std::uint64_t kMaxSeed = 9223372036854775807ull;  // 2^63 - 1

  // Defaults tuned on heart-disease.csv (docs/model.md, "Quality").
  static constexpr int kLinearRounds = 60;
  static constexpr double kLinearEta = 0.5;
  static constexpr double kLinearLambda = 0.05;
  static constexpr int kTreeRounds = 100;
  static constexpr double kTreeEta = 0.1;
  static constexpr double kTreeLambda = 1.0;
  static constexpr int kTreeMaxDepth = 1;

  // Fills the defaults (every optional holds a value after); error for an unknown booster or out-of-range
  // values.
  Result<TrainParams> resolved() const;
};

// One trained XGBoost booster (owns the C handle). nthread=1 always.
class XgbBooster {
 public:
  // Trains on a dense row-major matrix (rows x cols floats, NaN = missing) with 0/1 labels.
  static Result<XgbBooster> train(std::span<const float> features, std::size_t rows, std::size_t cols,
                                  std::span<const float> labels, const TrainParams& resolved_params);
  // The same, releasing features once XGBoost has its copy (before the rounds, which need memory of their
  // own: the matrix is the size of the data set in floats). progress, when given, reports the rounds
  // within the phase its caller started.
  static Result<XgbBooster> train(std::vector<float>&& features, std::size_t rows, std::size_t cols,
                                  std::span<const float> labels, const TrainParams& resolved_params,
                                  Progress* progress);
  // XGBoost's own predictions (probabilities, or raw margins) for a dense matrix.
  Result<std::vector<float>> predict(std::span<const float> features, std::size_t rows, std::size_t cols,
                                     bool margin = false) const;
  // The model as XGBoost JSON (what XGBoosterSaveModel writes to a .json file).
  Result<std::string> save_json() const;

  XgbBooster(XgbBooster&&) noexcept = default;
  XgbBooster& operator=(XgbBooster&&) noexcept = default;
  ~XgbBooster() = default;

 private:
  explicit XgbBooster(std::shared_ptr<void> handle) : handle_(std::move(handle)) {}
  // Trains on a DMatrix handle already made (and labelled).
  static Result<XgbBooster> train_on(void* dmatrix, const TrainParams& p, Progress* progress);
  std::shared_ptr<void> handle_;
};

// A fitted pipeline: preprocessing fitted on the training rows and the booster trained on their features.
struct FittedPipeline {
  Preprocessing preprocessing;
  std::string booster_json;    // XGBoost JSON
  BoosterEvaluator evaluator;  // booster_json, loaded by our evaluator
};

// The transformed features of `rows` of data (row-major, rows.size() x num_features()).
std::vector<float> transform_rows(const Preprocessing& pre, const Dataset& data,
                                  std::span<const std::size_t> rows);
std::vector<float> labels_of(const Dataset& data, std::span<const std::size_t> rows);

// progress, when given, reports the boosting rounds.
Result<FittedPipeline> fit_pipeline(const Dataset& data, std::span<const std::size_t> rows,
                                    const TrainParams& resolved_params, Progress* progress = nullptr);
// P(label = 1) for `rows` of data, through our evaluator.
std::vector<double> predict_rows(const FittedPipeline& fitted, const Dataset& data,
                                 std::span<const std::size_t> rows);

}  // namespace cicada::serving
