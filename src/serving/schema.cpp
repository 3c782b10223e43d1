#include "serving/schema.hpp"

#include <algorithm>
#include <cmath>

namespace cicada::serving {

int InputSchema::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool FieldSchema::has_category(double v) const {
  return std::binary_search(categories.begin(), categories.end(), v);
}

void set_accept_range(FieldSchema& field) {
  // A constant column has no spread to scale by; without a margin of its own its range was the one value
  // seen, so every other value was refused (a column the model cannot even use: its feature is constant).
  double margin = field.observed_max - field.observed_min;
  if (margin == 0) margin = std::max(std::abs(field.observed_min), 1.0);
  field.accept_min = field.observed_min - margin;
  field.accept_max = field.observed_max + margin;
  if (field.observed_min >= 0) field.accept_min = std::max(0.0, field.accept_min);
}

}  // namespace cicada::serving
