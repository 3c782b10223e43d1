// The payload generators' JSON rows as ModelInfer input tensors (grpc_client/grpcpp/infer_rows.hpp), and
// the target a user's host names (grpc_target.hpp).
#include "grpc_client/grpcpp/infer_rows.hpp"

#include <gtest/gtest.h>

#include "grpc_client/grpc_target.hpp"

namespace cicada::grpc_client {
namespace {

const inference::ModelInferRequest::InferInputTensor* tensor(const inference::ModelInferRequest& r,
                                                             std::string_view name) {
  for (const auto& t : r.inputs()) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

TEST(InferRows, OneObjectIsOneRowOfFp64Tensors) {
  InferRows rows;
  inference::ModelInferRequest request;
  ASSERT_EQ(rows.write(R"({"age":57,"oldpeak":1.5})", TensorType::kFp64, request), "");
  ASSERT_EQ(request.inputs_size(), 2);
  const auto* age = tensor(request, "age");
  ASSERT_NE(age, nullptr);
  EXPECT_EQ(age->datatype(), "FP64");
  ASSERT_EQ(age->shape_size(), 1);
  EXPECT_EQ(age->shape(0), 1);
  ASSERT_EQ(age->contents().fp64_contents_size(), 1);
  EXPECT_EQ(age->contents().fp64_contents(0), 57.0);
  EXPECT_EQ(tensor(request, "oldpeak")->contents().fp64_contents(0), 1.5);
}

TEST(InferRows, AnArrayIsABatchWithValuesInRowOrder) {
  InferRows rows;
  inference::ModelInferRequest request;
  ASSERT_EQ(rows.write(R"([{"a":1,"b":2},{"a":3,"b":4},{"a":5,"b":6}])", TensorType::kInt64, request), "");
  ASSERT_EQ(request.inputs_size(), 2);
  const auto* a = tensor(request, "a");
  EXPECT_EQ(a->datatype(), "INT64");
  EXPECT_EQ(a->shape(0), 3);
  ASSERT_EQ(a->contents().int64_contents_size(), 3);
  EXPECT_EQ(a->contents().int64_contents(2), 5);
  EXPECT_EQ(tensor(request, "b")->contents().int64_contents(1), 4);
}

TEST(InferRows, StringsAreBytesAndRowsThatDisagreeMakeTheTensorBytes) {
  InferRows rows;
  inference::ModelInferRequest request;
  // wrong_type's "57" in the second row of a batch whose first row has a number.
  ASSERT_EQ(rows.write(R"([{"age":40,"ok":true},{"age":"57","ok":false}])", TensorType::kFp64, request), "");
  const auto* age = tensor(request, "age");
  EXPECT_EQ(age->datatype(), "BYTES");
  ASSERT_EQ(age->contents().bytes_contents_size(), 2);
  EXPECT_EQ(age->contents().bytes_contents(0), "40");
  EXPECT_EQ(age->contents().bytes_contents(1), "57");
  EXPECT_EQ(age->contents().fp64_contents_size(), 0);
  EXPECT_EQ(age->shape(0), 2);
  const auto* ok = tensor(request, "ok");
  EXPECT_EQ(ok->datatype(), "BOOL");
  ASSERT_EQ(ok->contents().bool_contents_size(), 2);
  EXPECT_FALSE(ok->contents().bool_contents(1));
}

TEST(InferRows, AFieldMissingFromOneRowLeavesItsTensorShort) {
  InferRows rows;
  inference::ModelInferRequest request;
  ASSERT_EQ(rows.write(R"([{"a":1,"b":2},{"a":3}])", TensorType::kFp64, request), "");
  EXPECT_EQ(tensor(request, "a")->shape(0), 2);
  EXPECT_EQ(tensor(request, "b")->shape(0), 1);  // the server refuses the mismatch, naming b
}

TEST(InferRows, TextThatIsNoRowsIsRefusedWithAReason) {
  InferRows rows;
  inference::ModelInferRequest request;
  EXPECT_EQ(rows.write(R"({"a":1,"b":)", TensorType::kFp64, request),
            "payload is no tensor input: not valid JSON");
  EXPECT_EQ(rows.write("42", TensorType::kFp64, request),
            "payload is no tensor input: a JSON object (one row) or an array of objects (a batch)");
  EXPECT_EQ(rows.write(R"([1,2])", TensorType::kFp64, request),
            "payload is no tensor input: a batch is an array of objects");
  EXPECT_EQ(rows.write(R"({"a":{"x":1}})", TensorType::kFp64, request),
            "payload is no tensor input: a: null, objects and arrays are no tensor values");
  EXPECT_EQ(rows.write("{}", TensorType::kFp64, request), "payload is no tensor input: no fields");
}

TEST(InferRows, AReusedRequestHoldsOnlyTheLatestRows) {
  InferRows rows;
  inference::ModelInferRequest request;
  ASSERT_EQ(rows.write(R"({"a":1,"b":2,"c":3})", TensorType::kFp64, request), "");
  ASSERT_EQ(rows.write(R"({"b":7})", TensorType::kFp32, request), "");
  ASSERT_EQ(request.inputs_size(), 1);
  EXPECT_EQ(request.inputs(0).name(), "b");
  EXPECT_EQ(request.inputs(0).datatype(), "FP32");
  ASSERT_EQ(request.inputs(0).contents().fp32_contents_size(), 1);
  EXPECT_EQ(request.inputs(0).contents().fp64_contents_size(), 0);
  EXPECT_EQ(request.inputs(0).shape_size(), 1);
}

TEST(GrpcTarget, SchemesSayPlainOrTlsAndPathsAreDropped) {
  auto t = parse_grpc_target("grpc://127.0.0.1:8001");
  EXPECT_EQ(t.address, "127.0.0.1:8001");
  EXPECT_FALSE(t.tls);
  t = parse_grpc_target("http://localhost:8001/v2");
  EXPECT_EQ(t.address, "localhost:8001");
  EXPECT_FALSE(t.tls);
  t = parse_grpc_target("grpcs://model.example:443");
  EXPECT_EQ(t.address, "model.example:443");
  EXPECT_TRUE(t.tls);
  EXPECT_TRUE(parse_grpc_target("https://h:1").tls);
  EXPECT_EQ(parse_grpc_target("10.0.0.1:9").address, "10.0.0.1:9");
  EXPECT_EQ(parse_grpc_target("grpc://").address, "");
}

}  // namespace
}  // namespace cicada::grpc_client
