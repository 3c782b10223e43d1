#pragma once
// The model's input schema: raw fields, their kinds, the ranges and categories seen in training, and the
// range the API accepts (docs/model.md, "Schema").
#include <string>
#include <string_view>
#include <vector>

namespace cicada::serving {

enum class FieldKind { kNumeric, kCategorical };

// One raw input field of the model. Ranges are over the rows of the training CSV.
struct FieldSchema {
  std::string name;
  FieldKind kind = FieldKind::kNumeric;
  double observed_min = 0, observed_max = 0;  // seen in training
  // Numeric: values outside [accept_min, accept_max] are refused by the API (400). Rule (docs/model.md,
  // "Schema and accept ranges"): margin = observed_max - observed_min, or for a constant column
  // max(|value|, 1); accept = [observed_min - margin, observed_max + margin], the lower end clamped to 0
  // when observed_min >= 0. Unused by categorical fields.
  double accept_min = 0, accept_max = 0;
  // Categorical: the values seen in training (sorted, unique): the only ones the API accepts (400 names
  // them otherwise), since the model has nothing to say about a category it never saw.
  std::vector<double> categories;
  bool has_category(double v) const;
};

struct InputSchema {
  std::vector<FieldSchema> fields;            // the order the model expects raw rows in
  int index_of(std::string_view name) const;  // -1 if unknown
};

// The accept range rule above, for one numeric field's observed range.
void set_accept_range(FieldSchema& field);

}  // namespace cicada::serving
