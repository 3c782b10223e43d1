#include "grpc_client/grpcpp/infer_rows.hpp"

#include <charconv>

namespace cicada::grpc_client {

namespace {

const char* datatype_of(TensorType type) {
  switch (type) {
    case TensorType::kFp64:
      return "FP64";
    case TensorType::kFp32:
      return "FP32";
    case TensorType::kInt64:
      return "INT64";
    case TensorType::kInt32:
      return "INT32";
  }
  return "FP64";
}

void add_number(inference::InferTensorContents& contents, TensorType type, double value) {
  switch (type) {
    case TensorType::kFp64:
      contents.add_fp64_contents(value);
      break;
    case TensorType::kFp32:
      contents.add_fp32_contents(static_cast<float>(value));
      break;
    case TensorType::kInt64:
      contents.add_int64_contents(static_cast<std::int64_t>(value));
      break;
    case TensorType::kInt32:
      contents.add_int_contents(static_cast<std::int32_t>(value));
      break;
  }
}

std::string number_text(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

// Rewrites a tensor's values so far as BYTES (their text): the rare path of rows that disagree.
void to_bytes(inference::ModelInferRequest::InferInputTensor& tensor) {
  auto& c = *tensor.mutable_contents();
  inference::InferTensorContents bytes;
  for (double v : c.fp64_contents()) bytes.add_bytes_contents(number_text(v));
  for (float v : c.fp32_contents()) bytes.add_bytes_contents(number_text(v));
  for (auto v : c.int64_contents()) bytes.add_bytes_contents(std::to_string(v));
  for (auto v : c.int_contents()) bytes.add_bytes_contents(std::to_string(v));
  for (bool v : c.bool_contents()) bytes.add_bytes_contents(v ? "true" : "false");
  for (const auto& v : c.bytes_contents()) bytes.add_bytes_contents(v);
  c.Swap(&bytes);
  tensor.set_datatype("BYTES");
}

}  // namespace

// A tensor of an earlier call made this call's, its storage kept. (A generated Clear() would free the
// contents message, which the next value would allocate again.)
void InferRows::reset(inference::ModelInferRequest::InferInputTensor& tensor, std::string_view name) {
  tensor.set_name(name.data(), name.size());
  tensor.clear_shape();
  auto& c = *tensor.mutable_contents();
  c.clear_bool_contents();
  c.clear_int_contents();
  c.clear_int64_contents();
  c.clear_uint_contents();
  c.clear_uint64_contents();
  c.clear_fp32_contents();
  c.clear_fp64_contents();
  c.clear_bytes_contents();
}

bool InferRows::fail(std::string_view what, std::string_view detail) {
  error_.assign("payload is no tensor input: ");
  error_.append(what);
  error_.append(detail);
  return false;
}

bool InferRows::write_row(simdjson::ondemand::object row, TensorType numbers_as,
                          inference::ModelInferRequest& request) {
  for (auto field : row) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return fail("not valid JSON");
    int index = 0;
    while (index < used_ && request.inputs(index).name() != key) ++index;
    if (index == used_) {
      if (used_ == request.inputs_size()) {
        if (spare_.empty()) {
          request.add_inputs();
        } else {
          request.mutable_inputs()->AddAllocated(spare_.back().release());
          spare_.pop_back();
        }
      }
      reset(*request.mutable_inputs(used_), key);
      ++used_;
      kinds_.push_back(Kind::kNone);
    }
    auto& tensor = *request.mutable_inputs(index);
    auto& contents = *tensor.mutable_contents();
    Kind& kind = kinds_[static_cast<std::size_t>(index)];
    simdjson::ondemand::value value;
    simdjson::ondemand::json_type type;
    if (field.value().get(value) || value.type().get(type)) return fail("not valid JSON");
    Kind now = Kind::kNone;
    if (type == simdjson::ondemand::json_type::number) {
      double number = 0;
      if (value.get_double().get(number)) return fail("not valid JSON");
      now = Kind::kNumber;
      if (kind == Kind::kNone || kind == Kind::kNumber)
        add_number(contents, numbers_as, number);
      else
        contents.add_bytes_contents(number_text(number));
    } else if (type == simdjson::ondemand::json_type::string) {
      std::string_view text;
      if (value.get_string().get(text)) return fail("not valid JSON");
      now = Kind::kString;
      if (kind != Kind::kNone && kind != Kind::kString) to_bytes(tensor);
      contents.add_bytes_contents(text.data(), text.size());
    } else if (type == simdjson::ondemand::json_type::boolean) {
      bool flag = false;
      if (value.get_bool().get(flag)) return fail("not valid JSON");
      now = Kind::kBool;
      if (kind == Kind::kNone || kind == Kind::kBool)
        contents.add_bool_contents(flag);
      else
        contents.add_bytes_contents(flag ? "true" : "false");
    } else {
      return fail(key, ": null, objects and arrays are no tensor values");
    }
    if (kind == Kind::kNone) {
      kind = now;
      tensor.set_datatype(now == Kind::kNumber   ? datatype_of(numbers_as)
                          : now == Kind::kString ? "BYTES"
                                                 : "BOOL");
    } else if (kind != now && tensor.datatype() != "BYTES") {
      to_bytes(tensor);
    }
    if (kind != now) kind = Kind::kString;
  }
  return true;
}

std::string_view InferRows::write(std::string_view rows_json, TensorType numbers_as,
                                  inference::ModelInferRequest& request) {
  used_ = 0;
  kinds_.clear();
  error_.clear();
  padded_.reserve(rows_json.size() + simdjson::SIMDJSON_PADDING);
  padded_.assign(rows_json);
  simdjson::ondemand::document doc;
  simdjson::ondemand::json_type type;
  if (parser_.iterate(padded_.data(), padded_.size(), padded_.capacity()).get(doc) || doc.type().get(type)) {
    fail("not valid JSON");
    return error_;
  }
  bool ok = true;
  if (type == simdjson::ondemand::json_type::object) {
    simdjson::ondemand::object row;
    ok = !doc.get_object().get(row) && write_row(row, numbers_as, request);
  } else if (type == simdjson::ondemand::json_type::array) {
    simdjson::ondemand::array rows;
    ok = !doc.get_array().get(rows);
    for (auto element : rows) {
      if (!ok) break;
      simdjson::ondemand::object row;
      ok = (!element.get_object().get(row) || fail("a batch is an array of objects")) &&
           write_row(row, numbers_as, request);
    }
  } else {
    fail("a JSON object (one row) or an array of objects (a batch)");
    return error_;
  }
  // Tensors past this call's fields go to the spares, whole: the next call with more fields takes them back.
  while (request.inputs_size() > used_) spare_.emplace_back(request.mutable_inputs()->ReleaseLast());
  if (!ok && error_.empty()) fail("not valid JSON");
  if (error_.empty() && used_ == 0) fail("no fields");
  if (!error_.empty()) return error_;
  for (auto& tensor : *request.mutable_inputs()) {
    const auto& c = tensor.contents();
    const int values = c.fp64_contents_size() + c.fp32_contents_size() + c.int64_contents_size() +
                       c.int_contents_size() + c.bool_contents_size() + c.bytes_contents_size();
    tensor.clear_shape();
    tensor.add_shape(values);
  }
  return {};
}

}  // namespace cicada::grpc_client
