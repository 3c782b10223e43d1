#pragma once
// Shard: everything one event loop thread owns during a run (share-nothing, see ARCHITECTURE.md).
// Only that loop's thread touches it, except the atomic user counter the runner reads.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

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
  std::vector<std::unique_ptr<UserSlot>> users;  // in spawn order; stopped ones are reaped by the loop
  std::atomic<int> running{0};                   // users between on_start and the end of on_stop
  std::unique_ptr<ArrivalExecutor> arrivals;     // open model only; destroyed before the users and stats
};

}  // namespace cicada::runner
