#include "serving/preprocess.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cicada::serving {

double median_of(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  if (n % 2 == 1) return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

Preprocessing::Preprocessing(std::vector<FieldPreprocess> fields) : fields_(std::move(fields)) {
  // Numeric features first, then the one-hots, each group in field order (sklearn's ColumnTransformer order).
  for (std::uint32_t i = 0; i < fields_.size(); ++i) {
    const auto& f = fields_[i];
    if (f.kind == FieldKind::kNumeric) {
      recipes_.push_back(FeatureRecipe{i, false, f.median, f.mean, f.scale});
    }
  }
  for (std::uint32_t i = 0; i < fields_.size(); ++i) {
    const auto& f = fields_[i];
    if (f.kind != FieldKind::kCategorical) continue;
    for (double c : f.categories) recipes_.push_back(FeatureRecipe{i, true, f.fill_value, c, 1.0});
  }
}

Preprocessing Preprocessing::fit(const std::vector<std::string>& names, const std::vector<FieldKind>& kinds,
                                 std::span<const double> values, std::span<const std::size_t> rows) {
  const std::size_t nf = names.size();
  std::vector<FieldPreprocess> fields(nf);
  std::vector<double> column;
  column.reserve(rows.size());
  for (std::size_t f = 0; f < nf; ++f) {
    FieldPreprocess& p = fields[f];
    p.name = names[f];
    p.kind = kinds[f];
    column.clear();
    for (std::size_t r : rows) {
      double v = values[r * nf + f];
      if (!std::isnan(v)) column.push_back(v);
    }
    if (p.kind == FieldKind::kNumeric) {
      p.median = column.empty() ? 0.0 : median_of(column);
      // Mean and population standard deviation of the imputed column (two passes, like numpy).
      double sum = 0;
      for (std::size_t r : rows) {
        double v = values[r * nf + f];
        sum += std::isnan(v) ? p.median : v;
      }
      double n = static_cast<double>(rows.size());
      p.mean = rows.empty() ? 0.0 : sum / n;
      double ss = 0;
      for (std::size_t r : rows) {
        double v = values[r * nf + f];
        double d = (std::isnan(v) ? p.median : v) - p.mean;
        ss += d * d;
      }
      double sd = rows.empty() ? 0.0 : std::sqrt(ss / n);
      // sklearn's _handle_zeros_in_scale: a constant column is left unscaled.
      p.scale = sd < 10 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(p.mean)) ? 1.0 : sd;
    } else {
      p.fill_value = 0.0;  // SimpleImputer(strategy="constant") on numeric data fills 0
      bool any_missing = column.size() < rows.size();
      if (any_missing) column.push_back(p.fill_value);
      std::sort(column.begin(), column.end());
      column.erase(std::unique(column.begin(), column.end()), column.end());
      p.categories = column;
    }
  }
  return Preprocessing(std::move(fields));
}

void Preprocessing::transform(std::span<const double> raw, std::span<float> out) const {
  for (std::size_t j = 0; j < recipes_.size(); ++j) out[j] = recipes_[j].apply(raw[recipes_[j].field]);
}

std::vector<std::string> Preprocessing::feature_names() const {
  std::vector<std::string> names;
  names.reserve(recipes_.size());
  for (const auto& r : recipes_) {
    const std::string& field = fields_[r.field].name;
    names.push_back(r.one_hot ? fmt::format("{}={}", field, r.center) : field);
  }
  return names;
}

}  // namespace cicada::serving
