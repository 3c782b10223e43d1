#pragma once
// A payload generator makes one request body per call. Generators are immutable after loading and shared
// by all users of all threads; each user passes its own Random and its own scratch buffer, so drawing a
// payload takes no lock and, once the buffer has grown to the payload size, no allocation.
#include <string>
#include <string_view>

#include "cicada/random.hpp"

namespace cicada::scenario {

class PayloadGenerator {
 public:
  virtual ~PayloadGenerator() = default;
  // The body for one request: either a view of `scratch` (overwritten) or of the generator's own
  // constant text. Valid until the next call with the same scratch.
  virtual std::string_view generate(Random& rng, std::string& scratch) const = 0;
};

}  // namespace cicada::scenario
