// A warm user fills its ModelInfer request without allocating, whatever mix of rows it draws (valid, a
// field dropped, a batch): the tensors and their contents are reused, not cleared away. Global operator
// new is counted in this test binary only (tests/support/counting_new.hpp).
#include <gtest/gtest.h>

#include "grpc_client/grpcpp/infer_rows.hpp"
#include "support/counting_new.hpp"

namespace cicada::grpc_client {
namespace {

using ::cicada::test::counting_new::allocations;
using ::cicada::test::counting_new::counting;

constexpr std::string_view kRows[] = {
    R"({"sex":1,"cp":0,"age":57,"chol":236,"oldpeak":1.5})",
    R"({"sex":0,"age":41,"chol":204,"oldpeak":1.4})",           // drop_field: one tensor fewer
    R"({"sex":0,"cp":"2","age":41,"chol":204,"oldpeak":1.4})",  // wrong_type: cp is a string
    R"([{"sex":1,"cp":0,"age":57,"chol":236,"oldpeak":1.5},{"sex":0,"cp":3,"age":62,"chol":268,"oldpeak":3.6}])",
};

TEST(InferRows, AWarmWriteAllocatesNothing) {
  InferRows rows;
  inference::ModelInferRequest request;
  for (int warm = 0; warm < 2; ++warm) {
    for (auto text : kRows) ASSERT_EQ(rows.write(text, TensorType::kFp64, request), "") << text;
  }
  allocations = 0;
  counting = true;
  for (int round = 0; round < 50; ++round) {
    for (auto text : kRows) {
      if (!rows.write(text, TensorType::kFp64, request).empty()) break;
    }
  }
  counting = false;
  EXPECT_EQ(allocations.load(), 0u);
  EXPECT_EQ(request.inputs_size(), 5);  // the last write, the batch: its five tensors and no others
  EXPECT_EQ(request.inputs(0).shape(0), 2);
}

TEST(InferRows, TheCounterSeesAnAllocation) {
  allocations = 0;
  counting = true;
  InferRows rows;
  inference::ModelInferRequest request;
  ASSERT_EQ(rows.write(kRows[0], TensorType::kFp64, request), "");
  counting = false;
  EXPECT_GE(allocations.load(), 1u);
}

}  // namespace
}  // namespace cicada::grpc_client
