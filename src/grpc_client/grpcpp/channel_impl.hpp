#pragma once
// The grpc++ half of ChannelCache (channel_cache.hpp): a short list of (target, channel, stub), looked up
// by a linear scan (a run calls one or two targets).
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "grpc_client/channel_cache.hpp"
#include "grpc_client/grpc_target.hpp"
#include "grpc_oip/inference.grpc.pb.h"

namespace cicada::grpc_client {

struct ChannelCache::Impl {
  // A channel is made for one target and one way of trusting its server: user types with their own
  // TLS settings on the same loop get channels of their own.
  struct Entry {
    std::string address;
    bool tls = false;
    bool verify = true;
    std::string ca_bundle;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<inference::GRPCInferenceService::Stub> stub;
  };
  std::vector<Entry> entries;

  // The stub of this target, its channel made on first use. TLS channels verify the server's certificate
  // chain and name against the system's roots, or the PEM file ca_bundle's (--ca-bundle); verify false
  // (--insecure) accepts any certificate, as the HTTP client does. error: why there is no stub.
  inference::GRPCInferenceService::Stub* stub(const GrpcTarget& target, bool verify,
                                              const std::string& ca_bundle, std::string& error);
};

}  // namespace cicada::grpc_client
