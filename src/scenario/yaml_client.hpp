#pragma once
// The `client:` block of a YAML scenario (top level, for every user type, or in one user type, over the
// top level's): the HTTP client settings of cicada/client_settings.hpp, with the run's flags' names.
//   client:
//     connect_timeout: 2s
//     request_timeout: 500ms
//     max_redirects: 0
//     insecure: true          # this type's users do not verify TLS certificates
//     ca_bundle: certs/ca.pem # relative to the scenario file
//     client_cert: certs/me.pem
//     client_key: certs/me.key
//     max_body_size: 64KiB
//     http2: true             # HTTP/2 (TLS ALPN h2; h2c prior knowledge on http://)
#include <yaml-cpp/yaml.h>

#include "cicada/client_settings.hpp"
#include "scenario/yaml_context.hpp"

namespace cicada::scenario {

ClientSettings parse_client_settings(const YamlContext& ctx, const YAML::Node& node);

}  // namespace cicada::scenario
