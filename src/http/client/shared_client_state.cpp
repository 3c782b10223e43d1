#include "http/client/shared_client_state.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "base/file_unreadable.hpp"
#include "base/log.hpp"

namespace cicada::http {
namespace {
// Re-resolve after this long so that a long run follows DNS changes (e.g. a service behind a rotating
// load balancer) without paying a lookup per connection.
constexpr auto kDnsLifetime = std::chrono::seconds(60);
}  // namespace

SharedClientState::SharedClientState(boost::asio::io_context& io, ClientConfig config)
    : io_(io), config_(std::move(config)), resolver_(io) {}

reactor::UringRing* SharedClientState::uring() {
  if (!config_.io_uring || uring_tried_) return uring_.get();
  uring_tried_ = true;
  std::string why;
  uring_ = reactor::UringRing::create(io_, why);
  static std::atomic<bool> warned{false};
  if (!uring_ && !warned.exchange(true))
    log::warning("--io-uring: this kernel refuses io_uring ({}); sending over epoll instead", why);
  return uring_.get();
}

namespace {

// Applies the config's trust and identity to a context; "" or what failed.
std::string configure(boost::asio::ssl::context& ctx, const ClientConfig& config) {
  namespace ssl = boost::asio::ssl;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3);
  boost::system::error_code ec;
  if (config.tls_verify) {
    if (config.ca_bundle.empty())
      ctx.set_default_verify_paths(ec);
    else if (auto why = file_unreadable(config.ca_bundle))
      return "cannot read the CA bundle " + config.ca_bundle + ": " + *why;
    else if (ctx.load_verify_file(config.ca_bundle, ec); ec)
      return "cannot load the CA bundle " + config.ca_bundle + ": " + ec.message();
    ctx.set_verify_mode(ssl::verify_peer, ec);
  } else {
    ctx.set_verify_mode(ssl::verify_none, ec);
  }
  if (!config.client_cert.empty() || !config.client_key.empty()) {
    if (config.client_cert.empty() || config.client_key.empty())
      return "a client certificate needs both --client-cert and --client-key";
    if (auto why = file_unreadable(config.client_cert))
      return "cannot read the client certificate " + config.client_cert + ": " + *why;
    if (auto why = file_unreadable(config.client_key))
      return "cannot read the client key " + config.client_key + ": " + *why;
    if (ctx.use_certificate_chain_file(config.client_cert, ec); ec)
      return "cannot load the client certificate " + config.client_cert + ": " + ec.message();
    if (ctx.use_private_key_file(config.client_key, ssl::context::pem, ec); ec)
      return "cannot load the client key " + config.client_key + ": " + ec.message();
  }
  return {};
}

}  // namespace

std::string check_tls_files(const ClientConfig& config) {
  boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
  return configure(ctx, config);
}

boost::asio::ssl::context& SharedClientState::tls_context() {
  if (!tls_) {
    tls_.emplace(boost::asio::ssl::context::tls_client);
    if (std::string error = configure(*tls_, config_); !error.empty()) throw std::runtime_error(error);
  }
  return *tls_;
}

const TokenCounting& SharedClientState::token_counting(std::string_view rule) {
  if (rule.empty()) return config_.stream_tokens;
  for (const auto& [text, counting] : token_rules_)
    if (text == rule) return counting;
  auto parsed = TokenCounting::parse(rule);
  if (!parsed)
    throw std::invalid_argument("stream_tokens \"" + std::string(rule) + "\": " + parsed.error().message);
  return token_rules_.emplace_back(std::string(rule), std::move(*parsed)).second;
}

const std::vector<boost::asio::ip::tcp::endpoint>* SharedClientState::cached_endpoints(
    const std::string& host, std::uint16_t port) {
  const auto now = mono_now();
  for (auto& e : dns_) {
    if (e.port != port || e.host != host) continue;
    if (now - e.resolved_at < kDnsLifetime) return &e.endpoints;
    // An address literal never goes stale.
    if (e.endpoints.size() == 1 && e.endpoints.front().address().to_string() == host) {
      e.resolved_at = now;
      return &e.endpoints;
    }
    return nullptr;
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return nullptr;
  dns_.push_back({host, port, now, {boost::asio::ip::tcp::endpoint(address, port)}});
  return &dns_.back().endpoints;
}

void SharedClientState::store_endpoints(const std::string& host, std::uint16_t port,
                                        std::vector<boost::asio::ip::tcp::endpoint> endpoints) {
  for (auto& e : dns_) {
    if (e.port == port && e.host == host) {
      e.endpoints = std::move(endpoints);
      e.resolved_at = mono_now();
      return;
    }
  }
  dns_.push_back({host, port, mono_now(), std::move(endpoints)});
}

}  // namespace cicada::http
