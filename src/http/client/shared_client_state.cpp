#include "http/client/shared_client_state.hpp"

#include <chrono>

namespace cicada::http {
namespace {
// Re-resolve after this long so that a long run follows DNS changes (e.g. a service behind a rotating
// load balancer) without paying a lookup per connection.
constexpr auto kDnsLifetime = std::chrono::seconds(60);
}  // namespace

SharedClientState::SharedClientState(boost::asio::io_context& io, ClientConfig config)
    : io_(io), config_(std::move(config)), resolver_(io) {}

boost::asio::ssl::context& SharedClientState::tls_context() {
  if (!tls_) {
    tls_.emplace(boost::asio::ssl::context::tls_client);
    tls_->set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_sslv2 |
                      boost::asio::ssl::context::no_sslv3);
    if (config_.tls_verify) {
      tls_->set_default_verify_paths();
      tls_->set_verify_mode(boost::asio::ssl::verify_peer);
    } else {
      tls_->set_verify_mode(boost::asio::ssl::verify_none);
    }
  }
  return *tls_;
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
