#pragma once
// The trained model as the server sees it: input schema + preprocessing + booster, loaded from one
// model directory (docs/model.md) and evaluated in-process without calling XGBoost per request.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "serving/booster.hpp"
#include "serving/preprocess.hpp"
#include "serving/schema.hpp"

namespace cicada::serving {

class Model {
 public:
  // Reads DIR/model.json and the booster it names (docs/model.md). The error names the file and what is
  // wrong.
  static Result<Model> load(const std::filesystem::path& dir);
  // Assembles a model in memory (training does this before writing the directory).
  static Result<Model> from_parts(std::string name, std::string version, InputSchema schema,
                                  Preprocessing preprocessing, BoosterEvaluator booster);

  const std::string& name() const {
    return name_;
  }  // Open Inference Protocol v2 model name ("heart-disease")
  const std::string& version() const { return version_; }  // e.g. "1"
  const InputSchema& schema() const { return schema_; }
  // P(label = 1) for one row of raw inputs in schema order; NaN = missing (imputed like in training).
  // Thread-safe and allocation-free: features are computed on demand from a precomputed layout.
  double predict_proba(std::span<const double> raw_row) const;
  // The booster's raw score (log-odds) for the same row, as float like XGBoost computes it.
  float predict_margin(std::span<const double> raw_row) const;
  const std::string& positive_label() const { return positive_label_; }  // "heart-disease"
  const std::string& negative_label() const { return negative_label_; }  // "clear"

  // DIR/model.json's text for this model (docs/model.md); the keys of `extra` (a JSON object, e.g. the
  // training parameters) are added to it. The booster itself goes to DIR/booster.json.
  std::string manifest_json(std::string_view extra = "{}") const;

  const Preprocessing& preprocessing() const { return preprocessing_; }
  const BoosterEvaluator& booster() const { return booster_; }
  void set_labels(std::string positive, std::string negative) {
    positive_label_ = std::move(positive);
    negative_label_ = std::move(negative);
  }

 private:
  Model() = default;
  std::string name_ = "heart-disease";
  std::string version_ = "1";
  std::string positive_label_ = "heart-disease";
  std::string negative_label_ = "clear";
  InputSchema schema_;
  Preprocessing preprocessing_;
  BoosterEvaluator booster_;
};

}  // namespace cicada::serving
