#pragma once
// How a master shares a test across its workers. Users are shared as Locust's dispatcher deals them, the
// fleet's user k to worker k mod n: equal shares, the first (total mod n) workers in join order one more.
// The spawn rate is shared the same way, so the whole fleet ramps at the rate asked for, as in Locust. A
// user type's fixed count is shared like users over the live workers (again on every join and loss), so
// the fleet runs exactly that many; the weighted users after them are dealt in Locust's order of the
// types (split_weighted_counts), each worker told its users of each. An arrival rate is shared in equal
// parts.
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "cicada/user.hpp"

namespace cicada::distributed {

struct Share {
  int users = 0;
  double spawn_rate = 0;
};

// n shares that add up to (users, spawn_rate); empty when n == 0.
std::vector<Share> split_users(int users, double spawn_rate, std::size_t n);

// The user types with a fixed count (type name -> count), as the scenario declares them.
std::map<std::string, int> fixed_counts_of(const Scenario& scenario);
// Worker i of n's share of each fixed count (n == 0: every type 0), as Locust's dispatcher deals them: the
// fleet's fixed users in Locust's order (runner::locust_fixed_order), user k to worker k mod n. So worker
// i's fixed users add up to its share of the sum of the counts, never more than its share of users when
// the users cover the fixed counts (two types of 1 over two workers give one each, not both to worker 0,
// whose single user could run only one of them).
// Under the fixed counts, only the fleet's first `users` are dealt (as Locust's).
std::map<std::string, int> split_fixed_counts(const std::map<std::string, int>& fixed, std::size_t i,
                                              std::size_t n, int users = std::numeric_limits<int>::max());
// split_fixed_counts of every worker, the order walked once (a rebalance deals them all).
std::vector<std::map<std::string, int>> deal_fixed_counts(const std::map<std::string, int>& fixed,
                                                          std::size_t n, int users);
// The fixed counts' sum (a negative count is none).
int fixed_users_of(const std::map<std::string, int>& fixed);
// One cycle of Locust's order of the scenario's weighted user types (runner::UserMix): type names.
std::vector<std::string> weighted_cycle_of(const Scenario& scenario);
// Each of n workers' users of each weighted type (every type of the cycle named, 0 included) when the fleet
// runs `users`, as Locust's dispatcher deals them: the `fixed_total` fixed users first (split_fixed_counts
// deals those), then the weighted ones in the cycle's order, the fleet's user k to worker k mod n (so each
// worker's users add up to its split_users share). Weights alone, applied in each worker, would not: four
// users of weights 3:1 on two workers ran two of the heavier type each and none of the other.
std::vector<std::map<std::string, int>> split_weighted_counts(const std::vector<std::string>& cycle,
                                                              int fixed_total, int users, std::size_t n);
// The user types of one test, as its master deals them. names: the types chosen for it (the command
// line's user classes, or the web UI's class picker), which each worker keeps (Start::user_types): in the
// open model each worker picks among its types by weight, so one it kept beyond them would run. The fixed
// counts and Locust's order of the weighted types are those of the chosen types left with a task under
// the test's tag filter (runner::check_runnable drops the others: a user dealt to one could not start).
struct TypePlan {
  std::vector<std::string> names;
  std::map<std::string, int> fixed_counts;  // fixed_counts_of
  std::vector<std::string> weighted_cycle;  // weighted_cycle_of
  std::map<std::string, double> weights;    // the weighted types (those left runnable) and their weights
};
TypePlan type_plan_of(const Scenario& chosen, const std::vector<std::string>& tags,
                      const std::vector<std::string>& exclude_tags);
// The plan of a target whose load shape named user types (runner/named_types.hpp, the same rule as a
// local run's): the named fixed types keep their counts, the others 0; the weighted cycle is Locust's
// order of the named weighted types alone.
TypePlan named_plan(const TypePlan& plan, const std::vector<std::string>& named);
// One worker's share of an open-model test's --max-inflight over n workers: rounded up, at least 1.
std::size_t split_max_inflight(std::size_t max_inflight, std::size_t n);

}  // namespace cicada::distributed
