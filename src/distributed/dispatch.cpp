#include "distributed/dispatch.hpp"

#include <algorithm>

#include "runner/named_types.hpp"
#include "runner/tag_filter.hpp"
#include "runner/user_mix.hpp"

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

namespace {

// How many k in [from, to) have k mod n == i.
std::uint64_t on_worker(std::uint64_t from, std::uint64_t to, std::size_t i, std::size_t n) {
  auto upto = [&](std::uint64_t end) { return end > i ? (end - i + n - 1) / n : 0; };  // k < end
  return to > from ? upto(to) - upto(from) : 0;
}

}  // namespace

int fixed_users_of(const std::map<std::string, int>& fixed) {
  int total = 0;
  for (const auto& [type, count] : fixed) total += std::max(0, count);
  return total;
}

std::vector<std::map<std::string, int>> deal_fixed_counts(const std::map<std::string, int>& fixed,
                                                          std::size_t n, int users) {
  std::map<std::string, int> none;
  std::vector<std::string> names;
  std::vector<std::uint64_t> counts;  // by name, as the map holds them
  for (const auto& [type, count] : fixed) {
    none[type] = 0;
    names.push_back(type);
    counts.push_back(static_cast<std::uint64_t>(std::max(0, count)));
  }
  std::vector<std::map<std::string, int>> shares(n, none);
  if (n == 0) return shares;
  // The fleet's first `users` fixed users in Locust's order, user k to worker k mod n.
  const auto dealt = std::min<std::uint64_t>(static_cast<std::uint64_t>(fixed_users_of(fixed)),
                                             static_cast<std::uint64_t>(std::max(0, users)));
  const auto order = runner::locust_fixed_order(counts);
  if (!order.empty()) {
    for (std::size_t k = 0; k < dealt; ++k) ++shares[k % n][names[order[k]]];
    return shares;
  }
  // Past the longest order kept (runner::locust_fixed_order): each type's users one after the other.
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t start = 0;
    for (std::size_t t = 0; t < names.size(); ++t) {
      shares[i][names[t]] = static_cast<int>(on_worker(start, std::min(start + counts[t], dealt), i, n));
      start += counts[t];
    }
  }
  return shares;
}

std::map<std::string, int> split_fixed_counts(const std::map<std::string, int>& fixed, std::size_t i,
                                              std::size_t n, int users) {
  if (n == 0) return deal_fixed_counts(fixed, 1, 0).at(0);  // every type 0
  return deal_fixed_counts(fixed, n, users).at(i);
}

std::vector<std::string> weighted_cycle_of(const Scenario& scenario) {
  runner::UserMix mix(scenario.user_types);
  std::vector<std::string> names;
  names.reserve(mix.cycle().size());
  for (const std::uint32_t t : mix.cycle()) names.push_back(scenario.user_types[t].name);
  return names;
}

TypePlan type_plan_of(const Scenario& chosen, const std::vector<std::string>& tags,
                      const std::vector<std::string>& exclude_tags) {
  TypePlan plan;
  for (const auto& type : chosen.user_types) plan.names.push_back(type.name);
  Scenario runnable = chosen;
  // A filter that leaves nothing is reported by the run's own check (runner::check_runnable).
  (void)runner::apply_tag_filter(runnable, tags, exclude_tags);
  plan.fixed_counts = fixed_counts_of(runnable);
  plan.weighted_cycle = weighted_cycle_of(runnable);
  for (const auto& type : runnable.user_types)
    if (!type.fixed_count) plan.weights[type.name] = type.weight;
  return plan;
}

TypePlan named_plan(const TypePlan& plan, const std::vector<std::string>& named) {
  Scenario runnable;  // the plan's types (those left runnable), as types
  for (const auto& [name, count] : plan.fixed_counts) {
    UserType type;
    type.name = name;
    type.fixed_count = count;
    runnable.user_types.push_back(std::move(type));
  }
  for (const auto& [name, weight] : plan.weights) {
    UserType type;
    type.name = name;
    type.weight = weight;
    runnable.user_types.push_back(std::move(type));
  }
  Scenario restricted;
  restricted.user_types = runner::restrict_to_named(runnable.user_types, named);
  TypePlan out = plan;
  out.fixed_counts = fixed_counts_of(restricted);
  out.weighted_cycle = weighted_cycle_of(restricted);
  return out;
}

std::vector<std::map<std::string, int>> split_weighted_counts(const std::vector<std::string>& cycle,
                                                              int fixed_total, int users, std::size_t n) {
  std::vector<std::map<std::string, int>> shares(n);
  if (n == 0 || cycle.empty()) return shares;
  for (auto& share : shares)
    for (const auto& name : cycle) share[name] = 0;
  const int first = std::max(0, fixed_total);
  for (int k = first; k < users; ++k) {
    const auto position = static_cast<std::size_t>(k - first) % cycle.size();
    ++shares[static_cast<std::size_t>(k) % n][cycle[position]];
  }
  return shares;
}

std::size_t split_max_inflight(std::size_t max_inflight, std::size_t n) {
  if (n == 0) return std::max<std::size_t>(1, max_inflight);
  return std::max<std::size_t>(1, (max_inflight + n - 1) / n);
}

}  // namespace cicada::distributed
