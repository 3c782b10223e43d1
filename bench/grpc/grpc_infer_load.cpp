// A minimal closed-loop gRPC load client for the benchmark (bench/grpc/run.sh): one thread, one
// completion queue, `--concurrency` ModelInfer calls always outstanding, each answered call replaced by a
// new one until `--seconds` pass. It stands in for ghz (not packaged by Debian) as the reference of what
// a plain grpc++ async client costs per call.
//
//   bench_grpc_infer_load --target 127.0.0.1:PORT [--concurrency 16] [--seconds 8]
// Prints one line: "calls OK_CALLS errors ERRORS seconds S" (errors: any status but OK).
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "grpc_oip/inference.grpc.pb.h"
#include "grpc_oip/plain_client.hpp"

namespace {

struct Call {
  grpc::ClientContext context;
  inference::ModelInferResponse response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<inference::ModelInferResponse>> reader;
};

// data/payload.json as one row of FP64 tensors.
inference::ModelInferRequest payload_request() {
  const std::pair<const char*, double> row[] = {
      {"sex", 0},       {"cp", 1},    {"restecg", 0},    {"ca", 1},     {"slope", 1},
      {"thal", 2},      {"age", 57},  {"trestbps", 130}, {"chol", 236}, {"fbs", 0},
      {"thalach", 174}, {"exang", 0}, {"oldpeak", 0}};
  return cicada::grpc_oip::one_row_request("heart-disease", row);
}

}  // namespace

int main(int argc, char** argv) {
  std::string target;
  int concurrency = 16;
  double seconds = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--target") == 0) target = argv[i + 1];
    if (std::strcmp(argv[i], "--concurrency") == 0) concurrency = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::stod(argv[i + 1]);
  }
  if (target.empty() || concurrency < 1 || seconds <= 0) {
    std::fprintf(stderr, "usage: %s --target HOST:PORT [--concurrency N] [--seconds S]\n", argv[0]);
    return 2;
  }
  auto stub = cicada::grpc_oip::plain_stub(target);
  const inference::ModelInferRequest request = payload_request();
  grpc::CompletionQueue queue;
  std::vector<std::unique_ptr<Call>> slots(static_cast<std::size_t>(concurrency));
  auto start = [&](std::size_t slot) {
    slots[slot] = std::make_unique<Call>();
    Call& call = *slots[slot];
    call.reader = stub->PrepareAsyncModelInfer(&call.context, request, &queue);
    call.reader->StartCall();
    call.reader->Finish(&call.response, &call.status, reinterpret_cast<void*>(slot));
  };
  const auto began = std::chrono::steady_clock::now();
  const auto until = began + std::chrono::duration<double>(seconds);
  for (std::size_t s = 0; s < slots.size(); ++s) start(s);
  std::uint64_t ok_calls = 0, errors = 0;
  std::size_t outstanding = slots.size();
  void* tag = nullptr;
  bool ok = false;
  while (outstanding > 0 && queue.Next(&tag, &ok)) {
    const auto slot = reinterpret_cast<std::size_t>(tag);
    if (ok && slots[slot]->status.ok())
      ++ok_calls;
    else
      ++errors;
    if (std::chrono::steady_clock::now() < until)
      start(slot);
    else
      --outstanding;
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf("calls %llu errors %llu seconds %.3f\n", static_cast<unsigned long long>(ok_calls),
              static_cast<unsigned long long>(errors), took);
  return ok_calls > 0 ? 0 : 1;  // a benchmark that measured nothing fails loudly
}
