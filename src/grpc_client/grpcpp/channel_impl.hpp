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
  struct Entry {
    std::string address;
    bool tls = false;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<inference::GRPCInferenceService::Stub> stub;
  };
  std::vector<Entry> entries;

  // The stub of this target, its channel made on first use. ca_bundle: PEM file of the roots TLS
  // channels trust instead of the system's (--ca-bundle); error: why there is none.
  inference::GRPCInferenceService::Stub* stub(const GrpcTarget& target, const std::string& ca_bundle,
                                              std::string& error);
};

}  // namespace cicada::grpc_client
