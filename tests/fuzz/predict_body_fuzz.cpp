// POST /predict bodies (src/serving/predict_input): one object or a batch, validated against the schema.
#include "model_input_check.hpp"
#include "serving/predict_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cicada;
  const serving::InputSchema& schema = fuzz::heart_schema();
  serving::PredictInput input;
  serving::ApiError error;
  bool ok = serving::parse_predict_body(fuzz::as_text(data, size), schema, input, error);
  fuzz::check_outcome(ok, error);
  if (ok) fuzz::require(input.values.size() == input.rows * schema.fields.size(), "rows x fields values");
  return 0;
}
