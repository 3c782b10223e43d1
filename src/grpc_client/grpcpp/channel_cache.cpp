#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <fstream>
#include <sstream>

#include "grpc_client/grpcpp/channel_impl.hpp"

namespace cicada::grpc_client {

ChannelCache::ChannelCache() : impl_(std::make_unique<Impl>()) {}
ChannelCache::~ChannelCache() = default;

namespace {

// TLS that accepts whatever certificate the server presents (--insecure): no chain check, no name check.
std::shared_ptr<grpc::ChannelCredentials> unverified_tls() {
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_verify_server_certs(false);
  options.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
  options.set_check_call_host(false);
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace

inference::GRPCInferenceService::Stub* ChannelCache::Impl::stub(const GrpcTarget& target, bool verify,
                                                                const std::string& ca_bundle,
                                                                std::string& error) {
  // A plain-text channel does not depend on how TLS would be verified.
  if (!target.tls) verify = true;
  const std::string& bundle = target.tls && verify ? ca_bundle : std::string();
  for (auto& e : entries) {
    if (e.address == target.address && e.tls == target.tls && e.verify == verify && e.ca_bundle == bundle)
      return e.stub.get();
  }
  if (target.address.empty()) {
    error = "no gRPC target: give the user a host (--host grpc://HOST:PORT) or the request a target";
    return nullptr;
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (target.tls && !verify) {
    credentials = unverified_tls();
  } else if (target.tls) {
    grpc::SslCredentialsOptions options;
    if (!bundle.empty()) {
      std::ifstream in(bundle);
      std::ostringstream pem;
      pem << in.rdbuf();
      if (!in) {
        error = "cannot read the CA bundle " + bundle;
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
  entry.verify = verify;
  entry.ca_bundle = bundle;
  entry.channel = grpc::CreateCustomChannel(target.address, credentials, args);
  entry.stub = inference::GRPCInferenceService::NewStub(entry.channel);
  entries.push_back(std::move(entry));
  return entries.back().stub.get();
}

}  // namespace cicada::grpc_client
