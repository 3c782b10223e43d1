// The built `cicada-model serve --grpc-port 0`: prints the gRPC address beside the REST one, answers
// ModelInfer from a real grpc++ client, counts the call in the REST port's /metrics, and still stops on
// SIGTERM with exit 0; with --tls-cert/--tls-key the gRPC port is TLS too, loaded by cicada over grpcs://.
// Skipped when the binary is not built in this tree.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "grpc_oip/inference.grpc.pb.h"
#include "grpc_oip/plain_client.hpp"
#include "h2_frames.hpp"
#include "model_api_fixture.hpp"
#include "support/child_process.hpp"
#include "support/csv_rows.hpp"
#include "support/pem_files.hpp"

namespace cicada::serving::test {
namespace {

using namespace std::chrono_literals;

std::filesystem::path model_app() { return testing::binary("apps/cicada-model/cicada-model"); }

// A model trained into dir/model.
void train_into(const testing::TempDir& dir) {
  testing::ChildProcess train({model_app().string(), "train", "--data",
                               testing::source("data/heart-disease.csv"), "--out",
                               (dir.path() / "model").string()});
  ASSERT_EQ(train.wait(60s), 0) << train.err();
}

std::vector<std::string> serve_argv(const testing::TempDir& dir, std::vector<std::string> more = {}) {
  std::vector<std::string> argv{model_app().string(),
                                "serve",
                                "--model",
                                (dir.path() / "model").string(),
                                "--port",
                                "0",
                                "--grpc-port",
                                "0",
                                "--threads",
                                "1"};
  argv.insert(argv.end(), more.begin(), more.end());
  return argv;
}

TEST(ServeGrpcCommand, ServesGrpcBesideRestAndCountsItInMetrics) {
  if (!std::filesystem::exists(model_app())) GTEST_SKIP() << "not built: " << model_app();
  testing::TempDir dir;
  train_into(dir);

  testing::ChildProcess serve(serve_argv(dir));
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

TEST(ServeGrpcCommand, WithATlsCertificateTheGrpcPortIsTlsAndCicadaLoadsItOverGrpcs) {
  if (!std::filesystem::exists(model_app())) GTEST_SKIP() << "not built: " << model_app();
  testing::TempDir dir;
  train_into(dir);
  testing::make_self_signed_pem(dir, "DNS:localhost,IP:127.0.0.1");
  const std::string pem = (dir.path() / "self.pem").string();
  testing::ChildProcess serve(
      serve_argv(dir, {"--tls-cert", pem, "--tls-key", (dir.path() / "self.key").string(),
                       "--first-request-timeout", "1", "--request-timeout", "2"}));
  auto out = serve.wait_for_output("over gRPC on", 20s);
  ASSERT_TRUE(out) << serve.out() << serve.err();
  std::smatch grpc_at;
  ASSERT_TRUE(std::regex_search(*out, grpc_at,
                                std::regex("over gRPC on 127\\.0\\.0\\.1:(\\d+) with TLS \\(grpcs://")))
      << *out;
  const std::string address = "localhost:" + grpc_at[1].str();
  const auto request = grpc_oip::one_row_request("heart-disease", payload_row(), /*int64=*/true);
  auto call = [&](const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    auto stub = inference::GRPCInferenceService::NewStub(grpc::CreateChannel(address, credentials));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    inference::ModelInferResponse response;
    return stub->ModelInfer(&context, request, &response);
  };
  grpc::SslCredentialsOptions trust;
  trust.pem_root_certs = testing::read_file(pem);
  const auto over_tls = call(grpc::SslCredentials(trust));
  EXPECT_TRUE(over_tls.ok()) << over_tls.error_message();
  EXPECT_FALSE(call(grpc::InsecureChannelCredentials()).ok()) << "a plaintext call to the TLS port";

  // cicada over grpcs://, trusting the certificate: every call answered; without it, every call fails.
  auto load = [&](const std::string& csv, std::vector<std::string> trust_flags) {
    std::vector<std::string> args{"-f",         testing::source("examples/grpc-infer.yaml").string(),
                                  "--host",     "grpcs://" + address,
                                  "--headless", "-u",
                                  "2",          "-r",
                                  "2",          "-t",
                                  "2s",         "--csv",
                                  csv,          "--only-summary"};
    args.insert(args.end(), trust_flags.begin(), trust_flags.end());
    auto run = testing::start_cicada(args, dir.path());
    return std::make_pair(run->wait(60s), run->out() + run->err());
  };
  const auto [trusted_exit, trusted_log] = load("trusted", {"--ca-bundle", pem});
  EXPECT_EQ(trusted_exit, 0) << trusted_log;
  const auto stats = testing::read_csv(dir.path() / "trusted_stats.csv");
  const auto* infer = testing::find_row(stats, "grpc", "inference.GRPCInferenceService/ModelInfer");
  ASSERT_NE(infer, nullptr) << trusted_log;
  EXPECT_GT(std::stol((*infer)[2]), 0);
  EXPECT_EQ((*infer)[3], "0");
  const auto [untrusted_exit, untrusted_log] = load("untrusted", {});
  EXPECT_EQ(untrusted_exit, 1) << untrusted_log;

  // The REST port's timeouts bound the gRPC port's connections too (gRPC's own: a handshake may take
  // 120 s, and a connection with no call stays open for good): one that never starts its handshake is
  // closed after --first-request-timeout, one that speaks HTTP/2 and makes no call after --request-timeout.
  const auto grpc_port = static_cast<std::uint16_t>(std::stoi(grpc_at[1].str()));
  const auto connected = std::chrono::steady_clock::now();
  cicada::test::RawConnection silent(grpc_port);
  cicada::test::RawConnection no_call(grpc_port);
  ASSERT_TRUE(no_call.start_tls(pem, std::string_view("\x02h2")));
  ASSERT_TRUE(no_call.send(std::string(cicada::test::kH2Preface) + cicada::test::kH2EmptySettings));
  // Not before the timeouts, less gRPC's own slack: it dates a deadline from a clock reading it caches for a
  // batch of work, which can be a little older than the connect (a CI run saw 999.9 ms for 1 s).
  EXPECT_TRUE(silent.wait_closed(30s));
  EXPECT_GE(std::chrono::steady_clock::now() - connected, 900ms);
  EXPECT_TRUE(no_call.wait_closed(30s));
  EXPECT_GE(std::chrono::steady_clock::now() - connected, 1900ms);

  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(20s), 0) << serve.err();
}

}  // namespace
}  // namespace cicada::serving::test
