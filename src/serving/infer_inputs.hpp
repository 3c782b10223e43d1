#pragma once
// InferInputs: the checks of an Open Inference Protocol v2 infer request's input tensors that do not
// depend on the transport, shared by the REST route (api_v2.cpp, JSON) and the gRPC service
// (serving_grpc/, protobuf), so both reject the same requests with the same field names and words:
// one tensor per schema field, named after it, no unknown or duplicate names, a datatype an input may
// use, shape [N] or [N, 1] saying how many values it holds, all with the same number of values (the rows),
// every value finite and within the field's accepted range; outputs, when named, ones the model has.
//
//   InferInputs inputs(schema, error);
//   for each tensor: int f = inputs.claim(name); if (f < 0) continue; inputs.count(f, n);
//   if (inputs.shape_ok()) for each row r: inputs.put(f, r, value) (or inputs.reject(f, r, problem));
//   if (!error.any()) -> inputs.values(), inputs.rows()
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "serving/api_errors.hpp"
#include "serving/schema.hpp"

namespace cicada::serving {

// Bytes per value of a datatype an input may use (FP64 and INT64 8, FP32 and INT32 4); 0 for any other.
std::size_t infer_value_bytes(std::string_view datatype);
// "" when datatype is one an input may use, else the problem in words.
std::string infer_datatype_problem(std::string_view datatype);
// "" when shape is [N] or [N, 1] with N == count, else the problem in words.
std::string infer_shape_problem(std::span<const std::int64_t> shape, std::size_t count);

// The outputs a request asks for: both when it names none.
struct InferOutputs {
  bool probability = true;
  bool diagnosis = true;
  // Call before the first want(): a request that names outputs gets only those.
  void named_some() { probability = diagnosis = false; }
  // Records the output called name, or "outputs: unknown output ..." in error.
  void want(std::string_view name, ApiError& error);
};

class InferInputs {
 public:
  // Problems go into error (its fields); error must outlive this object.
  InferInputs(const InputSchema& schema, ApiError& error);

  // The schema field for the tensor called name, or -1 after recording "unknown input"/"duplicate input".
  int claim(std::string_view name);
  // Field f's tensor holds n values; the first count sets the rows, later ones must agree.
  void count(int f, std::size_t n);
  // After every tensor was claimed and counted: records the missing ones; true when no problem so far,
  // and then values() is sized rows x fields (schema order) for put().
  bool shape_ok();
  // Row r of field f, checked against the schema (a problem is recorded as "<field>[r]").
  void put(int f, std::size_t r, double v);
  void reject(int f, std::size_t r, std::string problem);

  std::size_t rows() const { return rows_; }
  const std::vector<double>& values() const { return values_; }
  std::vector<double>& values() { return values_; }

 private:
  const InputSchema& schema_;
  ApiError& error_;
  std::vector<char> seen_;
  std::vector<double> values_;
  std::size_t rows_ = 0;
  bool have_rows_ = false;
};

}  // namespace cicada::serving
