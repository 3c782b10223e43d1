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

std::map<std::string, int> fixed_counts_of(const Scenario& scenario) {
  std::map<std::string, int> fixed;
  for (const auto& type : scenario.user_types)
    if (type.fixed_count) fixed[type.name] = *type.fixed_count;
  return fixed;
}

std::map<std::string, int> split_fixed_counts(const std::map<std::string, int>& fixed, std::size_t i,
                                              std::size_t n) {
  std::map<std::string, int> share;
  for (const auto& [type, count] : fixed) share[type] = n == 0 ? 0 : split_users(count, 1, n)[i].users;
  return share;
}

}  // namespace cicada::distributed
