#include "serving_grpc/grpc_handlers.hpp"

#include <fmt/format.h>

#include <span>

#include "http/server/json_text.hpp"
#include "serving/api_errors.hpp"
#include "serving_grpc/grpc_infer_request.hpp"

namespace cicada::serving {
namespace {

grpc::Status invalid(const ApiError& error) {
  return {grpc::StatusCode::INVALID_ARGUMENT, infer_error_message(error)};
}

}  // namespace

grpc::Status check_model(const Model& model, const std::string& name, const std::string& version) {
  // The client's names are cut as the REST errors cut them: a 60 KB name made a 60 KB grpc-message, past
  // what gRPC clients take in a trailer (8-16 KiB), so the client saw a transport error, not NOT_FOUND.
  const auto shown = [](const std::string& s) { return http::clip_utf8(s, ApiError::kMaxNameBytes); };
  if (name != model.name())
    return {grpc::StatusCode::NOT_FOUND,
            fmt::format("unknown model \"{}\" (serving \"{}\")", shown(name), model.name())};
  if (!version.empty() && version != model.version()) {
    return {grpc::StatusCode::NOT_FOUND, fmt::format("model \"{}\" has no version \"{}\" (serving \"{}\")",
                                                     shown(name), shown(version), model.version())};
  }
  return grpc::Status::OK;
}

void fill_model_metadata(const Model& model, inference::ModelMetadataResponse& out) {
  out.set_name(model.name());
  out.add_versions(model.version());
  out.set_platform("cicada_xgboost");
  for (const auto& field : model.schema().fields) {
    auto* input = out.add_inputs();
    input->set_name(field.name);
    input->set_datatype("FP64");
    input->add_shape(-1);
  }
  for (auto [name, datatype] : {std::pair{"probability", "FP64"}, std::pair{"diagnosis", "BYTES"}}) {
    auto* output = out.add_outputs();
    output->set_name(name);
    output->set_datatype(datatype);
    output->add_shape(-1);
  }
}

grpc::Status model_infer(const Model& model, const inference::ModelInferRequest& request,
                         inference::ModelInferResponse& out) {
  if (auto status = check_model(model, request.model_name(), request.model_version()); !status.ok())
    return status;
  ApiError error{400, "invalid inference request", {}, 0};
  InferRequestRows inputs;
  if (!read_infer_request(model.schema(), request, error, inputs)) return invalid(error);

  const std::size_t rows = inputs.rows;
  const std::size_t width = model.schema().fields.size();
  out.set_model_name(model.name());
  out.set_model_version(model.version());
  out.set_id(request.id());
  inference::ModelInferResponse::InferOutputTensor* probability = nullptr;
  inference::ModelInferResponse::InferOutputTensor* diagnosis = nullptr;
  if (inputs.outputs.probability) {
    probability = out.add_outputs();
    probability->set_name("probability");
    probability->set_datatype("FP64");
    probability->add_shape(static_cast<std::int64_t>(rows));
  }
  if (inputs.outputs.diagnosis) {
    diagnosis = out.add_outputs();
    diagnosis->set_name("diagnosis");
    diagnosis->set_datatype("BYTES");
    diagnosis->add_shape(static_cast<std::int64_t>(rows));
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const double p = model.predict_proba(std::span<const double>(inputs.values.data() + r * width, width));
    if (probability) probability->mutable_contents()->add_fp64_contents(p);
    if (diagnosis)
      diagnosis->mutable_contents()->add_bytes_contents(p >= 0.5 ? model.positive_label()
                                                                 : model.negative_label());
  }
  return grpc::Status::OK;
}

}  // namespace cicada::serving
