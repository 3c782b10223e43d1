#include "scenario/wait_time_parse.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "base/ascii.hpp"

namespace cicada::scenario {

namespace {

bool parse_seconds(std::string_view s, double& out) {
  s = trim_blanks(s);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && std::isfinite(out) && out >= 0;
}

}  // namespace

Result<WaitTime> parse_wait_time(std::string_view text) {
  const std::string usage =
      "a wait time: between(MIN, MAX), constant(S), constant_pacing(S) or constant_throughput(N) with "
      "numbers >= 0";
  auto bad = [&](std::string_view why) {
    return make_error(usage + ", got \"" + std::string(text) + "\"" + std::string(why));
  };

  std::string_view t = trim_blanks(text);
  auto open = t.find('(');
  if (open == std::string_view::npos || t.empty() || t.back() != ')') return bad("");
  std::string_view fn = trim_blanks(t.substr(0, open));
  std::string_view inside = t.substr(open + 1, t.size() - open - 2);

  std::vector<double> args;
  while (true) {
    auto comma = inside.find(',');
    double v = 0;
    if (!parse_seconds(inside.substr(0, comma), v)) return bad("");
    args.push_back(v);
    if (comma == std::string_view::npos) break;
    inside.remove_prefix(comma + 1);
  }

  if (fn != "between" && fn != "constant" && fn != "constant_pacing" && fn != "constant_throughput")
    return bad("");
  if (fn == "between") {
    if (args.size() != 2) return bad(" (between takes 2 numbers)");
    if (args[0] > args[1]) return bad(" (MIN is above MAX)");
    return WaitTime::between(args[0], args[1]);
  }
  if (args.size() != 1) return bad(" (this function takes 1 number)");
  if (fn == "constant") return WaitTime::constant(args[0]);
  if (fn == "constant_pacing") return WaitTime::constant_pacing(args[0]);
  if (fn == "constant_throughput") {
    if (args[0] <= 0) return bad(" (throughput must be above 0)");
    return WaitTime::constant_throughput(args[0]);
  }
  return bad("");
}

}  // namespace cicada::scenario
