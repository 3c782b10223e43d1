#pragma once
// Shard: everything one event loop thread owns during a run (share-nothing, docs/architecture.md).
// Only that loop's thread touches it, except the atomic user counter the runner reads.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <utility>
#include <vector>

#include "cicada/user.hpp"
#include "grpc_client/channel_cache.hpp"
#include "http/client/user_http_client.hpp"
#include "stats/thread_stats.hpp"

namespace cicada::runner {

class UserSlot;
class ArrivalExecutor;

struct Shard {
  // type_configs: the client settings of each user type that has its own (a YAML `client:` block,
  // UserType::client), keyed by the type; the other types use `config`, the run's.
  Shard(boost::asio::io_context& context, const http::ClientConfig& config,
        const std::vector<std::pair<const UserType*, http::ClientConfig>>& type_configs = {});
  ~Shard();

  // The TLS context and DNS cache this loop's users of `type` share.
  http::SharedClientState& client_state_for(const UserType& type);

  boost::asio::io_context& ctx;
  stats::ThreadStats stats;
  http::SharedClientState client_state;  // TLS context and DNS cache shared by this loop's users
  // One per user type with its own client settings: each has its own TLS context (verification, CA
  // bundle, client certificate). A run has a handful of types: a vector scanned at user creation.
  std::vector<std::pair<const UserType*, std::unique_ptr<http::SharedClientState>>> type_client_states;
  grpc_client::ChannelCache grpc_channels;       // this loop's gRPC channels, one per target
  std::vector<std::unique_ptr<UserSlot>> users;  // live ones, in spawn order; a finished one is freed
  // Frees the users whose coroutine has ended (posted by each user as it finishes); loop thread only.
  void free_finished_users();
  std::atomic<int> running{0};                // users between on_start and the end of on_stop
  std::unique_ptr<ArrivalExecutor> arrivals;  // open model only; destroyed before the users and stats
  // The loop's thread was left inside scenario code that never came back (LocalBackend::join_loops): the
  // shard is never destroyed (that thread may still hold its users); only its stats are read.
  bool abandoned = false;
};

}  // namespace cicada::runner
