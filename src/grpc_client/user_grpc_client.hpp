#pragma once
// UserGrpcClient: the load generator's gRPC client, one per simulated user (cicada::GrpcClient), with the
// OIP v2 inference service built in.
//
// The bridge to the user's coroutine (grpc++'s callback API): a call is started on the user's event loop
// thread; gRPC completes it on one of its own threads, whose callback only stores the status and posts
// the resumption to the user's io_context; the record is made there, on the loop's thread, into the
// loop's RequestSink, like an HTTP request's. gRPC's completion-queue API would need a thread of ours
// polling each queue (or a busy poll from the loop); the callback API keeps every Asio loop as it is.
//
// Due times come from the user's HTTP client (take_due/note_request_end), so an arrival-rate iteration
// mixing HTTP and gRPC requests is measured from its schedule all the same.
//
// Allocation: our side reuses the user's request and response messages and tensors (cleared protobuf
// messages keep their storage), and the JSON parser; per call it constructs a grpc::ClientContext in
// place. grpc++ itself allocates on every call (its call arena, metadata, the serialized message's
// slices), and Asio allocates the posted completion because it is posted from a thread that is not the
// loop's; neither is ours to avoid short of another gRPC implementation, so the gRPC path is not under
// the zero-allocation test (the HTTP path is). No lock on our side either: gRPC's own threads take theirs.
#include <memory>
#include <string_view>

#include "cicada/grpc.hpp"
#include "grpc_client/channel_cache.hpp"
#include "http/client/user_http_client.hpp"

namespace cicada::grpc_client {

// Whether this build speaks gRPC (Debian's libgrpc++-dev and protobuf-compiler-grpc were found). Without
// it every call fails with kNotBuiltIn, and the YAML loader refuses a gRPC request up front.
bool built_in();
inline constexpr std::string_view kNotBuiltIn =
    "this cicada was built without gRPC (install libgrpc++-dev and protobuf-compiler-grpc, then rebuild)";

class UserGrpcClient final : public GrpcClient {
 public:
  // channels: the loop's; clock: the same user's HTTP client (due times, the loop, the sink, the run's
  // host and request timeout).
  UserGrpcClient(ChannelCache& channels, http::UserHttpClient& clock);
  // A call still waiting (the test ended) is cancelled and reported to the sink as unanswered; this waits
  // for gRPC's callback, so nothing posts to the loop after the user is gone.
  ~UserGrpcClient() override;
  UserGrpcClient(const UserGrpcClient&) = delete;
  UserGrpcClient& operator=(const UserGrpcClient&) = delete;

  Task<GrpcResult> call(OipCall call, std::string_view model, std::string_view rows_json,
                        GrpcOptions options) override;
  // The run stops the user mid-task (cicada::UserKilled, as UserHttpClient::kill): a call in flight is
  // cancelled, counted as unanswered, and throws UserKilled where the user waits. On the user's loop.
  void kill();

  struct State;

 private:
  ChannelCache& channels_;
  http::UserHttpClient& clock_;
  // Made at the first call: most users never call gRPC, and the state (its message buffers) cost every
  // user 1.8 KB (issue 19, memory per user). Shared with a posted completion that may outlive this client.
  std::shared_ptr<State> state_;
};

}  // namespace cicada::grpc_client
