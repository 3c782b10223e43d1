#include "serving/v2_input.hpp"

#include "serving/api_json.hpp"
#include "serving/infer_inputs.hpp"

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
    if (item.get_array().get(inner_items) == simdjson::SUCCESS) {
      for (simdjson::dom::element inner : inner_items) out.push_back(inner);
    } else {
      out.push_back(item);
    }
  }
  return true;
}

}  // namespace

bool parse_infer_body(std::string_view body, const InputSchema& schema, std::vector<double>& values,
                      std::size_t& rows, std::string& id, ApiError& error) {
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
  if (auto v = root["id"]; !v.error() && v.value_unsafe().is_string())
    id = std::string(v.value_unsafe().get_string().value_unsafe());
  simdjson::dom::array tensors;
  if (root["inputs"].get_array().get(tensors) != simdjson::SUCCESS) {
    error.add("inputs", "must be an array of tensors");
    return false;
  }
  InferInputs inputs(schema, error);
  std::vector<std::vector<simdjson::dom::element>> columns(schema.fields.size());
  for (simdjson::dom::element tensor : tensors) {
    std::string_view name;
    if (!tensor.is_object() || tensor["name"].get_string().get(name) != simdjson::SUCCESS) {
      error.add("inputs", "each input must be an object with a \"name\"");
      continue;
    }
    const int f = inputs.claim(name);
    if (f < 0) continue;
    auto& column = columns[static_cast<std::size_t>(f)];
    std::string problem;
    auto data = tensor["data"];
    if (data.error() || !flatten(data.value_unsafe(), column, problem)) {
      error.add(name, problem.empty() ? "missing \"data\"" : problem);
      continue;
    }
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
      inputs.put(static_cast<int>(f), r, v);
    }
  }
  values = std::move(inputs.values());
  return !error.any();
}

}  // namespace cicada::serving
