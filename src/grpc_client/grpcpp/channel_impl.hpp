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
#include "http/client/client_config.hpp"

namespace cicada::grpc_client {

struct ChannelCache::Impl {
  // A channel is made for one target, one way of trusting its server and one client identity: user
  // types with their own TLS settings on the same loop get channels of their own.
  struct Entry {
    std::string address;
    bool tls = false;
    bool verify = true;
    std::string ca_bundle;
    std::string client_cert, client_key;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<inference::GRPCInferenceService::Stub> stub;
  };
  std::vector<Entry> entries;

  // The stub of this target, its channel made on first use, with the TLS settings of `config` (those of
  // the HTTP client: the same for HTTPS and grpcs://). TLS channels verify the server's certificate chain
  // and name against the system's roots, or the PEM file ca_bundle's (--ca-bundle); tls_verify false
  // (--insecure) accepts any certificate. With client_cert and client_key (--client-cert/--client-key)
  // the channel shows that certificate to a server that asks for one (mutual TLS). error: why there is
  // no stub.
  inference::GRPCInferenceService::Stub* stub(const GrpcTarget& target, const http::ClientConfig& config,
                                              std::string& error);
};

}  // namespace cicada::grpc_client
