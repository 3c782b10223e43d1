#include "scenario/yaml_client.hpp"

#include "base/byte_size.hpp"

namespace cicada::scenario {
namespace {

std::chrono::milliseconds timeout(const YamlContext& ctx, const YAML::Node& node) {
  const auto t = ctx.duration(node, "a timeout (500ms, 2s)");
  if (t < std::chrono::milliseconds(1)) ctx.fail(node, "a timeout of 1ms or more");
  return std::chrono::duration_cast<std::chrono::milliseconds>(t);
}

// TLS files are named relative to the scenario file, as payload files are; whether they load is checked
// before the run starts (runner::check_client_settings), with the user type's name in the message.
std::string file(const YamlContext& ctx, const YAML::Node& node, std::string_view what) {
  return ctx.resolve(ctx.string(node, what)).string();
}

}  // namespace

ClientSettings parse_client_settings(const YamlContext& ctx, const YAML::Node& node) {
  ctx.require_keys(node, "client settings",
                   {"connect_timeout", "request_timeout", "max_redirects", "insecure", "ca_bundle",
                    "client_cert", "client_key", "max_body_size", "http2"});
  ClientSettings s;
  if (auto n = YamlContext::find(node, "connect_timeout")) s.connect_timeout = timeout(ctx, *n);
  if (auto n = YamlContext::find(node, "request_timeout")) s.request_timeout = timeout(ctx, *n);
  if (auto n = YamlContext::find(node, "max_redirects")) {
    const auto hops = ctx.integer(*n, "a number of redirect hops (0 or more)");
    if (hops < 0 || hops > 1000) ctx.fail(*n, "a number of redirect hops from 0 to 1000");
    s.max_redirects = static_cast<int>(hops);
  }
  if (auto n = YamlContext::find(node, "insecure")) s.verify_tls = !ctx.boolean(*n, "true or false");
  if (auto n = YamlContext::find(node, "ca_bundle"))
    s.ca_bundle = file(ctx, *n, "a PEM file of CA certificates");
  if (auto n = YamlContext::find(node, "client_cert"))
    s.client_cert = file(ctx, *n, "a PEM client certificate");
  if (auto n = YamlContext::find(node, "client_key")) s.client_key = file(ctx, *n, "a PEM private key");
  if (auto n = YamlContext::find(node, "max_body_size")) {
    auto bytes = parse_byte_size(ctx.string(*n, "a size (64KiB, 1MiB)"));
    if (!bytes) ctx.fail(*n, "a size such as 64KiB or 1MiB");
    s.max_body_bytes = *bytes;
  }
  if (auto n = YamlContext::find(node, "http2")) s.http2 = ctx.boolean(*n, "true or false");
  if (s.client_key && !s.client_cert)
    ctx.fail(node.Mark(), "client_cert: next to client_key:", "client_key: alone");
  return s;
}

}  // namespace cicada::scenario
