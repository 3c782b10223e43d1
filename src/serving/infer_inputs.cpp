#include "serving/infer_inputs.hpp"

#include <fmt/format.h>

#include <cmath>

#include "serving/api_json.hpp"

namespace cicada::serving {

InferInputs::InferInputs(const InputSchema& schema, ApiError& error)
    : schema_(schema), error_(error), seen_(schema.fields.size(), 0) {}

int InferInputs::claim(std::string_view name) {
  const int index = schema_.index_of(name);
  if (index < 0) {
    error_.add(name, "unknown input");
    return -1;
  }
  auto& seen = seen_[static_cast<std::size_t>(index)];
  if (seen) {
    error_.add(name, "duplicate input");
    return -1;
  }
  seen = 1;
  return index;
}

void InferInputs::count(int f, std::size_t n) {
  if (!have_rows_) {
    rows_ = n;
    have_rows_ = true;
  } else if (n != rows_) {
    error_.add(schema_.fields[static_cast<std::size_t>(f)].name,
               fmt::format("has {} values, other inputs have {}", n, rows_));
  }
}

bool InferInputs::shape_ok() {
  for (std::size_t i = 0; i < seen_.size(); ++i) {
    if (!seen_[i]) error_.add(schema_.fields[i].name, "missing");
  }
  if (error_.any()) return false;
  values_.assign(rows_ * schema_.fields.size(), 0.0);
  return true;
}

void InferInputs::put(int f, std::size_t r, double v) {
  const auto field = static_cast<std::size_t>(f);
  if (!std::isfinite(v)) return reject(f, r, "must be a finite number");
  std::string problem = check_field_value(schema_.fields[field], v);
  if (!problem.empty()) return reject(f, r, std::move(problem));
  values_[r * schema_.fields.size() + field] = v;
}

void InferInputs::reject(int f, std::size_t r, std::string problem) {
  if (error_.full()) return error_.add({}, {});  // only counted: no name built per value of a huge body
  error_.add(fmt::format("{}[{}]", schema_.fields[static_cast<std::size_t>(f)].name, r), std::move(problem));
}

}  // namespace cicada::serving
