#include "serving/v2_input.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "serving/api_json.hpp"

namespace cicada::serving {
namespace {

// Flattens data ([v, ...] or [[v], ...]) into out; false with problem when it is anything else.
bool flatten(simdjson::dom::element data, std::vector<simdjson::dom::element>& out, std::string& problem) {
  simdjson::dom::array items;  // named: a range-for over a temporary result dangles
  if (data.get_array().get(items) != simdjson::SUCCESS) {
    problem = "\"data\" must be an array";
    return false;
  }
  for (simdjson::dom::element item : items) {
    simdjson::dom::array inner_items;
    if (item.get_array().get(inner_items) != simdjson::SUCCESS) {
      out.push_back(item);
      continue;
    }
    // [[v], ...] is the [N, 1] form: a row of two values would make two rows of a one-column tensor.
    if (inner_items.size() != 1) {
      problem = "\"data\" must be [v, ...] or [[v], ...]";
      return false;
    }
    out.push_back(inner_items.at(0).value_unsafe());
  }
  return true;
}

// The tensor's "shape" (an array of at most two integers) into shape; false when it is anything else.
bool read_shape(simdjson::dom::element tensor, std::vector<std::int64_t>& shape) {
  simdjson::dom::array dims;
  if (tensor["shape"].get_array().get(dims) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element dim : dims) {
    std::int64_t d = 0;
    if (shape.size() == 2 || dim.get_int64().get(d) != simdjson::SUCCESS) return false;
    shape.push_back(d);
  }
  return true;
}

// The requested "outputs" (absent: both), each an object with a "name"; problems go into error.
void read_outputs(simdjson::dom::element root, InferOutputs& outputs, ApiError& error) {
  auto requested = root["outputs"];
  if (requested.error()) return;
  simdjson::dom::array items;
  if (requested.get_array().get(items) != simdjson::SUCCESS) return error.add("outputs", "must be an array");
  if (items.size() > 0) outputs.named_some();
  for (simdjson::dom::element item : items) {
    std::string_view name;
    if (!item.is_object() || item["name"].get_string().get(name) != simdjson::SUCCESS)
      return error.add("outputs", "each output must be an object with a \"name\"");
    outputs.want(name, error);
  }
}

// A value of an integer datatype must be a whole number within it.
std::string integer_problem(std::string_view datatype, double v) {
  if (v != std::trunc(v)) return fmt::format("must be a whole number (datatype {})", datatype);
  const double bound = datatype == "INT32" ? 2147483648.0 : 9223372036854775808.0;
  if (v < -bound || v >= bound) return fmt::format("out of {}'s range", datatype);
  return {};
}

}  // namespace

bool parse_infer_body(std::string_view body, const InputSchema& schema, std::vector<double>& values,
                      std::size_t& rows, std::string& id, InferOutputs& outputs, ApiError& error) {
  error = ApiError{400, "invalid inference request", {}, 0};
  simdjson::dom::element root;
  if (auto code = parse_json(body, root); code != simdjson::SUCCESS) {
    error = malformed_json_error(body, code);
    return false;
  }
  if (!root.is_object()) {
    error.message = "body must be a JSON object with \"inputs\"";
    return false;
  }
  // simdjson's lookup takes the first of repeated keys; another parser would take the last. A request
  // that means two things is refused rather than read one way.
  simdjson::dom::object top;  // named: a range-for over a temporary result dangles
  if (root.get_object().get(top) != simdjson::SUCCESS) return false;
  std::size_t id_count = 0, inputs_count = 0;
  for (auto [key, value] : top) {
    if (key == "id") ++id_count;
    if (key == "inputs") ++inputs_count;
  }
  if (id_count > 1) error.add("id", "duplicate key");
  if (inputs_count > 1) error.add("inputs", "duplicate key");
  if (error.any()) return false;
  if (auto v = root["id"]; !v.error()) {
    if (!v.value_unsafe().is_string()) return error.add("id", "must be a string"), false;
    id = std::string(v.value_unsafe().get_string().value_unsafe());
  }
  read_outputs(root, outputs, error);
  simdjson::dom::array tensors;
  if (root["inputs"].get_array().get(tensors) != simdjson::SUCCESS) {
    error.add("inputs", "must be an array of tensors");
    return false;
  }
  InferInputs inputs(schema, error);
  std::vector<std::vector<simdjson::dom::element>> columns(schema.fields.size());
  std::vector<std::string_view> datatypes(schema.fields.size());
  std::vector<std::int64_t> shape;
  for (simdjson::dom::element tensor : tensors) {
    std::string_view name;
    if (!tensor.is_object() || tensor["name"].get_string().get(name) != simdjson::SUCCESS) {
      error.add("inputs", "each input must be an object with a \"name\"");
      continue;
    }
    const int f = inputs.claim(name);
    if (f < 0) continue;
    // The datatype and shape the protocol requires of every tensor, checked as the gRPC service checks
    // them (infer_inputs.hpp): a request one transport refuses, the other does too.
    std::string_view datatype;
    if (tensor["datatype"].get_string().get(datatype) != simdjson::SUCCESS) {
      error.add(name, "missing \"datatype\" (FP64, FP32, INT64 or INT32)");
      continue;
    }
    if (auto problem = infer_datatype_problem(datatype); !problem.empty()) {
      error.add(name, problem);
      continue;
    }
    shape.clear();
    if (!read_shape(tensor, shape)) {
      error.add(name, "shape must be [N] or [N, 1]");
      continue;
    }
    auto& column = columns[static_cast<std::size_t>(f)];
    std::string problem;
    auto data = tensor["data"];
    if (data.error() || !flatten(data.value_unsafe(), column, problem)) {
      error.add(name, problem.empty() ? "missing \"data\"" : problem);
      continue;
    }
    if (problem = infer_shape_problem(shape, column.size()); !problem.empty()) {
      error.add(name, problem);
      continue;
    }
    datatypes[static_cast<std::size_t>(f)] = datatype;
    inputs.count(f, column.size());
  }
  if (!inputs.shape_ok()) return false;
  rows = inputs.rows();
  for (std::size_t f = 0; f < columns.size(); ++f) {
    std::string problem;
    for (std::size_t r = 0; r < rows; ++r) {
      double v = 0;
      if (!read_number(columns[f][r], v, problem)) {
        inputs.reject(static_cast<int>(f), r, problem);
        continue;
      }
      if (datatypes[f].starts_with("INT")) {
        if (problem = integer_problem(datatypes[f], v); !problem.empty()) {
          inputs.reject(static_cast<int>(f), r, problem);
          continue;
        }
      }
      inputs.put(static_cast<int>(f), r, v);
    }
  }
  values = std::move(inputs.values());
  return !error.any();
}

}  // namespace cicada::serving
