#pragma once
// The grpc++ half of ChannelCache (channel_cache.hpp): a short list of (target, channel, methods), looked
// up by a linear scan (a run calls one or two targets).
#include <grpcpp/grpcpp.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "cicada/grpc.hpp"
#include "grpc_client/channel_cache.hpp"
#include "grpc_client/grpc_target.hpp"
#include "http/client/client_config.hpp"

namespace cicada::grpc_client {

// The OIP service's methods registered on one channel: what a generated stub holds, without the stub's
// calls, which read the response with grpc++'s own parsing (received_message.hpp says why ours).
struct OipChannel {
  explicit OipChannel(std::shared_ptr<grpc::Channel> c);
  const grpc::internal::RpcMethod& method(OipCall call) const {
    return methods[static_cast<std::size_t>(call)];
  }

  std::shared_ptr<grpc::Channel> channel;
  std::array<grpc::internal::RpcMethod, 5> methods;  // by OipCall
};

struct ChannelCache::Impl {
  // A channel is made for one target, one way of trusting its server and one client identity: user
  // types with their own TLS settings on the same loop get channels of their own.
  struct Entry {
    std::string address;
    bool tls = false;
    bool verify = true;
    std::string ca_bundle;
    std::string client_cert, client_key;
    std::unique_ptr<OipChannel> channel;  // a stable address: the list grows
  };
  std::vector<Entry> entries;

  // The channel to this target, made on first use, with the TLS settings of `config` (those of
  // the HTTP client: the same for HTTPS and grpcs://). TLS channels verify the server's certificate chain
  // and name against the system's roots, or the PEM file ca_bundle's (--ca-bundle); tls_verify false
  // (--insecure) accepts any certificate. With client_cert and client_key (--client-cert/--client-key)
  // the channel shows that certificate to a server that asks for one (mutual TLS). error: why there is
  // no channel.
  OipChannel* channel(const GrpcTarget& target, const http::ClientConfig& config, std::string& error);
};

}  // namespace cicada::grpc_client
