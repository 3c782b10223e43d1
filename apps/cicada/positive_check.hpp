#pragma once
// The check of a flag that takes a number above 0 (--start, --spawn-rate, ...). CLI11's PositiveNumber
// says "Value 0 not in range 0.000000 to 1797693...": every digit of the largest double. This says what
// is wanted, and also refuses NaN and infinity.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <string>

namespace cicada::app {

// "" when text reads as a finite number above 0 (into v), else the problem in words.
inline std::string above_zero_problem(std::string& text, double& v) {
  if (!CLI::detail::lexical_cast(text, v) || !std::isfinite(v) || !(v > 0))
    return "must be a number above 0, got " + text;
  return {};
}

inline const CLI::Validator kAboveZero(
    [](std::string& text) -> std::string {
      double v = 0;
      return above_zero_problem(text, v);
    },
    "> 0");

// Above 0 and at most `most`: the limits runner/stages.hpp sets on rates and counts, so a flag cannot ask
// for what the form and the stages refuse.
inline CLI::Validator above_zero_at_most(double most) {
  return CLI::Validator(
      [most](std::string& text) -> std::string {
        double v = 0;
        if (auto problem = above_zero_problem(text, v); !problem.empty()) return problem;
        if (v > most) return fmt::format("must be at most {:g}, got {}", most, text);
        return {};
      },
      fmt::format("> 0, <= {:g}", most));
}

}  // namespace cicada::app
