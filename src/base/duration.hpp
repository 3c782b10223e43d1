#pragma once
// Human durations as Locust accepts them: "20", "20s", "3m", "2h", "1h20m", "3h30m10s", plus "500ms".
#include <chrono>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace cicada {

// A bare number means seconds, as in Locust's -t. Fractions are allowed ("1.5s").
Result<std::chrono::microseconds> parse_duration(std::string_view text);

// "1h20m5s", "1s500ms", "250ms", "0s": the shortest exact form, for messages and reports.
std::string format_duration(std::chrono::microseconds d);

}  // namespace cicada
