#pragma once
// What one YAML request turns into at load time: everything that can be computed once is (query
// encoding, JSON bodies, header views), so a task only draws its payload and awaits the client.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cicada/grpc.hpp"
#include "cicada/http_client.hpp"
#include "scenario/checks.hpp"
#include "scenario/payload_generator.hpp"

namespace cicada::scenario {

// One `check: {outputs: {NAME: {...}}}` entry of a ModelInfer request, owning what GrpcOutputCheck views.
struct GrpcOutputCheckValues {
  std::string name;
  std::string datatype;                        // empty: any
  std::vector<std::int64_t> shape;             // empty: any; -1: a dimension of any size
  std::optional<double> min, max;              // `range: [min, max]`
  std::vector<std::string> one_of;             // `one_of: [a, b]` (BYTES values)
  std::vector<std::string_view> one_of_views;  // views of one_of; rebuilt by finalize
};

// A gRPC request (`grpc: ModelInfer`, yaml_grpc.hpp): what RequestPlan's HTTP fields do not say.
struct GrpcPlan {
  OipCall call = OipCall::kModelInfer;
  std::string model;    // ModelReady, ModelMetadata, ModelInfer
  std::string version;  // `version:`; empty: the server's choice
  std::string target;   // `target:` host:port; empty: the user's host
  TensorType numbers_as = TensorType::kFp64;
  int rows = 1;                    // ModelInfer with a payload: rows drawn per call (a batch when > 1)
  std::vector<GrpcStatus> expect;  // `check: {status: ...}`; empty: OK
  std::vector<GrpcOutputCheckValues> output_values;  // `check: {outputs: ...}`, in the file's order
  std::vector<GrpcOutputCheck> outputs;              // views of output_values; rebuilt by finalize
};

struct RequestPlan {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path with its encoded query
  std::string name;    // stats entry name; empty: the path
  std::vector<std::pair<std::string, std::string>> header_values;
  std::string content_type;  // from the body kind, or a Content-Type header
  std::string body;          // constant body (`json:` or `body:`), used when payload is empty
  std::shared_ptr<const PayloadGenerator> payload;  // a fresh body per request
  std::optional<Checks> checks;                     // present: catch_response and these checks
  std::chrono::milliseconds timeout{0};             // `timeout:`; zero: the run's --request-timeout
  bool follow_redirects = true;                     // `allow_redirects:`
  std::string stream_tokens;  // `stream_tokens:` as TokenCounting::text(); empty: the run's --stream-tokens
  // Present: a gRPC call (method "grpc", target its entry name); the rows come from payload or body.
  std::optional<GrpcPlan> grpc;

  std::vector<Header> headers;  // views of header_values; rebuilt by RequestSequence::finalize
};

// The requests of one task (or of on_start / on_stop), sent in order by one user.
struct RequestSequence {
  std::vector<RequestPlan> requests;

  // Points the header views at their final storage. Call once the sequence will no longer move.
  void finalize() {
    for (auto& r : requests) {
      r.headers.clear();
      for (const auto& [name, value] : r.header_values) r.headers.push_back(Header{name, value});
      if (!r.grpc) continue;
      r.grpc->outputs.clear();
      for (auto& o : r.grpc->output_values) {
        o.one_of_views.assign(o.one_of.begin(), o.one_of.end());
        r.grpc->outputs.push_back(GrpcOutputCheck{o.name, o.datatype, o.shape, o.min, o.max, o.one_of_views});
      }
    }
  }
};

}  // namespace cicada::scenario
