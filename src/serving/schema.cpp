#include "serving/schema.hpp"

#include <algorithm>

namespace cicada::serving {

int InputSchema::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void set_accept_range(FieldSchema& field) {
  double span = field.observed_max - field.observed_min;
  field.accept_min = field.observed_min - span;
  field.accept_max = field.observed_max + span;
  if (field.observed_min >= 0) field.accept_min = std::max(0.0, field.accept_min);
}

}  // namespace cicada::serving
