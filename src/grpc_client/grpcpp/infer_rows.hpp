#pragma once
// A ModelInfer request's input tensors from the JSON rows the payload generators write (one object, or an
// array of objects for a batch): each field is one tensor named after it, of shape [values], its values
// the rows' in order. Numbers go as the scenario says (FP64 by default), strings as BYTES, booleans as
// BOOL; a tensor whose rows disagree (an invalid row's "57" among numbers) goes as BYTES, every value
// written as its text, so the server sees what the payload said and refuses it for what it is.
//
// One per user: the parser, the padded copy of the text and the request's tensors (with their contents)
// are reused, so a warm user fills its request without allocating (InferRows.AWarmWriteAllocatesNothing).
#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cicada/grpc.hpp"
#include "grpc_oip/inference.pb.h"

namespace cicada::grpc_client {

class InferRows {
 public:
  // Replaces request's inputs. Returns "" or why the text is no set of rows (the call then fails with it).
  std::string_view write(std::string_view rows_json, TensorType numbers_as,
                         inference::ModelInferRequest& request);

 private:
  enum class Kind { kNone, kNumber, kString, kBool };
  bool write_row(simdjson::ondemand::object row, TensorType numbers_as,
                 inference::ModelInferRequest& request);
  bool fail(std::string_view what, std::string_view detail = {});
  static void reset(inference::ModelInferRequest::InferInputTensor& tensor, std::string_view name);

  simdjson::ondemand::parser parser_;
  std::string padded_;
  std::vector<Kind> kinds_;  // per input tensor: what its values are so far
  int used_ = 0;             // the request's first used_ tensors are this call's
  // Tensors a call with fewer fields gave back, kept whole (contents and all) for a later call.
  std::vector<std::unique_ptr<inference::ModelInferRequest::InferInputTensor>> spare_;
  std::string error_;
};

}  // namespace cicada::grpc_client
