#include "serving/api_predict.hpp"

#include <span>
#include <string>

#include "http/server/json_text.hpp"
#include "serving/api_json.hpp"

namespace cicada::serving {
namespace {

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

// One object into row (schema order). prefix names the item in a batch ("[3].").
void read_row(simdjson::dom::object object, const InputSchema& schema, std::string_view prefix, double* row,
              ApiError& error) {
  thread_local std::vector<char> seen;
  seen.assign(schema.fields.size(), 0);
  std::string problem;
  auto name = [&](std::string_view field) { return std::string(prefix).append(field); };
  for (auto [key, value] : object) {
    int index = schema.index_of(key);
    if (index < 0) {
      error.add(name(key), "unknown field");
      continue;
    }
    if (seen[static_cast<std::size_t>(index)]) {
      error.add(name(key), "duplicate field");
      continue;
    }
    seen[static_cast<std::size_t>(index)] = 1;
    double v = 0;
    if (!read_number(value, v, problem)) {
      error.add(name(key), problem);
      continue;
    }
    const FieldSchema& field = schema.fields[static_cast<std::size_t>(index)];
    problem = check_field_value(field, v);
    if (!problem.empty()) {
      error.add(name(key), problem);
      continue;
    }
    row[index] = v;
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) error.add(name(schema.fields[i].name), "missing");
  }
}

void append_answer(std::string& out, const Model& model, double p) {
  out += "{\"diagnosis\":";
  http::append_json_string(out, p >= 0.5 ? model.positive_label() : model.negative_label());
  out += ",\"probability\":";
  http::append_json_number(out, p);
  out += '}';
}

}  // namespace

bool parse_predict_body(std::string_view body, const InputSchema& schema, PredictInput& input,
                        ApiError& error) {
  error = ApiError{400, "invalid input", {}};
  if (is_blank(body)) {
    error.message = "empty body: expected a JSON object (or an array of objects)";
    return false;
  }
  simdjson::dom::element root;
  if (auto code = parse_json(body, root); code != simdjson::SUCCESS) {
    error = malformed_json_error(body, code);
    return false;
  }
  const std::size_t width = schema.fields.size();
  input.values.clear();
  if (root.is_object()) {
    input.batch = false;
    input.rows = 1;
    input.values.assign(width, 0.0);
    read_row(root.get_object().value_unsafe(), schema, {}, input.values.data(), error);
  } else if (root.is_array()) {
    simdjson::dom::array items = root.get_array().value_unsafe();
    input.batch = true;
    input.rows = items.size();
    input.values.assign(input.rows * width, 0.0);
    std::size_t i = 0;
    for (simdjson::dom::element item : items) {
      std::string prefix = "[" + std::to_string(i) + "].";
      if (item.is_object()) {
        read_row(item.get_object().value_unsafe(), schema, prefix, input.values.data() + i * width, error);
      } else {
        prefix.pop_back();
        error.add(prefix, "must be a JSON object");
      }
      ++i;
    }
  } else {
    error.message = "body must be a JSON object (or an array of objects)";
    return false;
  }
  return error.fields.empty();
}

void handle_predict(const Model& model, const http::ServerRequest& request, http::ServerResponse& out) {
  if (!require_json_content_type(request.content_type, out)) return;
  thread_local PredictInput input;
  thread_local ApiError error;
  if (!parse_predict_body(request.body, model.schema(), input, error)) return write_error(out, error);
  const std::size_t width = model.schema().fields.size();
  out.content_type = "application/json";
  out.body.clear();
  if (input.batch) out.body += '[';
  for (std::size_t r = 0; r < input.rows; ++r) {
    if (r > 0) out.body += ',';
    double p = model.predict_proba(std::span<const double>(input.values.data() + r * width, width));
    append_answer(out.body, model, p);
  }
  if (input.batch) out.body += ']';
}

}  // namespace cicada::serving
