#include <fstream>
#include <sstream>

#include "grpc_client/grpcpp/channel_impl.hpp"

namespace cicada::grpc_client {

ChannelCache::ChannelCache() : impl_(std::make_unique<Impl>()) {}
ChannelCache::~ChannelCache() = default;

inference::GRPCInferenceService::Stub* ChannelCache::Impl::stub(const GrpcTarget& target,
                                                                const std::string& ca_bundle,
                                                                std::string& error) {
  for (auto& e : entries) {
    if (e.address == target.address && e.tls == target.tls) return e.stub.get();
  }
  if (target.address.empty()) {
    error = "no gRPC target: give the user a host (--host grpc://HOST:PORT) or the request a target";
    return nullptr;
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (target.tls) {
    grpc::SslCredentialsOptions options;
    if (!ca_bundle.empty()) {
      std::ifstream in(ca_bundle);
      std::ostringstream pem;
      pem << in.rdbuf();
      if (!in) {
        error = "cannot read the CA bundle " + ca_bundle;
        return nullptr;
      }
      options.pem_root_certs = pem.str();
    }
    credentials = grpc::SslCredentials(options);
  }
  grpc::ChannelArguments args;
  // Each loop's channel keeps its own connection: gRPC's global subchannel pool would otherwise give all
  // the loops' channels to the same target one shared connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  Entry entry;
  entry.address = target.address;
  entry.tls = target.tls;
  entry.channel = grpc::CreateCustomChannel(target.address, credentials, args);
  entry.stub = inference::GRPCInferenceService::NewStub(entry.channel);
  entries.push_back(std::move(entry));
  return entries.back().stub.get();
}

}  // namespace cicada::grpc_client
