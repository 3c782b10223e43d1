#pragma once
// UserInstance: one simulated user's own parts, built the same way for the closed model (UserSlot) and
// the open model (IterationSlot): its PRNG, its HTTP and gRPC clients (the type's host and default headers)
// and its User object bound to both; and on_start/on_stop, each recording what it throws as an exception of
// the user type instead of ending the user. (Tasks are awaited by the slots themselves: one coroutine frame
// less per task on the hot path.)
#include <cstdint>
#include <memory>

#include "cicada/user.hpp"
#include "grpc_client/user_grpc_client.hpp"
#include "http/client/user_http_client.hpp"

namespace cicada::runner {

struct Shard;

class UserInstance {
 public:
  UserInstance(Shard& shard, const UserType& type, std::uint64_t id, std::uint64_t seed);
  UserInstance(const UserInstance&) = delete;
  UserInstance& operator=(const UserInstance&) = delete;

  Task<> on_start();
  Task<> on_stop();
  // The run stops this user in the middle of what it is doing (cicada::UserKilled): the request in flight
  // is cut, and a locustfile user's sleep or greenlet is interrupted. On the user's loop, while it waits.
  // Not once on_stop has begun: the kill ends a task, and on_stop has the run's own bound after it
  // (LocalBackend::stop, kOnStopAfterKill). A user waiting between tasks when the run stopped began its
  // on_stop at the stop request; the kill that follows at once with --stop-timeout 0 cut its logout.
  void kill();

  User& user() { return *user_; }
  Random& rng() { return rng_; }
  http::UserHttpClient& client() { return client_; }

 private:
  Shard& shard_;
  const UserType& type_;
  Random rng_;
  http::UserHttpClient client_;
  grpc_client::UserGrpcClient grpc_;  // after client_: it takes its due times from it
  bool in_on_stop_ = false;
  std::unique_ptr<User> user_;  // declared last: destroyed first, while the client it references exists
};

}  // namespace cicada::runner
