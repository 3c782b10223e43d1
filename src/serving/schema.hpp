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
  // Values outside [accept_min, accept_max] are rejected by the API (400). Rule (docs/model.md):
  // span = observed_max - observed_min; accept = [observed_min - span, observed_max + span], the lower
  // end clamped to 0 when observed_min >= 0.
  double accept_min = 0, accept_max = 0;
  // Categorical: values seen in training (sorted); unknown ones are accepted and ignored (all-zero one-hot).
  std::vector<double> categories;
};

struct InputSchema {
  std::vector<FieldSchema> fields;            // the order the model expects raw rows in
  int index_of(std::string_view name) const;  // -1 if unknown
};

// The accept range rule above, for one field's observed range.
void set_accept_range(FieldSchema& field);

}  // namespace cicada::serving
