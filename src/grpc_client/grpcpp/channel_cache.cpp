#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <fstream>
#include <sstream>

#include "grpc_client/grpcpp/channel_impl.hpp"

namespace cicada::grpc_client {

ChannelCache::ChannelCache() : impl_(std::make_unique<Impl>()) {}
ChannelCache::~ChannelCache() = default;

namespace {

// The service's method paths (as the generated stub names them), by OipCall. Literals: RpcMethod keeps
// the pointer.
constexpr const char* kMethodPaths[] = {
    "/inference.GRPCInferenceService/ServerLive", "/inference.GRPCInferenceService/ServerReady",
    "/inference.GRPCInferenceService/ModelReady", "/inference.GRPCInferenceService/ModelMetadata",
    "/inference.GRPCInferenceService/ModelInfer",
};

grpc::internal::RpcMethod unary(OipCall call, const std::shared_ptr<grpc::Channel>& channel) {
  return {kMethodPaths[static_cast<std::size_t>(call)], grpc::internal::RpcMethod::NORMAL_RPC, channel};
}

}  // namespace

OipChannel::OipChannel(std::shared_ptr<grpc::Channel> c)
    : channel(std::move(c)),
      methods{unary(OipCall::kServerLive, channel), unary(OipCall::kServerReady, channel),
              unary(OipCall::kModelReady, channel), unary(OipCall::kModelMetadata, channel),
              unary(OipCall::kModelInfer, channel)} {}
namespace {

// The whole PEM file `path` into `pem`; false when it cannot be read.
bool read_pem(const std::string& path, std::string& pem) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return false;
  pem = text.str();
  return true;
}

// TLS that accepts whatever certificate the server presents (--insecure): no chain check, no name check.
// grpc++'s SSL credentials cannot skip the check, so these are its TLS credentials, whose client identity
// (when there is one) comes from a certificate provider.
std::shared_ptr<grpc::ChannelCredentials> unverified_tls(const std::string& cert, const std::string& key) {
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_verify_server_certs(false);
  options.set_certificate_verifier(std::make_shared<grpc::experimental::NoOpCertificateVerifier>());
  options.set_check_call_host(false);
  if (!cert.empty()) {
    options.set_certificate_provider(std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
        std::vector<grpc::experimental::IdentityKeyCertPair>{{key, cert}}));
    options.watch_identity_key_cert_pairs();
  }
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace

OipChannel* ChannelCache::Impl::channel(const GrpcTarget& target, const http::ClientConfig& config,
                                        std::string& error) {
  // A plain-text channel does not depend on how TLS would be verified, nor on a client certificate.
  static const std::string kNone;
  const bool verify = !target.tls || config.tls_verify;
  const std::string& bundle = target.tls && verify ? config.ca_bundle : kNone;
  const std::string& cert_file = target.tls ? config.client_cert : kNone;
  const std::string& key_file = target.tls ? config.client_key : kNone;
  for (auto& e : entries) {
    if (e.address == target.address && e.tls == target.tls && e.verify == verify && e.ca_bundle == bundle &&
        e.client_cert == cert_file && e.client_key == key_file)
      return e.channel.get();
  }
  if (target.address.empty()) {
    error = "no gRPC target: give the user a host (--host grpc://HOST:PORT) or the request a target";
    return nullptr;
  }
  // The run checked these files at start (check_tls_files); a file gone since fails the call instead.
  std::string cert, key;
  if (cert_file.empty() != key_file.empty()) {
    error = "a client certificate needs both --client-cert and --client-key";
    return nullptr;
  }
  if (!cert_file.empty() && !read_pem(cert_file, cert)) {
    error = "cannot read the client certificate " + cert_file;
    return nullptr;
  }
  if (!key_file.empty() && !read_pem(key_file, key)) {
    error = "cannot read the client key " + key_file;
    return nullptr;
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (target.tls && !verify) {
    credentials = unverified_tls(cert, key);
  } else if (target.tls) {
    grpc::SslCredentialsOptions options;
    if (!bundle.empty() && !read_pem(bundle, options.pem_root_certs)) {
      error = "cannot read the CA bundle " + bundle;
      return nullptr;
    }
    options.pem_cert_chain = std::move(cert);
    options.pem_private_key = std::move(key);
    credentials = grpc::SslCredentials(options);
  }
  grpc::ChannelArguments args;
  // Each loop's channel keeps its own connection: gRPC's global subchannel pool would otherwise give all
  // the loops' channels to the same target one shared connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // No retries: a load tester never resends a call on its own (as its HTTP client does not), and grpc-core's
  // retry filter (on by default) aborts the process on a reply whose trailers lack grpc-status
  // (grpc/grpc#34683); without it such a call fails with UNKNOWN "No status received".
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  Entry entry;
  entry.address = target.address;
  entry.tls = target.tls;
  entry.verify = verify;
  entry.ca_bundle = bundle;
  entry.client_cert = cert_file;
  entry.client_key = key_file;
  entry.channel = std::make_unique<OipChannel>(grpc::CreateCustomChannel(target.address, credentials, args));
  entries.push_back(std::move(entry));
  return entries.back().channel.get();
}

}  // namespace cicada::grpc_client
