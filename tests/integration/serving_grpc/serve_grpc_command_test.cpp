// The built `cicada-model serve --grpc-port 0`: prints the gRPC address beside the REST one, answers
// ModelInfer from a real grpc++ client, counts the call in the REST port's /metrics, and still stops on
// SIGTERM with exit 0. Skipped when the binary is not built in this tree.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "grpc_oip/inference.grpc.pb.h"
#include "grpc_oip/plain_client.hpp"
#include "model_api_fixture.hpp"
#include "support/child_process.hpp"

namespace cicada::serving::test {
namespace {

using namespace std::chrono_literals;

TEST(ServeGrpcCommand, ServesGrpcBesideRestAndCountsItInMetrics) {
  const auto model_app = testing::binary("apps/cicada-model/cicada-model");
  if (!std::filesystem::exists(model_app)) GTEST_SKIP() << "not built: " << model_app;
  testing::TempDir dir;
  const auto model_dir = dir.path() / "model";
  testing::ChildProcess train({model_app.string(), "train", "--data",
                               testing::source("data/heart-disease.csv"), "--out", model_dir.string()});
  ASSERT_EQ(train.wait(60s), 0) << train.err();

  testing::ChildProcess serve({model_app.string(), "serve", "--model", model_dir.string(), "--port", "0",
                               "--grpc-port", "0", "--threads", "1"});
  auto out = serve.wait_for_output("over gRPC on", 20s);
  ASSERT_TRUE(out) << serve.out() << serve.err();
  std::smatch rest, grpc_at;
  ASSERT_TRUE(std::regex_search(*out, rest, std::regex("on http://127\\.0\\.0\\.1:(\\d+)"))) << *out;
  ASSERT_TRUE(std::regex_search(*out, grpc_at, std::regex("over gRPC on (127\\.0\\.0\\.1:\\d+)"))) << *out;

  auto stub = grpc_oip::plain_stub(grpc_at[1].str());
  const auto request = grpc_oip::one_row_request("heart-disease", payload_row(), /*int64=*/true);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  inference::ModelInferResponse response;
  auto status = stub->ModelInfer(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.outputs_size(), 2);

  const auto port = static_cast<std::uint16_t>(std::stoi(rest[1].str()));
  std::string metrics;
  // Counted once the answer is written, a moment after the client has it: poll for up to ~10 s.
  for (int i = 0; i < 500 && metrics.find("infer\",code=\"200\"} 1") == std::string::npos; ++i) {
    if (i > 0) std::this_thread::sleep_for(20ms);
    auto r = cicada::test::round_trip(port, cicada::test::make_request("GET", "/metrics"));
    ASSERT_TRUE(r);
    metrics = r->body;
  }
  EXPECT_NE(metrics.find(R"(route="/v2/models/heart-disease/infer",code="200"} 1)"), std::string::npos)
      << metrics;

  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(20s), 0) << serve.err();
}

}  // namespace
}  // namespace cicada::serving::test
