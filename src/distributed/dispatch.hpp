#pragma once
// How a master shares a test across its workers. Every worker runs the whole user mix (the scenario's
// weights apply inside each worker's UserMix), so sharing out users is sharing out a count: equal shares,
// the first (total mod n) workers in join order one more. The spawn rate is shared the same way, so the
// whole fleet ramps at the rate asked for, as in Locust.
#include <cstddef>
#include <vector>

namespace cicada::distributed {

struct Share {
  int users = 0;
  double spawn_rate = 0;
};

// n shares that add up to (users, spawn_rate); empty when n == 0.
std::vector<Share> split_users(int users, double spawn_rate, std::size_t n);

}  // namespace cicada::distributed
