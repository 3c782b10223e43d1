#include "serving_grpc/grpc_infer_request.hpp"

#include <fmt/format.h>

#include <cstring>

#include "serving/infer_inputs.hpp"

namespace cicada::serving {
namespace {

using Tensor = inference::ModelInferRequest::InferInputTensor;

// Value i of a tensor whose values are in its typed contents.
double typed_value(const Tensor& t, std::size_t i) {
  const auto& c = t.contents();
  const int k = static_cast<int>(i);
  if (t.datatype() == "FP64") return c.fp64_contents(k);
  if (t.datatype() == "FP32") return static_cast<double>(c.fp32_contents(k));
  if (t.datatype() == "INT64") return static_cast<double>(c.int64_contents(k));
  return static_cast<double>(c.int_contents(k));
}

std::size_t typed_count(const Tensor& t) {
  const auto& c = t.contents();
  if (t.datatype() == "FP64") return static_cast<std::size_t>(c.fp64_contents_size());
  if (t.datatype() == "FP32") return static_cast<std::size_t>(c.fp32_contents_size());
  if (t.datatype() == "INT64") return static_cast<std::size_t>(c.int64_contents_size());
  return static_cast<std::size_t>(c.int_contents_size());
}

// Value i of raw little-endian bytes (x86-64 and every target we build for is little-endian).
double raw_value(const std::string& datatype, const std::string& raw, std::size_t i) {
  if (datatype == "FP64") {
    double v;
    std::memcpy(&v, raw.data() + i * 8, 8);
    return v;
  }
  if (datatype == "FP32") {
    float v;
    std::memcpy(&v, raw.data() + i * 4, 4);
    return static_cast<double>(v);
  }
  if (datatype == "INT64") {
    std::int64_t v;
    std::memcpy(&v, raw.data() + i * 8, 8);
    return static_cast<double>(v);
  }
  std::int32_t v;
  std::memcpy(&v, raw.data() + i * 4, 4);
  return static_cast<double>(v);
}

}  // namespace

bool read_infer_request(const InputSchema& schema, const inference::ModelInferRequest& request,
                        ApiError& error, InferRequestRows& out) {
  const bool raw = request.raw_input_contents_size() > 0;
  if (raw && request.raw_input_contents_size() != request.inputs_size()) {
    error.add("raw_input_contents", fmt::format("has {} entries for {} inputs",
                                                request.raw_input_contents_size(), request.inputs_size()));
    return false;
  }
  if (request.outputs_size() > 0) out.outputs.named_some();
  for (const auto& output : request.outputs()) out.outputs.want(output.name(), error);
  InferInputs inputs(schema, error);
  std::vector<int> field_of(static_cast<std::size_t>(request.inputs_size()), -1);
  for (int i = 0; i < request.inputs_size(); ++i) {
    const Tensor& t = request.inputs(i);
    const int f = inputs.claim(t.name());
    if (f < 0) continue;
    if (auto problem = infer_datatype_problem(t.datatype()); !problem.empty()) {
      error.add(t.name(), problem);
      continue;
    }
    const std::size_t size = infer_value_bytes(t.datatype());
    std::size_t count = 0;
    if (raw) {
      const std::string& bytes = request.raw_input_contents(i);
      if (bytes.size() % size != 0) {
        error.add(t.name(), fmt::format("raw contents of {} bytes are not whole {} values", bytes.size(),
                                        t.datatype()));
        continue;
      }
      count = bytes.size() / size;
    } else {
      count = typed_count(t);
    }
    if (auto problem = infer_shape_problem(
            std::span<const std::int64_t>(t.shape().data(), static_cast<std::size_t>(t.shape().size())),
            count);
        !problem.empty()) {
      error.add(t.name(), problem);
      continue;
    }
    field_of[static_cast<std::size_t>(i)] = f;
    inputs.count(f, count);
  }
  // Past here every input was claimed once, has a known datatype and exactly rows() values.
  if (!inputs.shape_ok()) return false;
  for (int i = 0; i < request.inputs_size(); ++i) {
    const int f = field_of[static_cast<std::size_t>(i)];
    const Tensor& t = request.inputs(i);
    for (std::size_t r = 0; r < inputs.rows(); ++r) {
      inputs.put(f, r, raw ? raw_value(t.datatype(), request.raw_input_contents(i), r) : typed_value(t, r));
    }
  }
  if (error.any()) return false;
  out.rows = inputs.rows();
  out.values = std::move(inputs.values());
  return true;
}

std::string infer_error_message(const ApiError& error) {
  std::string message = error.message;
  for (std::size_t i = 0; i < error.fields.size(); ++i) {
    message += i == 0 ? ": " : "; ";
    message += error.fields[i].first + ": " + error.fields[i].second;
  }
  if (error.more_fields > 0) message += fmt::format(" (and {} more)", error.more_fields);
  return message;
}

}  // namespace cicada::serving
