#pragma once
// Test hooks around a gRPC call's completion (UserGrpcClient::State::complete and resume). gRPC's callback
// posts the completion to the loop and then counts the call, its last touch of the user's state; the loop
// must not resume the user before that count, since a resumed user may end and free its client at once
// (fixed in 01dc177: grpc++ crashed about 1 run in 10). The window between the post and the count is a
// few instructions wide; a test holds gRPC's callback in it (after_post) until the loop runs the
// completion (completion_runs) to make the race happen every time. Null outside tests: one relaxed load
// per call each.
#include <atomic>
#include <cstdint>

namespace cicada::grpc_client::completion_hooks {

// gRPC's thread: after posting call `seq`'s completion, before counting it.
extern std::atomic<void (*)(std::uint64_t seq)> after_post;
// The loop's thread: as it starts running call `seq`'s completion, before waiting for the count.
extern std::atomic<void (*)(std::uint64_t seq)> completion_runs;

}  // namespace cicada::grpc_client::completion_hooks
