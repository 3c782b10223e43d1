#pragma once
// SharedClientState: what all users' HTTP clients on one event loop thread share, so that 10,000 users on a
// thread build one TLS context and resolve each host once instead of 10,000 times. Owned by the thread
// (one per io_context), used from that thread only: no locks.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "http/client/buffer_pool.hpp"
#include "http/client/client_config.hpp"
#include "reactor/uring_ring.hpp"

namespace cicada::http {

// Loads the config's CA bundle and client certificate/key into a throwaway context: "" when they are
// usable, else what is wrong in plain words. Called once before a run so that a bad path is a usage error
// at start, not a failure per request.
std::string check_tls_files(const ClientConfig& config);

class SharedClientState {
 public:
  SharedClientState(boost::asio::io_context& io, ClientConfig config);
  SharedClientState(const SharedClientState&) = delete;
  SharedClientState& operator=(const SharedClientState&) = delete;

  boost::asio::io_context& io() { return io_; }
  const ClientConfig& config() const { return config_; }

  // The TLS context of this thread, created on first use (most runs never need it). Files named by the
  // config that cannot be loaded throw std::runtime_error (check_tls_files() tells the user at start).
  boost::asio::ssl::context& tls_context();

  // Cached addresses of host:port, or nullptr when not cached (or older than the cache lifetime).
  // Numeric addresses are "cached" on first call without any lookup.
  const std::vector<boost::asio::ip::tcp::endpoint>* cached_endpoints(const std::string& host,
                                                                      std::uint16_t port);
  void store_endpoints(const std::string& host, std::uint16_t port,
                       std::vector<boost::asio::ip::tcp::endpoint> endpoints);
  boost::asio::ip::tcp::resolver& resolver() { return resolver_; }

  // A request's own token counting rule (RequestOptions::stream_tokens), parsed the first time this
  // thread meets it, so a request pays a short scan, not a parse; empty: the run's. Stable until the
  // state goes. A malformed rule throws std::invalid_argument (YAML checks its rules at load).
  const TokenCounting& token_counting(std::string_view rule);

  // The buffers of the requests in flight on this thread (buffer_pool.hpp).
  BufferPool& buffers() { return buffers_; }

  // This loop's io_uring when the config asks for one (made at first use, on the loop's thread), or
  // nullptr: not asked for, or refused by the kernel (one warning per process, then epoll).
  reactor::UringRing* uring();

 private:
  struct DnsEntry {
    std::string host;
    std::uint16_t port = 0;
    MonoTime resolved_at;
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  };
  // A run talks to a handful of hosts: a vector scanned linearly beats a map here.
  std::vector<DnsEntry> dns_;
  boost::asio::io_context& io_;
  ClientConfig config_;
  boost::asio::ip::tcp::resolver resolver_;
  std::optional<boost::asio::ssl::context> tls_;
  // The rules requests named (a scenario has a few); a deque keeps the references it handed out.
  std::deque<std::pair<std::string, TokenCounting>> token_rules_;
  BufferPool buffers_;
  // Last: it goes first, handing the completions of operations still in flight to their connections.
  std::unique_ptr<reactor::UringRing> uring_;
  bool uring_tried_ = false;
};

}  // namespace cicada::http
