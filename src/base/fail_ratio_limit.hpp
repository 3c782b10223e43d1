#pragma once
// The limit of a fail_ratio objective, as `--slo` and `--threshold` read it: "1%" or a fraction below 1
// ("0.01"). A bare 1 or more is refused rather than read as 100% or more, which no run can cross: the
// user meant a percentage and left out the '%'.
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace cicada {

inline Result<double> fail_ratio_limit(double number, std::string_view unit) {
  if (unit == "%") {
    if (number > 100) return make_error("a percentage of failures is at most 100%");
    return number / 100.0;
  }
  if (!unit.empty())
    return make_error("expected '%' or no unit for fail_ratio, got '" + std::string(unit) + "'");
  if (number >= 1.0) return make_error("expected a ratio as a percentage (1%) or a fraction below 1 (0.01)");
  return number;
}

}  // namespace cicada
