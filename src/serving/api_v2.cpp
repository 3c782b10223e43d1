#include "serving/api_v2.hpp"

#include <fmt/format.h>

#include <span>

#include "http/server/json_text.hpp"
#include "serving/api_json.hpp"
#include "serving/infer_inputs.hpp"

namespace cicada::serving {
namespace {

using http::append_json_number;
using http::append_json_string;

void json_answer(http::ServerResponse& out, std::string body) {
  out.content_type = "application/json";
  out.body = std::move(body);
}

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

// Reads the infer request into rows (schema order). Every problem found goes into error.
bool parse_infer(std::string_view body, const InputSchema& schema, std::vector<double>& values,
                 std::size_t& rows, std::string& id, ApiError& error) {
  error = ApiError{400, "invalid inference request", {}};
  simdjson::dom::element root;
  if (auto code = parse_json(body, root); code != simdjson::SUCCESS) {
    error = malformed_json_error(body, code);
    return false;
  }
  if (!root.is_object()) {
    error.message = "body must be a JSON object with \"inputs\"";
    return false;
  }
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
      error.add(std::string(name), problem.empty() ? "missing \"data\"" : problem);
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
  return error.fields.empty();
}

}  // namespace

std::string v2_model_metadata(const Model& model) {
  std::string out = "{\"name\":";
  append_json_string(out, model.name());
  out += ",\"versions\":[";
  append_json_string(out, model.version());
  out += "],\"platform\":\"cicada_xgboost\",\"inputs\":[";
  const auto& fields = model.schema().fields;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"name\":";
    append_json_string(out, fields[i].name);
    out += ",\"datatype\":\"FP64\",\"shape\":[-1],\"parameters\":{\"kind\":";
    out += fields[i].kind == FieldKind::kNumeric ? "\"numeric\"" : "\"categorical\"";
    out += ",\"observed_min\":";
    append_json_number(out, fields[i].observed_min);
    out += ",\"observed_max\":";
    append_json_number(out, fields[i].observed_max);
    if (fields[i].kind == FieldKind::kNumeric) {
      out += ",\"accept_min\":";
      append_json_number(out, fields[i].accept_min);
      out += ",\"accept_max\":";
      append_json_number(out, fields[i].accept_max);
    } else {
      out += ",\"categories\":[";
      for (std::size_t c = 0; c < fields[i].categories.size(); ++c) {
        if (c > 0) out += ',';
        append_json_number(out, fields[i].categories[c]);
      }
      out += ']';
    }
    out += "}}";
  }
  out +=
      "],\"outputs\":[{\"name\":\"probability\",\"datatype\":\"FP64\",\"shape\":[-1]},"
      "{\"name\":\"diagnosis\",\"datatype\":\"BYTES\",\"shape\":[-1]}]}";
  return out;
}

void handle_v2_infer(const Model& model, const http::ServerRequest& request, http::ServerResponse& out) {
  if (!require_json_content_type(request.content_type, out)) return;
  std::vector<double> values;
  std::size_t rows = 0;
  std::string id;
  ApiError error;
  if (!parse_infer(request.body, model.schema(), values, rows, id, error)) return write_error(out, error);
  const std::size_t width = model.schema().fields.size();
  std::vector<double> probabilities(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    probabilities[r] = model.predict_proba(std::span<const double>(values.data() + r * width, width));
  }
  std::string body = "{\"model_name\":";
  append_json_string(body, model.name());
  body += ",\"model_version\":";
  append_json_string(body, model.version());
  if (!id.empty()) {
    body += ",\"id\":";
    append_json_string(body, id);
  }
  std::string shape = fmt::format("[{}]", rows);
  body += ",\"outputs\":[{\"name\":\"probability\",\"datatype\":\"FP64\",\"shape\":" + shape + ",\"data\":[";
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) body += ',';
    append_json_number(body, probabilities[r]);
  }
  body += "]},{\"name\":\"diagnosis\",\"datatype\":\"BYTES\",\"shape\":" + shape + ",\"data\":[";
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) body += ',';
    append_json_string(body, probabilities[r] >= 0.5 ? model.positive_label() : model.negative_label());
  }
  body += "]}]}";
  json_answer(out, std::move(body));
}

void add_v2_routes(http::Router& router, const Model& model, SimulatedCost simulated_cost) {
  router.add("GET", "/v2/health/live", [](const http::ServerRequest&, http::ServerResponse& out) {
    json_answer(out, "{\"live\":true}");
  });
  router.add("GET", "/v2/health/ready", [](const http::ServerRequest&, http::ServerResponse& out) {
    json_answer(out, "{\"ready\":true}");
  });
  const std::string base = "/v2/models/" + model.name();
  router.add("GET", base,
             [metadata = v2_model_metadata(model)](const http::ServerRequest&, http::ServerResponse& out) {
               json_answer(out, metadata);
             });
  std::string ready = "{\"name\":";
  append_json_string(ready, model.name());
  ready += ",\"ready\":true}";
  router.add("GET", base + "/ready",
             [ready](const http::ServerRequest&, http::ServerResponse& out) { json_answer(out, ready); });
  router.add(
      "POST", base + "/infer",
      with_simulated_cost([&model](const http::ServerRequest& request,
                                   http::ServerResponse& out) { handle_v2_infer(model, request, out); },
                          simulated_cost));
}

}  // namespace cicada::serving
