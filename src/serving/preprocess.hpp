#pragma once
// Preprocessing of raw rows into the booster's features, the same recipe as the reference sklearn pipeline:
// numeric fields: median imputation then standard scaling (population standard deviation; 1 when it is 0);
// categorical fields: constant imputation (0) then one-hot over the categories seen in training, unknown
// categories ignored (all zeros). Feature order: every numeric field, then each categorical field's one-hots.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "serving/schema.hpp"

namespace cicada::serving {

// Fitted parameters of one raw field.
struct FieldPreprocess {
  std::string name;
  FieldKind kind = FieldKind::kNumeric;
  // numeric
  double median = 0;  // imputes NaN
  double mean = 0;    // of the imputed training values
  double scale = 1;   // population standard deviation of the imputed training values (1 if 0)
  // categorical
  double fill_value = 0;           // imputes NaN
  std::vector<double> categories;  // sorted; one feature each
};

// How one booster feature is computed from the raw row: precomputed so that predicting needs no allocation.
struct FeatureRecipe {
  std::uint32_t field = 0;  // index into the raw row
  bool one_hot = false;
  double impute = 0;  // replaces NaN (median or fill value)
  double center = 0;  // numeric: mean; one-hot: the category this feature is 1 for
  double scale = 1;   // numeric only

  float apply(double raw) const {
    double v = std::isnan(raw) ? impute : raw;
    if (one_hot) return v == center ? 1.0f : 0.0f;
    return static_cast<float>((v - center) / scale);
  }
};

class Preprocessing {
 public:
  Preprocessing() = default;
  explicit Preprocessing(std::vector<FieldPreprocess> fields);

  // Fits on rows (row-major, fields.size() values per row, NaN = missing) selected by `rows`.
  static Preprocessing fit(const std::vector<std::string>& names, const std::vector<FieldKind>& kinds,
                           std::span<const double> values, std::span<const std::size_t> rows);

  const std::vector<FieldPreprocess>& fields() const { return fields_; }
  std::size_t num_fields() const { return fields_.size(); }
  std::size_t num_features() const { return recipes_.size(); }
  const std::vector<FeatureRecipe>& recipes() const { return recipes_; }
  // Feature j of a raw row (no bounds check beyond the row's size: raw.size() must be num_fields()).
  float feature(std::size_t j, std::span<const double> raw) const {
    return recipes_[j].apply(raw[recipes_[j].field]);
  }
  // All features of a raw row into out (size num_features()).
  void transform(std::span<const double> raw, std::span<float> out) const;
  // "age", ..., "cp=2", ...: names of the features in order (for docs and model.json).
  std::vector<std::string> feature_names() const;

 private:
  std::vector<FieldPreprocess> fields_;
  std::vector<FeatureRecipe> recipes_;
};

// numpy-style median of values (mean of the two middle ones for an even count); NaN for none.
double median_of(std::vector<double> values);

}  // namespace cicada::serving
