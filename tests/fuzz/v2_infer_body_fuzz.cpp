// POST /v2/models/<name>/infer bodies (src/serving/v2_input): tensors per field, validated per value.
#include "model_input_check.hpp"
#include "serving/v2_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cicada;
  const serving::InputSchema& schema = fuzz::heart_schema();
  std::vector<double> values;
  std::size_t rows = 0;
  std::string id;
  serving::InferOutputs outputs;
  serving::ApiError error;
  bool ok = serving::parse_infer_body(fuzz::as_text(data, size), schema, values, rows, id, outputs, error);
  fuzz::check_outcome(ok, error);
  if (ok) {
    fuzz::require(values.size() == rows * schema.fields.size(), "rows x fields values");
    fuzz::require(outputs.probability || outputs.diagnosis, "an accepted request wants an output");
  }
  return 0;
}
