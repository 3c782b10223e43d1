// Cost of one prediction on the server's hot path: Model::predict_proba on one raw row (our evaluator:
// preprocessing computed per feature on demand, then the dot product or the tree walks), for both boosters,
// next to XGBoost's own single-row predict on the same model (what we avoid calling per request).
#include <benchmark/benchmark.h>
#include <xgboost/c_api.h>

#include <filesystem>
#include <string>
#include <vector>

#include "serving/dataset.hpp"
#include "serving/evaluation.hpp"
#include "serving/model.hpp"
#include "serving/trainer.hpp"

using namespace cicada::serving;

namespace {

struct Fixture {
  Dataset data;
  FittedPipeline fitted;
  Model model;
};

Fixture make(const std::string& booster) {
  auto data = std::move(read_csv(std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                                     "data/heart-disease.csv",
                                 DatasetSpec::heart_disease()))
                  .value();
  auto split = train_validation_split(data.rows(), 0.2, 42);
  TrainParams p;
  p.booster = booster;
  auto fitted = std::move(fit_pipeline(data, split.train, p.resolved().value())).value();
  auto model = std::move(Model::from_parts("heart-disease", "1", schema_of(data), fitted.preprocessing,
                                           fitted.evaluator))
                   .value();
  return Fixture{std::move(data), std::move(fitted), std::move(model)};
}

void BM_PredictProba(benchmark::State& state, const std::string& booster) {
  Fixture f = make(booster);
  std::size_t r = 0;
  for (auto _ : state) {
    double p = f.model.predict_proba({f.data.row(r), f.data.fields()});
    benchmark::DoNotOptimize(p);
    r = (r + 1) % f.data.rows();
  }
}
BENCHMARK_CAPTURE(BM_PredictProba, gblinear, std::string("gblinear"));
BENCHMARK_CAPTURE(BM_PredictProba, gbtree, std::string("gbtree"));

// XGBoost's single-row in-place predict on the same gbtree model (gblinear has no in-place predict).
void BM_XgboostPredictFromDense(benchmark::State& state) {
  Fixture f = make("gbtree");
  BoosterHandle h = nullptr;
  XGBoosterCreate(nullptr, 0, &h);
  XGBoosterLoadModelFromBuffer(h, f.fitted.booster_json.data(), f.fitted.booster_json.size());
  XGBoosterSetParam(h, "nthread", "1");
  const std::size_t nf = f.fitted.preprocessing.num_features();
  std::vector<float> row(nf);
  const std::string config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0,
                                 "strict_shape": false, "missing": NaN, "cache_id": 0})";
  std::size_t r = 0;
  for (auto _ : state) {
    f.fitted.preprocessing.transform({f.data.row(r), f.data.fields()}, row);
    std::string array = "{\"data\": [" + std::to_string(reinterpret_cast<std::uintptr_t>(row.data())) +
                        ", true], \"shape\": [1, " + std::to_string(nf) +
                        "], \"typestr\": \"<f4\", \"version\": 3}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    XGBoosterPredictFromDense(h, array.c_str(), config.c_str(), nullptr, &shape, &dim, &out);
    benchmark::DoNotOptimize(out);
    r = (r + 1) % f.data.rows();
  }
  XGBoosterFree(h);
}
BENCHMARK(BM_XgboostPredictFromDense);

}  // namespace

BENCHMARK_MAIN();
