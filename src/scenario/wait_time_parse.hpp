#pragma once
// Locust's wait_time functions written as text: "between(1, 5)", "constant(0)", "constant_pacing(2)",
// "constant_throughput(10)". Arguments are seconds (tasks per second for constant_throughput).
#include <string_view>

#include "base/result.hpp"
#include "cicada/user.hpp"

namespace cicada::scenario {

// The error message says what was expected (without a position; the YAML loader adds it).
Result<WaitTime> parse_wait_time(std::string_view text);

}  // namespace cicada::scenario
