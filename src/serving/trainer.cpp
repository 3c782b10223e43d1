#include "serving/trainer.hpp"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <cmath>

namespace cicada::serving {
namespace {

Error xgb_error(const char* what) {
  return make_error(fmt::format("xgboost: {}: {}", what, XGBGetLastError()));
}

// A DMatrix that frees itself.
class DMatrix {
 public:
  ~DMatrix() {
    if (h_) XGDMatrixFree(h_);
  }
  DMatrixHandle h_ = nullptr;
};

// labels: null for a matrix to predict on, else one per row.
Result<void> make_dmatrix(DMatrix& m, std::span<const float> features, std::size_t rows, std::size_t cols,
                          const std::span<const float>* labels = nullptr) {
  if (features.size() != rows * cols)
    return make_error("xgboost: feature matrix size does not match rows x cols");
  if (XGDMatrixCreateFromMat(features.data(), rows, cols, NAN, &m.h_) != 0)
    return xgb_error("XGDMatrixCreateFromMat");
  if (labels == nullptr) return {};
  if (labels->size() != rows) return make_error("xgboost: label count does not match rows");
  if (XGDMatrixSetFloatInfo(m.h_, "label", labels->data(), rows) != 0)
    return xgb_error("XGDMatrixSetFloatInfo");
  return {};
}

std::string number(double v) { return fmt::format("{}", v); }

}  // namespace

Result<TrainParams> TrainParams::resolved() const {
  TrainParams p = *this;
  bool linear = p.booster == "gblinear";
  if (!linear && p.booster != "gbtree") {
    return make_error(fmt::format("--booster must be gblinear or gbtree, not \"{}\"", p.booster));
  }
  p.rounds = p.rounds.value_or(linear ? kLinearRounds : kTreeRounds);
  p.eta = p.eta.value_or(linear ? kLinearEta : kTreeEta);
  p.lambda = p.lambda.value_or(linear ? kLinearLambda : kTreeLambda);
  p.max_depth = p.max_depth.value_or(kTreeMaxDepth);
  if (*p.rounds < 1 || *p.rounds > 100000) return make_error("--rounds must be in 1..100000");
  if (!(*p.eta > 0 && *p.eta <= 1)) return make_error("--eta must be in (0, 1]");
  if (!(*p.lambda >= 0) || !std::isfinite(*p.lambda)) return make_error("--lambda must be >= 0");
  if (*p.max_depth < 1 || *p.max_depth > 32) return make_error("--max-depth must be in 1..32");
  if (p.seed > kMaxSeed) return make_error("--seed must be in 0..9223372036854775807 (2^63-1)");
  return p;
}

Result<XgbBooster> XgbBooster::train(std::span<const float> features, std::size_t rows, std::size_t cols,
                                     std::span<const float> labels, const TrainParams& p) {
  DMatrix d;
  if (auto ok = make_dmatrix(d, features, rows, cols, &labels); !ok) return ok.error();
  return train_on(d.h_, p, nullptr);
}

Result<XgbBooster> XgbBooster::train(std::vector<float>&& features, std::size_t rows, std::size_t cols,
                                     std::span<const float> labels, const TrainParams& p,
                                     Progress* progress) {
  DMatrix d;
  if (auto ok = make_dmatrix(d, features, rows, cols, &labels); !ok) return ok.error();
  std::vector<float>().swap(features);
  return train_on(d.h_, p, progress);
}

Result<XgbBooster> XgbBooster::train_on(void* dmatrix, const TrainParams& p, Progress* progress) {
  BoosterHandle raw = nullptr;
  if (XGBoosterCreate(&dmatrix, 1, &raw) != 0) return xgb_error("XGBoosterCreate");
  std::shared_ptr<void> handle(raw, [](void* h) { XGBoosterFree(h); });
  const bool linear = p.booster == "gblinear";
  std::vector<std::pair<std::string, std::string>> params = {
      {"booster", p.booster},  {"objective", "binary:logistic"},
      {"nthread", "1"},        {"seed", std::to_string(p.seed)},
      {"eta", number(*p.eta)}, {"lambda", number(*p.lambda)},
      {"alpha", "0"},          {"base_score", "0.5"},
      {"verbosity", "0"}};
  if (linear) {
    params.emplace_back("updater", "coord_descent");  // deterministic, and exact for this size
    params.emplace_back("feature_selector", "cyclic");
  } else {
    params.emplace_back("max_depth", std::to_string(*p.max_depth));
    params.emplace_back("tree_method", "exact");
    params.emplace_back("subsample", "1");
    params.emplace_back("colsample_bytree", "1");
  }
  for (const auto& [k, v] : params) {
    if (XGBoosterSetParam(raw, k.c_str(), v.c_str()) != 0) return xgb_error("XGBoosterSetParam");
  }
  for (int i = 0; i < *p.rounds; ++i) {
    if (XGBoosterUpdateOneIter(raw, i, dmatrix) != 0) return xgb_error("XGBoosterUpdateOneIter");
    if (progress != nullptr && progress->due()) progress->line(fmt::format("round {}/{}", i + 1, *p.rounds));
  }
  if (progress != nullptr) progress->end(fmt::format("{} rounds done", *p.rounds));
  return XgbBooster(std::move(handle));
}

Result<std::vector<float>> XgbBooster::predict(std::span<const float> features, std::size_t rows,
                                               std::size_t cols, bool margin) const {
  DMatrix d;
  if (auto ok = make_dmatrix(d, features, rows, cols); !ok) return ok.error();
  bst_ulong len = 0;
  const float* out = nullptr;
  if (XGBoosterPredict(handle_.get(), d.h_, margin ? 1 : 0, 0, 0, &len, &out) != 0)
    return xgb_error("XGBoosterPredict");
  return std::vector<float>(out, out + len);
}

Result<std::string> XgbBooster::save_json() const {
  bst_ulong len = 0;
  const char* out = nullptr;
  if (XGBoosterSaveModelToBuffer(handle_.get(), R"({"format": "json"})", &len, &out) != 0) {
    return xgb_error("XGBoosterSaveModelToBuffer");
  }
  return std::string(out, len);
}

std::vector<float> transform_rows(const Preprocessing& pre, const Dataset& data,
                                  std::span<const std::size_t> rows) {
  const std::size_t nf = pre.num_features();
  std::vector<float> out(rows.size() * nf);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    pre.transform(std::span<const double>(data.row(rows[i]), data.fields()),
                  std::span<float>(out.data() + i * nf, nf));
  }
  return out;
}

