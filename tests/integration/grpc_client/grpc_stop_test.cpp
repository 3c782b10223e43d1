// Stopping a run (LocalRunner, the engine's loops; closed and open model) while every user's gRPC call is
// held by a server that never answers: the run ends at once instead of waiting for a deadline, each call is
// cancelled (the server sees it go) and counted unanswered exactly once, none is recorded as a request, and
// nothing touches a user, client, shard or loop after it is gone (run under ASan: scripts/test-asan.sh).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/clock.hpp"
#include "grpc_oip/inference.grpc.pb.h"
#include "runner/local_runner.hpp"
#include "runner/stages.hpp"

namespace {

using namespace std::chrono_literals;

// Holds every ModelInfer until its client cancels it (or 30 s, a bound for a broken client): a server
// that never answers. Counts the calls it holds and those it saw cancelled.
class HoldingService final : public inference::GRPCInferenceService::Service {
 public:
  grpc::Status ModelInfer(grpc::ServerContext* context, const inference::ModelInferRequest*,
                          inference::ModelInferResponse*) override {
    held.fetch_add(1);
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (!context->IsCancelled() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(2ms);
    if (context->IsCancelled()) cancelled.fetch_add(1);
    held.fetch_sub(1);
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "held until the end");
  }
  std::atomic<int> held{0}, cancelled{0};
};

class GrpcStop : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    // One handler thread per held call at least (the sync server's default pool may be smaller).
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
    builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 16);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ && port_ > 0);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + 1s);
  }

  void stop_while_held(cicada::runner::RunOptions o, int calls);

  HoldingService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

cicada::Scenario infer_forever() {
  cicada::TaskSpec task;
  task.name = "infer";
  task.fn = [](cicada::User& u) -> cicada::Task<> { co_await u.grpc().model_infer("m", R"({"x":1})"); };
  cicada::UserType type;
  type.name = "U";
  type.tasks.push_back(std::move(task));
  type.wait_time = cicada::WaitTime::constant(0);
  cicada::Scenario s;
  s.source = "grpc_stop_test";
  s.user_types.push_back(std::move(type));
  return s;
}

// Runs `o` against the holding server until it holds `calls` calls, stops the run (no stop timeout) and
// checks the ending: at once, every call cancelled at the server and counted unanswered once.
void GrpcStop::stop_while_held(cicada::runner::RunOptions o, int calls) {
  o.host = "grpc://127.0.0.1:" + std::to_string(port_);
  o.run_time = 60s;  // a bound only: the test stops the run
  o.threads = 2;     // two loops, two channel caches
  o.seed = 7;
  o.request_timeout = 60s;  // no deadline ends a call before the stop
  o.stop_timeout = 0s;      // Locust's default: stop at once, cutting the calls in flight
  cicada::runner::LocalRunner runner(infer_forever(), o);
  ASSERT_TRUE(runner.prepare().ok());

  cicada::MonoTime stop_asked{};
  std::thread stopper([&] {
    // Once the server holds every call (or 20 s, a bound for a broken client), stop the run.
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (service_.held.load() < calls && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(5ms);
    stop_asked = cicada::mono_now();
    runner.stop();
  });
  runner.run([](const cicada::stats::Snapshot&) {});
  const cicada::MonoTime ended = cicada::mono_now();
  stopper.join();
  const auto stopped_in = ended - stop_asked;

  ASSERT_EQ(service_.cancelled.load() + service_.held.load(), calls) << "the server held every call";
  // The run did not wait for the calls (they would have been held 30 s, and their deadline is 60 s).
  EXPECT_LT(stopped_in, 10s);
  const auto snapshot = runner.snapshot();
  ASSERT_NE(snapshot, nullptr);
  EXPECT_EQ(snapshot->unanswered_requests, static_cast<std::uint64_t>(calls));
  EXPECT_EQ(snapshot->total.num_requests, 0u) << "a cancelled call is not a request answered";
  EXPECT_EQ(snapshot->total.num_failures, 0u);
  // Each call was cancelled on the wire, not left running at the server.
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (service_.cancelled.load() < calls && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(service_.cancelled.load(), calls);
}

TEST_F(GrpcStop, StoppingWhileEveryCallIsHeldCancelsThemAndCountsEachUnansweredOnce) {
  cicada::runner::RunOptions o;
  o.users = 4;
  o.spawn_rate = 1000;
  stop_while_held(o, 4);
}

// The open model: iterations on slots of the arrival executor, which the engine frees apart from users.
TEST_F(GrpcStop, AnOpenModelStoppedWhileItsIterationsAreHeldCancelsThemToo) {
  cicada::runner::RunOptions o;
  o.shape = cicada::runner::constant_rate_shape(50);
  o.max_inflight = 4;  // four iterations held; the later ones wait for a slot and are dropped at the stop
  stop_while_held(o, 4);
}

}  // namespace
