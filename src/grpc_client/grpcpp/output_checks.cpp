#include "grpc_client/grpcpp/output_checks.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace cicada::grpc_client {

namespace {

using Output = inference::ModelInferResponse::InferOutputTensor;

void append_number(std::string& out, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_shape(std::string& out, const auto& dims) {
  out.push_back('[');
  bool first = true;
  for (std::int64_t d : dims) {
    if (!first) out.append(", ");
    first = false;
    out.append(std::to_string(d));
  }
  out.push_back(']');
}

bool shape_matches(const Output& output, std::span<const std::int64_t> expected) {
  if (static_cast<std::size_t>(output.shape_size()) != expected.size()) return false;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] != -1 && expected[i] != output.shape(static_cast<int>(i))) return false;
  }
  return true;
}

// Bytes per element of a datatype whose raw values we read; 0 for the others (BYTES).
std::size_t raw_width(std::string_view datatype) {
  if (datatype == "BOOL" || datatype == "INT8" || datatype == "UINT8") return 1;
  if (datatype == "INT16" || datatype == "UINT16" || datatype == "FP16" || datatype == "BF16") return 2;
  if (datatype == "INT32" || datatype == "UINT32" || datatype == "FP32") return 4;
  if (datatype == "INT64" || datatype == "UINT64" || datatype == "FP64") return 8;
  return 0;
}

// One raw little-endian element (x86-64 and aarch64 are little-endian, as the protocol's raw bytes are).
template <class T>
double raw_value(const char* at) {
  T v;
  std::memcpy(&v, at, sizeof v);
  return static_cast<double>(v);
}

// IEEE 754 half precision (FP16: 1 sign, 5 exponent, 10 fraction bits), exactly as a double.
double half_value(std::uint16_t h) {
  const int exponent = (h >> 10) & 0x1f;
  const int fraction = h & 0x3ff;
  double magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(fraction, -24);  // zero or subnormal
  else if (exponent == 0x1f)
    magnitude = fraction == 0 ? HUGE_VAL : std::nan("");
  else
    magnitude = std::ldexp(fraction + 1024, exponent - 25);
  return (h & 0x8000) ? -magnitude : magnitude;
}

