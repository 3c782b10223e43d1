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

// The typed contents field a datatype's values go in (the datatype is one an input may use).
const char* typed_field_of(const std::string& datatype) {
  if (datatype == "FP64") return "fp64_contents";
  if (datatype == "FP32") return "fp32_contents";
  if (datatype == "INT64") return "int64_contents";
  return "int_contents";
}

// "" when a tensor's values are in exactly one place: its datatype's typed contents field, or (raw) its
// entry of raw_input_contents. The Open Inference Protocol (and Triton) refuse a tensor with both, or with
// values in two typed fields; reading one of them and ignoring the other scored values nobody meant.
std::string contents_problem(const Tensor& t, bool raw) {
  const auto& c = t.contents();
  const std::pair<const char*, int> fields[] = {
      {"bool_contents", c.bool_contents_size()},     {"int_contents", c.int_contents_size()},
      {"int64_contents", c.int64_contents_size()},   {"uint_contents", c.uint_contents_size()},
      {"uint64_contents", c.uint64_contents_size()}, {"fp32_contents", c.fp32_contents_size()},
      {"fp64_contents", c.fp64_contents_size()},     {"bytes_contents", c.bytes_contents_size()}};
  std::string used;
  int n = 0;
  for (const auto& [name, size] : fields) {
    if (size == 0) continue;
    used += (n++ == 0 ? "" : ", ") + std::string(name);
  }
  if (n == 0) return "";
  if (raw) return fmt::format("has values both in contents ({}) and in raw_input_contents; send one", used);
  if (n > 1) return fmt::format("has values in more than one contents field ({}); send one", used);
  if (used != typed_field_of(t.datatype()))
    return fmt::format("datatype {} takes {}, not {}", t.datatype(), typed_field_of(t.datatype()), used);
  return "";
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
    if (auto problem = contents_problem(t, raw); !problem.empty()) {
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
  // A grpc-message travels in a trailer, which gRPC clients take up to 8-16 KiB: the problems that fit in
  // kMaxMessageBytes are said, the rest counted (50 of them made 13.6 KB).
  constexpr std::size_t kMaxMessageBytes = 4096;
  std::string message = error.message;
  std::size_t more = error.more_fields;
  for (std::size_t i = 0; i < error.fields.size(); ++i) {
    const std::string one = (i == 0 ? ": " : "; ") + error.fields[i].first + ": " + error.fields[i].second;
    if (message.size() + one.size() > kMaxMessageBytes) {
      more += error.fields.size() - i;
      break;
    }
    message += one;
  }
  if (more > 0) message += fmt::format(" (and {} more)", more);
  return message;
}

}  // namespace cicada::serving
