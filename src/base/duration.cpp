#include "base/duration.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace cicada {

Result<std::chrono::microseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return make_error("invalid duration '" + std::string(text) +
                      "': use a number of seconds or units like 20s, 3m, 1h20m, 500ms");
  };
  if (text.empty()) return bad();
  double total_us = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return bad();
    double number = 0;
    auto [p, ec] = std::from_chars(text.data() + start, text.data() + i, number);
    if (ec != std::errc{} || p != text.data() + i) return bad();
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale;
    if (unit.empty() || unit == "s")
      scale = 1e6;
    else if (unit == "ms")
      scale = 1e3;
    else if (unit == "us")
      scale = 1;
    else if (unit == "m")
      scale = 60e6;
    else if (unit == "h")
      scale = 3600e6;
    else if (unit == "d")
      scale = 86400e6;
    else
      return bad();
    if (unit.empty() && i != text.size()) return bad();  // "10 5" or "10s5" without unit mid-string
    total_us += number * scale;
    any = true;
  }
  if (!any || !std::isfinite(total_us) || total_us < 0) return bad();
  // Past 100 years a duration is a typo, and past ~292,000 years it overflowed the microseconds (a web
  // form's run_time of 99999999999999999999h ran for -9223372036854 s, i.e. stopped at once).
  constexpr double kMostUs = 100.0 * 365 * 86400e6;
  if (total_us > kMostUs)
    return make_error("invalid duration '" + std::string(text) + "': longer than 100 years");
  return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(total_us)));
}

std::string format_duration(std::chrono::microseconds d) {
  auto us = d.count();
  if (us == 0) return "0s";
  std::string out;
  auto s = us / 1'000'000, fraction = us % 1'000'000;
  auto h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (sec) out += std::to_string(sec) + "s";
  // The web UI's start form is filled with this text and sent back as run_time, so 1.5 s must not come
  // back as "1s": the fraction stays, as the ms or us parse_duration adds to what precedes it.
  if (fraction % 1000 == 0 && fraction != 0)
    out += std::to_string(fraction / 1000) + "ms";
  else if (fraction != 0)
    out += std::to_string(fraction) + "us";
  return out;
}

}  // namespace cicada
