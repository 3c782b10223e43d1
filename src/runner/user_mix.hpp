#pragma once
// UserMix: which user type the next spawned user gets.
//
// Types with a fixed count are filled first; then each new user goes to the weighted type that is most
// under-represented among the live users (lowest (live+1)/weight), so at every moment of a ramp the
// mix is as close to the weights as integers allow (ramping to 5 users of weights 4:1 gives 4 and 1).
#include <cstddef>
#include <vector>

#include "cicada/user.hpp"

namespace cicada::runner {

class UserMix {
 public:
  explicit UserMix(const std::vector<UserType>& types);

  // Index (into the types vector) of the type the next user should have, given the live users per type.
  std::size_t next(const std::vector<std::size_t>& live_per_type) const;
  // The fixed count of a type, or -1 for a weighted one.
  int fixed(std::size_t type) const { return fixed_[type]; }
  // Whether any type is weighted (else users beyond the fixed counts go to the first type, see next()).
  bool any_weighted() const {
    for (double w : weights_)
      if (w > 0) return true;
    return false;
  }
  // Gives a type a new fixed count (a distributed worker's new share; 0 runs none of it).
  void set_fixed(std::size_t type, int count) {
    fixed_[type] = count;
    weights_[type] = 0;
  }

 private:
  std::vector<double> weights_;
  std::vector<int> fixed_;
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
