#pragma once
// The engine's side of cicada::User: gives a user its client, PRNG and id (friend of User). Shared by
// the closed-model UserSlot and the open-model IterationSlot, and by the scenario unit tests' fake client
// (one definition: a second class of the same name would be an ODR violation).
#include <cstdint>

#include "cicada/user.hpp"

namespace cicada::detail {
class UserBinder {
 public:
  static void bind(User& user, HttpClient& client, Random& rng, std::uint64_t id) {
    user.client_ = &client;
    user.random_ = &rng;
    user.id_ = id;
  }
  static void bind_grpc(User& user, GrpcClient& grpc) { user.grpc_ = &grpc; }
};
}  // namespace cicada::detail
