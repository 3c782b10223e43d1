#pragma once
// UserMix: which user type the next spawned user gets.
//
// Types with a fixed count are filled first, in Locust's order (locust_fixed_order). The weighted types
// follow Locust's dispatcher (locust/dispatch.py, UsersDispatcher._user_gen): the types sorted by name,
// each weight scaled so that the smallest is 2 and rounded (Python's round: half to even), then one cycle
// of a smooth weighted round robin over those (the `roundrobin` package's `smooth`), repeated. So a ramp up
// from no users has Locust's users of each type at every count: weights 3:1 (Reader, Breaker) spawn Reader,
// Breaker, Reader, Reader, Reader, Breaker, Reader, Reader...; and a ramp-down stops the newest, as Locust's
// does. After a ramp-down, the next users bring the mix back to the cycle's prefix of that many users (the
// weights' mix), where Locust's dispatcher goes on from where its cycle had got to (3:1 at 4, 2, then 4
// users: cicada 3 and 1 again, Locust 2 and 2).
//
// next() is asked with the live users per type, so it also mends a mix that moved (a type's users
// stopped for a worker's new share, a fixed count changed): it picks the type furthest below its count in
// the cycle's prefix of one more user, the cycle's own next type when that is among them. Held at its
// position, it costs O(1) per user.
//
// A distributed worker is told its share of the fleet's weighted users per type (set_counts, from the
// master's walk of the same cycle: dispatch.hpp): it then spawns exactly those, interleaved by the same
// round robin over the counts themselves (not rescaled, so the cycle gives each its count exactly).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "cicada/user.hpp"

namespace cicada::runner {

// One cycle of Locust's smooth weighted round robin over integer weights (a type with weight 0 never
// comes): the type index of each position, sum(weights) positions.
std::vector<std::uint32_t> smooth_round_robin(const std::vector<std::uint64_t>& weights);
// Locust's scaling of user-class weights before its round robin: the smallest positive weight becomes 2,
// each rounded half to even; 0 (or below) stays 0. Ratios past the longest cycle kept (2^20 positions in
// all) are scaled down alike (shrink_to_cycle).
std::vector<std::uint64_t> locust_weights(const std::vector<double>& weights);
// The order in which Locust's dispatcher starts fixed-count classes (indices into counts, which are by
// name): a smooth round robin of the counts scaled as weights are, each class taken while under its
// count: Admin 1, Robot 5 start Robot, Robot, Admin, Robot, Robot, Robot. Empty past 2^20 users (held as
// 4 bytes each): callers then take each class's users one after the other, in the counts' order.
std::vector<std::uint32_t> locust_fixed_order(const std::vector<std::uint64_t>& counts);
// Weights whose sum passes the longest cycle kept, scaled down to it alike (a positive one stays at least
// 1); others rounded as they are.
std::vector<std::uint64_t> shrink_to_cycle(const std::vector<double>& weights);

class UserMix {
 public:
  explicit UserMix(const std::vector<UserType>& types);

  // Index (into the types vector) of the type the next user should have, given the live users per type.
  std::size_t next(const std::vector<std::size_t>& live_per_type);
  // The fixed count of a type, or -1 for a weighted one.
  int fixed(std::size_t type) const { return fixed_[type]; }
  // A weighted type's count in this worker's share (set_counts), or -1 when the weights decide.
  long count(std::size_t type) const { return counts_.empty() ? -1 : static_cast<long>(counts_[type]); }
  // The weighted users of this worker's share in all (set_counts); nullopt when the weights decide.
  std::optional<std::uint64_t> counted_users() const;
  // Whether any type is weighted (else no user runs beyond the fixed counts, as in Locust).
  bool any_weighted() const { return !cycle_.empty(); }
  // One cycle of the weighted types' order: a type index per position; empty with no weighted type.
  const std::vector<std::uint32_t>& cycle() const { return cycle_; }
  // The fixed types' users in all, and each type's users among the first `users` of them (Locust's order:
  // what a target under the fixed counts keeps).
  std::uint64_t fixed_total() const { return fixed_total_; }
  std::vector<std::size_t> fixed_kept(std::size_t users) const;
  // Gives types new fixed counts (type index, count: a distributed worker's new share; 0 runs none of it).
  void set_fixed(const std::vector<std::pair<std::size_t, int>>& counts);
  // A distributed worker's share of the weighted users, per type (index: the types vector; fixed types'
  // entries are ignored): those counts replace the weights.
  void set_counts(const std::vector<std::uint64_t>& counts);

 private:
  void build_cycle();
  // The fixed type the next user should have (Locust's fixed order, fixed_order_), or none when every
  // fixed type has its count.
  std::optional<std::size_t> next_fixed(const std::vector<std::size_t>& live_per_type);
  // Each type's users in the first `users` positions of the repeated cycle, into expected_.
  void expect(std::uint64_t users);

  std::vector<double> weights_;       // the types' weights (0 for a fixed type)
  std::vector<std::size_t> by_name_;  // type indices sorted by name, as Locust sorts its user classes
  std::vector<int> fixed_;
  std::vector<std::uint64_t> counts_;  // set_counts' shares; empty: the weights
  std::vector<std::uint32_t> cycle_;   // type per position; empty: no weighted type
  std::vector<std::uint64_t> per_cycle_;
  std::size_t partial_at_ = 0;              // partial_ counts cycle_[0, partial_at_)
  std::vector<std::uint64_t> partial_;      // per type
  std::vector<std::uint64_t> expected_;     // per type, set by expect()
  std::vector<std::uint32_t> fixed_order_;  // the fixed types' users in Locust's order (type indices)
  std::size_t fixed_at_ = 0;                // the slots of fixed_order_ before this were met
  std::vector<std::uint64_t> fixed_seen_;   // per type, its slots before fixed_at_
  std::uint64_t fixed_total_ = 0;           // the fixed counts' sum
  // Past the longest order kept (fixed_order_ then empty): the fixed types, by name, filled one after the
  // other.
  std::vector<std::uint32_t> fixed_blocks_;
};

// Picks a task index by weight with the user's PRNG: O(log n) over cumulative weights, no allocation.
class TaskPicker {
 public:
  explicit TaskPicker(const std::vector<TaskSpec>& tasks);
  std::size_t pick(Random& rng) const;
  bool empty() const { return cumulative_.empty(); }

 private:
  std::vector<double> cumulative_;
};

}  // namespace cicada::runner
