#pragma once
// Shard: everything one event loop thread owns during a run (share-nothing, docs/architecture.md).
// Only that loop's thread touches it, except the atomic user counter the runner reads.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "grpc_client/channel_cache.hpp"
#include "http/client/user_http_client.hpp"
#include "stats/thread_stats.hpp"

namespace cicada::runner {

class UserSlot;
class ArrivalExecutor;

struct Shard {
  Shard(boost::asio::io_context& context, const http::ClientConfig& config);
  ~Shard();

  boost::asio::io_context& ctx;
  stats::ThreadStats stats;
  http::SharedClientState client_state;          // TLS context and DNS cache shared by this loop's users
  grpc_client::ChannelCache grpc_channels;       // this loop's gRPC channels, one per target
  std::vector<std::unique_ptr<UserSlot>> users;  // live ones, in spawn order; a finished one is freed
  // Frees the users whose coroutine has ended (posted by each user as it finishes); loop thread only.
  void free_finished_users();
  std::atomic<int> running{0};                // users between on_start and the end of on_stop
  std::unique_ptr<ArrivalExecutor> arrivals;  // open model only; destroyed before the users and stats
};

}  // namespace cicada::runner