// bfloat16: the upper half of an FP32's bits.
double bfloat_value(std::uint16_t b) {
  const std::uint32_t bits = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

double read_raw(std::string_view datatype, const char* at) {
  if (datatype == "FP16" || datatype == "BF16") {
    std::uint16_t bits;
    std::memcpy(&bits, at, sizeof bits);
    return datatype == "FP16" ? half_value(bits) : bfloat_value(bits);
  }
  if (datatype == "BOOL" || datatype == "UINT8") return raw_value<std::uint8_t>(at);
  if (datatype == "INT8") return raw_value<std::int8_t>(at);
  if (datatype == "INT16") return raw_value<std::int16_t>(at);
  if (datatype == "UINT16") return raw_value<std::uint16_t>(at);
  if (datatype == "INT32") return raw_value<std::int32_t>(at);
  if (datatype == "UINT32") return raw_value<std::uint32_t>(at);
  if (datatype == "FP32") return raw_value<float>(at);
  if (datatype == "INT64") return raw_value<std::int64_t>(at);
  if (datatype == "UINT64") return raw_value<std::uint64_t>(at);
  return raw_value<double>(at);  // FP64
}

// Calls f(value) for every numeric value of output `index`; false when its values are not numbers we
// read (BYTES) or are missing altogether. FP16 and BF16 have no typed contents in the protocol: their
// values only come as raw bytes.
template <class F>
bool for_each_value(const inference::ModelInferResponse& response, int index, const Output& output, F&& f) {
  if (index < response.raw_output_contents_size()) {
    const std::size_t width = raw_width(output.datatype());
    const std::string& raw = response.raw_output_contents(index);
    if (width == 0 || raw.size() % width != 0) return false;
    for (std::size_t at = 0; at < raw.size(); at += width) f(read_raw(output.datatype(), raw.data() + at));
    return true;
  }
  if (!output.has_contents()) return false;
  const auto& c = output.contents();
  if (c.bytes_contents_size() > 0) return false;
  for (double v : c.fp64_contents()) f(v);
  for (float v : c.fp32_contents()) f(v);
  for (auto v : c.int64_contents()) f(static_cast<double>(v));
  for (auto v : c.int_contents()) f(v);
  for (auto v : c.uint64_contents()) f(static_cast<double>(v));
  for (auto v : c.uint_contents()) f(v);
  for (bool v : c.bool_contents()) f(v ? 1.0 : 0.0);
  return c.fp64_contents_size() + c.fp32_contents_size() + c.int64_contents_size() + c.int_contents_size() +
             c.uint64_contents_size() + c.uint_contents_size() + c.bool_contents_size() >
         0;
}

enum class Strings { kNone, kMalformed, kRead };

// Calls f(value) for every BYTES value of output `index`: the typed bytes_contents, or the raw bytes,
// where each value is its length (4 bytes, little-endian) then its bytes. kNone: not BYTES values.
template <class F>
Strings for_each_string(const inference::ModelInferResponse& response, int index, const Output& output,
                        F&& f) {
  if (index < response.raw_output_contents_size()) {
    if (output.datatype() != "BYTES") return Strings::kNone;
    std::string_view raw = response.raw_output_contents(index);
    while (!raw.empty()) {
      std::uint32_t size;
      if (raw.size() < sizeof size) return Strings::kMalformed;
      std::memcpy(&size, raw.data(), sizeof size);
      raw.remove_prefix(sizeof size);
      if (raw.size() < size) return Strings::kMalformed;
      f(raw.substr(0, size));
      raw.remove_prefix(size);
    }
    return Strings::kRead;
  }
  if (!output.has_contents() || output.contents().bytes_contents_size() == 0) return Strings::kNone;
  for (const std::string& v : output.contents().bytes_contents()) f(std::string_view(v));
  return Strings::kRead;
}

// " not one of [healthy, disease]": the values allowed (the first 8), never the value that failed.
void append_one_of(std::string& out, std::span<const std::string_view> allowed) {
  out.append(" not one of [");
  for (std::size_t i = 0; i < allowed.size() && i < 8; ++i) {
    if (i > 0) out.append(", ");
    out.append(allowed[i]);
  }
  if (allowed.size() > 8) out.append(", ...");
  out.push_back(']');
}

// " outside [0, 1]", " below 2", " above 0.6": what a value failing the range is.
void append_range(std::string& out, const GrpcOutputCheck& check) {
  if (check.min && check.max) {
    out.append(" outside [");
    append_number(out, *check.min);
    out.append(", ");
    append_number(out, *check.max);
    out.push_back(']');
  } else if (check.min) {
    out.append(" below ");
    append_number(out, *check.min);
  } else {
    out.append(" above ");
    append_number(out, *check.max);
  }
}

bool check_one(const inference::ModelInferResponse& response, const GrpcOutputCheck& check,
               std::string& failure) {
  int index = -1;
  for (int i = 0; i < response.outputs_size(); ++i) {
    if (response.outputs(i).name() == check.name) {
      index = i;
      break;
    }
  }
  failure.append("output \"").append(check.name).append("\"");
  if (index < 0) {
    failure.append(" missing (the response has ");
    if (response.outputs_size() == 0) failure.append("no outputs");
    for (int i = 0; i < response.outputs_size() && i < 8; ++i) {
      if (i > 0) failure.append(", ");
      failure.append(response.outputs(i).name());
    }
    if (response.outputs_size() > 8) failure.append(", ...");
    failure.push_back(')');
    return false;
  }
  const Output& output = response.outputs(index);
  if (!check.datatype.empty() && output.datatype() != check.datatype) {
    failure.append(" is ").append(output.datatype().empty() ? "untyped" : output.datatype());
    failure.append(", expected ").append(check.datatype);
    return false;
  }
  if (!check.shape.empty() && !shape_matches(output, check.shape)) {
    failure.append(" has shape ");
    append_shape(failure, output.shape());
    failure.append(", expected ");
    append_shape(failure, check.shape);
    return false;
  }
  if (check.min || check.max) {
    bool outside = false;
    const bool numeric = for_each_value(response, index, output, [&](double v) {
      // NaN is outside every range.
      if ((check.min && !(v >= *check.min)) || (check.max && !(v <= *check.max))) outside = true;
    });
    if (!numeric) {
      failure.append(" has no numbers to check the range of (");
      failure.append(output.datatype().empty() ? "untyped" : output.datatype()).push_back(')');
      return false;
    }
    if (outside) {
      failure.append(" has a value");
      append_range(failure, check);
      return false;
    }
  }
  if (!check.one_of.empty()) {
    bool other = false;
    const Strings read = for_each_string(response, index, output, [&](std::string_view v) {
      if (std::find(check.one_of.begin(), check.one_of.end(), v) == check.one_of.end()) other = true;
    });
    if (read == Strings::kNone) {
      failure.append(" has no BYTES values to compare (");
      failure.append(output.datatype().empty() ? "untyped" : output.datatype()).push_back(')');
      return false;
    }
    if (read == Strings::kMalformed) {
      failure.append(" has raw BYTES contents that are not length-prefixed values");
      return false;
    }
    if (other) {
      failure.append(" has a value");
      append_one_of(failure, check.one_of);
      return false;
    }
  }
  return true;
}

}  // namespace

bool check_outputs(const inference::ModelInferResponse& response, std::span<const GrpcOutputCheck> checks,
                   std::string& failure) {
  // Written straight into `failure` (the caller's reused buffer) and taken back when the check passes.
  const std::size_t mark = failure.size();
  for (const auto& check : checks) {
    if (!check_one(response, check, failure)) return false;
    failure.resize(mark);
  }
  return true;
}

}  // namespace cicada::grpc_client
