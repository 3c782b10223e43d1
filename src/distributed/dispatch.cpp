#include "distributed/dispatch.hpp"

namespace cicada::distributed {

std::vector<Share> split_users(int users, double spawn_rate, std::size_t n) {
  std::vector<Share> shares(n);
  if (n == 0) return shares;
  const int count = static_cast<int>(n);
  const int base = users / count;
  const int extra = users % count;
  for (int i = 0; i < count; ++i) {
    shares[static_cast<std::size_t>(i)].users = base + (i < extra ? 1 : 0);
    shares[static_cast<std::size_t>(i)].spawn_rate = spawn_rate / count;
  }
  return shares;
}

}  // namespace cicada::distributed
