#include "serving/api_predict.hpp"

#include <span>
#include <string>

#include "http/server/json_text.hpp"
#include "serving/api_json.hpp"

namespace cicada::serving {
namespace {

void append_answer(std::string& out, const Model& model, double p) {
  out += "{\"diagnosis\":";
  http::append_json_string(out, p >= 0.5 ? model.positive_label() : model.negative_label());
  out += ",\"probability\":";
  http::append_json_number(out, p);
  out += '}';
}

}  // namespace

void handle_predict(const Model& model, const http::ServerRequest& request, http::ServerResponse& out) {
  if (!require_json_content_type(request.content_type, out)) return;
  thread_local PredictInput input;
  // Per thread, so a warm thread parses without allocating; a large batch's buffers are released after it.
  ThreadBufferTrim trim(&input.values);
  ApiError error;  // allocates nothing unless there is an error
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