std::vector<float> labels_of(const Dataset& data, std::span<const std::size_t> rows) {
  std::vector<float> y;
  y.reserve(rows.size());
  for (std::size_t r : rows) y.push_back(data.labels[r]);
  return y;
}

Result<FittedPipeline> fit_pipeline(const Dataset& data, std::span<const std::size_t> rows,
                                    const TrainParams& p, Progress* progress) {
  if (rows.empty()) return make_error("no training rows");
  FittedPipeline fitted;
  fitted.preprocessing = Preprocessing::fit(data.names, data.kinds, data.values, rows);
  const std::size_t nf = fitted.preprocessing.num_features();
  if (nf == 0) return make_error("preprocessing produced no features");
  std::vector<float> x = transform_rows(fitted.preprocessing, data, rows);
  std::vector<float> y = labels_of(data, rows);
  auto booster = XgbBooster::train(std::move(x), rows.size(), nf, y, p, progress);
  if (!booster) return booster.error();
  auto json = booster->save_json();
  if (!json) return json.error();
  fitted.booster_json = std::move(json).value();
  auto evaluator = BoosterEvaluator::from_json(fitted.booster_json, "trained booster");
  if (!evaluator) return evaluator.error();
  fitted.evaluator = std::move(evaluator).value();
  if (fitted.evaluator.num_features() != nf) {
    return make_error(
        fmt::format("trained booster has {} features, expected {}", fitted.evaluator.num_features(), nf));
  }
  return fitted;
}

std::vector<double> predict_rows(const FittedPipeline& fitted, const Dataset& data,
                                 std::span<const std::size_t> rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (std::size_t r : rows) {
    std::span<const double> raw(data.row(r), data.fields());
    float m = fitted.evaluator.margin([&](std::uint32_t j) { return fitted.preprocessing.feature(j, raw); });
    out.push_back(BoosterEvaluator::sigmoid(m));
  }
  return out;
}

}  // namespace cicada::serving
