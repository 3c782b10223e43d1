#pragma once
// ChannelCache: the gRPC channels of one event loop thread, one per target, shared by that loop's users
// (as SharedClientState shares the TLS context and DNS cache of the HTTP clients). One channel is one
// HTTP/2 connection multiplexing every call of the loop's users: each channel keeps its own connection
// (a local subchannel pool), so N loops open N connections, not one for the whole process.
//
// Used from its loop's thread only. Without gRPC in the build it is empty and every call fails, saying
// so (user_grpc_client.hpp).
#include <memory>

namespace cicada::grpc_client {

class ChannelCache {
 public:
  ChannelCache();
  ~ChannelCache();
  ChannelCache(const ChannelCache&) = delete;
  ChannelCache& operator=(const ChannelCache&) = delete;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cicada::grpc_client
