#pragma once
// Where a gRPC call goes: the scenario's target ("127.0.0.1:8001", "grpc://host:8001") or else the user's
// host, which is a URL ("http://127.0.0.1:8001"): gRPC's channel wants host:port and whether to use TLS.
#include <string>
#include <string_view>

namespace cicada::grpc_client {

struct GrpcTarget {
  std::string address;  // host:port, as grpc::CreateChannel takes it
  bool tls = false;     // grpcs:// or https://
};

// "grpc://h:1", "http://h:1/any/path" and "h:1" are plain h:1; "grpcs://h:1" and "https://h:1" are TLS.
// Empty address when there is none (an empty or scheme-only text): the call fails saying so.
GrpcTarget parse_grpc_target(std::string_view text);

}  // namespace cicada::grpc_client
