// cicada and cicada-model built without gRPC: a YAML scenario with a gRPC request is refused before the
// run starts (a usage error naming the request and what to install), and so is `serve --grpc-port`;
// nothing is sent and no run pretends to have measured anything.
#include <gtest/gtest.h>

#include <fstream>

#include "support/child_process.hpp"

using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::source;
using cicada::testing::TempDir;

TEST(GrpcAbsent, AYamlGrpcRequestIsRefusedAtStartSayingWhatToInstall) {
  TempDir dir;
  std::ofstream(dir.path() / "live.yaml")
      << "user_types:\n  U:\n    tasks:\n      live:\n        requests:\n          - grpc: ServerLive\n";
  ChildProcess run({binary("apps/cicada/cicada").string(), "-f", "live.yaml", "--host", "grpc://127.0.0.1:9",
                    "--headless", "-u", "1", "-r", "1", "-t", "2s", "--csv", "out"},
                   dir.path());
  EXPECT_EQ(run.wait(60s), 2) << run.out() << run.err();
  EXPECT_NE(run.err().find("live.yaml: a gRPC request (inference.GRPCInferenceService/ServerLive)"),
            std::string::npos)
      << run.err();
  EXPECT_NE(run.err().find("built without gRPC (install libgrpc++-dev and protobuf-compiler-grpc"),
            std::string::npos)
      << run.err();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out_stats.csv")) << "no run was started";
}

TEST(GrpcAbsent, ServeRefusesAGrpcPort) {
  TempDir dir;
  const auto model_app = binary("apps/cicada-model/cicada-model").string();
  ChildProcess train({model_app, "train", "--data", source("data/heart-disease.csv").string(), "--out",
                      (dir.path() / "model").string()});
  ASSERT_EQ(train.wait(120s), 0) << train.err();
  ChildProcess serve(
      {model_app, "serve", "--model", (dir.path() / "model").string(), "--port", "0", "--grpc-port", "0"});
  EXPECT_EQ(serve.wait(60s), 2) << serve.out() << serve.err();
  EXPECT_NE(serve.err().find("--grpc-port: this build has no gRPC"), std::string::npos) << serve.err();
}
