#include "serving/api_v2.hpp"

#include <fmt/format.h>

#include <span>

#include "http/server/json_text.hpp"
#include "serving/api_json.hpp"
#include "serving/v2_input.hpp"

namespace cicada::serving {
namespace {

using http::append_json_number;
using http::append_json_string;

void json_answer(http::ServerResponse& out, std::string body) {
  out.content_type = "application/json";
  out.body = std::move(body);
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
  ThreadBufferTrim trim;
  std::vector<double> values;
  std::size_t rows = 0;
  std::string id;
  InferOutputs outputs;
  ApiError error;
  if (!parse_infer_body(request.body, model.schema(), values, rows, id, outputs, error))
    return write_error(out, error);
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
  body += ",\"outputs\":[";
  if (outputs.probability) {
    body += "{\"name\":\"probability\",\"datatype\":\"FP64\",\"shape\":" + shape + ",\"data\":[";
    for (std::size_t r = 0; r < rows; ++r) {
      if (r > 0) body += ',';
      append_json_number(body, probabilities[r]);
    }
    body += "]}";
  }
  if (outputs.diagnosis) {
    if (outputs.probability) body += ',';
    body += "{\"name\":\"diagnosis\",\"datatype\":\"BYTES\",\"shape\":" + shape + ",\"data\":[";
    for (std::size_t r = 0; r < rows; ++r) {
      if (r > 0) body += ',';
      append_json_string(body, probabilities[r] >= 0.5 ? model.positive_label() : model.negative_label());
    }
    body += "]}";
  }
  body += "]}";
  json_answer(out, std::move(body));
}

void add_v2_routes(http::Router& router, const Model& model, SimulatedCost simulated_cost) {
  router.add("GET", "/v2", [](const http::ServerRequest&, http::ServerResponse& out) {
    std::string body = "{\"name\":";
    append_json_string(body, kV2ServerName);
    body += ",\"version\":";
    append_json_string(body, kV2ServerVersion);
    body += ",\"extensions\":[]}";
    json_answer(out, std::move(body));
  });
  router.add("GET", "/v2/health/live", [](const http::ServerRequest&, http::ServerResponse& out) {
    json_answer(out, "{\"live\":true}");
  });
  router.add("GET", "/v2/health/ready", [](const http::ServerRequest&, http::ServerResponse& out) {
    json_answer(out, "{\"ready\":true}");
  });
  // The model's routes, unversioned and under its one version (/v2/models/<name>/versions/<version>), as
  // the protocol has both: a client pinned to a version reaches the same handlers.
  const std::string metadata = v2_model_metadata(model);
  std::string ready = "{\"name\":";
  append_json_string(ready, model.name());
  ready += ",\"ready\":true}";
  const http::Handler infer =
      with_simulated_cost([&model](const http::ServerRequest& request,
                                   http::ServerResponse& out) { handle_v2_infer(model, request, out); },
                          simulated_cost);
  const std::string unversioned = "/v2/models/" + model.name();
  for (const std::string& base : {unversioned, unversioned + "/versions/" + model.version()}) {
    router.add("GET", base, [metadata](const http::ServerRequest&, http::ServerResponse& out) {
      json_answer(out, metadata);
    });
    router.add("GET", base + "/ready",
               [ready](const http::ServerRequest&, http::ServerResponse& out) { json_answer(out, ready); });
    router.add("POST", base + "/infer", infer);
  }
}

}  // namespace cicada::serving
