#include "serving/infer_inputs.hpp"

#include <fmt/format.h>

#include <cmath>

#include "serving/api_json.hpp"

namespace cicada::serving {

std::size_t infer_value_bytes(std::string_view datatype) {
  if (datatype == "FP64" || datatype == "INT64") return 8;
  if (datatype == "FP32" || datatype == "INT32") return 4;
  return 0;
}

std::string infer_datatype_problem(std::string_view datatype) {
  if (infer_value_bytes(datatype) != 0) return {};
  return fmt::format("datatype must be FP64, FP32, INT64 or INT32, got \"{}\"", datatype);
}

std::string infer_shape_problem(std::span<const std::int64_t> shape, std::size_t count) {
  const bool form_ok = shape.size() == 1 || (shape.size() == 2 && shape[1] == 1);
  if (!form_ok || shape[0] < 0) return "shape must be [N] or [N, 1]";
  if (static_cast<std::uint64_t>(shape[0]) != count)
    return fmt::format("shape says {} values, the tensor has {}", shape[0], count);
  return {};
}

void InferOutputs::want(std::string_view name, ApiError& error) {
  if (name == "probability")
    probability = true;
  else if (name == "diagnosis")
    diagnosis = true;
  else
    error.add("outputs", fmt::format("unknown output \"{}\"", name));
}

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
