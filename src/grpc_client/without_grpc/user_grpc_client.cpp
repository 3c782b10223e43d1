// A build without gRPC (Debian's libgrpc++-dev or protobuf-compiler-grpc missing): the same types, and
// every call is a failure saying what to install. The YAML loader refuses gRPC requests before a run
// (built_in() is false), so this is only reached from a C++ scenario.
#include "grpc_client/user_grpc_client.hpp"

#include "base/clock.hpp"
#include "base/request_record.hpp"

namespace cicada::grpc_client {

struct ChannelCache::Impl {};
ChannelCache::ChannelCache() : impl_(std::make_unique<Impl>()) {}
ChannelCache::~ChannelCache() = default;

bool built_in() { return false; }

UserGrpcClient::UserGrpcClient(ChannelCache& channels, http::UserHttpClient& clock)
    : channels_(channels), clock_(clock) {}
UserGrpcClient::~UserGrpcClient() = default;
void UserGrpcClient::kill() {}  // no call is ever in flight

Task<GrpcResult> UserGrpcClient::call(OipCall call, std::string_view, std::string_view, GrpcOptions options) {
  const MonoTime sent = mono_now();
  const MonoTime due = clock_.take_due(sent);
  GrpcResult result;
  result.status = GrpcStatus::kUnimplemented;
  result.message = kNotBuiltIn;
  result.failed = true;
  RequestRecord record;
  record.method = "grpc";
  record.name = options.name.empty() ? oip_entry_name(call) : options.name;
  record.response_time_us = micros_between(due, sent);
  record.uncorrected_response_time_us = 0;
  record.error = kNotBuiltIn;
  clock_.sink().on_request(record);
  clock_.note_request_end(sent);
  co_return result;
}

}  // namespace cicada::grpc_client
