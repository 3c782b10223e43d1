#include "grpc_client/grpc_target.hpp"

namespace cicada::grpc_client {

GrpcTarget parse_grpc_target(std::string_view text) {
  GrpcTarget target;
  for (std::string_view scheme : {"grpcs://", "https://", "grpc://", "http://"}) {
    if (text.substr(0, scheme.size()) != scheme) continue;
    target.tls = scheme == "grpcs://" || scheme == "https://";
    text.remove_prefix(scheme.size());
    // A URL's path means nothing to gRPC (the method is the path): the user's host may carry one.
    text = text.substr(0, text.find('/'));
    break;
  }
  target.address.assign(text);
  return target;
}

}  // namespace cicada::grpc_client
