#include "runner/stages.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>

#include "base/ascii.hpp"
#include "base/duration.hpp"

namespace cicada::runner {
namespace {

std::optional<double> parse_number(std::string_view s) {
  s = trim_blanks(s);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  // signbit, not v < 0: "-0" is -0.0, which labels then print as "-0/s".
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v) || std::signbit(v))
    return std::nullopt;
  return v;
}

std::string format_rate(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", r);
  return buf;
}

Error stage_error(std::string_view text, std::string_view why) {
  return Error{"stage '" + std::string(text) + "': " + std::string(why) +
               " (expected DURATION:USERS[@SPAWN_RATE], DURATION:RATE/s or DURATION:FROM..TO/s)"};
}

}  // namespace

std::string arrival_rate_problem(double rate, bool allow_zero) {
  if (!(allow_zero ? rate >= 0 : rate > 0))
    return allow_zero ? "must be a number >= 0 (iterations per second)"
                      : "must be a number greater than 0 (iterations per second)";
  if (rate > kMaxArrivalRate)
    return fmt::format("must be at most {:g} iterations per second", kMaxArrivalRate);
  return {};
}

Result<Stage> parse_stage(std::string_view text) {
  const std::string_view whole = trim_blanks(text);
  const auto colon = whole.find(':');
  if (colon == std::string_view::npos) return stage_error(whole, "no ':'");
  Stage stage;
  auto duration = parse_duration(trim_blanks(whole.substr(0, colon)));
  if (!duration) return stage_error(whole, duration.error().message);
  stage.duration = *duration;
  std::string_view target = trim_blanks(whole.substr(colon + 1));
  if (target.ends_with("/s")) {
    target.remove_suffix(2);
    const auto dots = target.find("..");
    if (dots != std::string_view::npos) {
      stage.rate_from = parse_number(target.substr(0, dots));
      stage.arrival_rate = parse_number(target.substr(dots + 2));
      if (!stage.rate_from || !stage.arrival_rate) return stage_error(whole, "rates must be numbers >= 0");
      if (auto problem = arrival_rate_problem(*stage.rate_from, true); !problem.empty())
        return stage_error(whole, "the rate " + problem);
    } else {
      stage.arrival_rate = parse_number(target);
      if (!stage.arrival_rate) return stage_error(whole, "the rate must be a number >= 0");
    }
    if (auto problem = arrival_rate_problem(*stage.arrival_rate, true); !problem.empty())
      return stage_error(whole, "the rate " + problem);
    return stage;
  }
  const auto at = target.find('@');
  const auto users = parse_number(target.substr(0, at));
  if (!users || *users != std::floor(*users) || *users > kMaxUsers)
    return stage_error(whole, fmt::format("users must be a whole number from 0 to {:g}", kMaxUsers));
  stage.users = static_cast<int>(*users);
  if (at != std::string_view::npos) {
    stage.spawn_rate = parse_number(target.substr(at + 1));
    if (!stage.spawn_rate || *stage.spawn_rate <= 0 || *stage.spawn_rate > kMaxUsers)
      return stage_error(whole, fmt::format("spawn rate must be > 0 and at most {:g}", kMaxUsers));
  }
  return stage;
}

Result<void> validate_stages(const std::vector<Stage>& stages) {
  if (stages.empty()) return make_error("at least one stage is needed");
  for (const auto& s : stages) {
    if (s.duration.count() <= 0) return make_error("every stage needs a duration > 0");
    if (s.open_model() != stages.front().open_model())
      return make_error("a list is either users (30s:10@5) or arrival rates (30s:50/s), not both");
  }
  return {};
}

Result<std::vector<Stage>> parse_stages(std::string_view text) {
  std::vector<Stage> stages;
  while (!trim_blanks(text).empty()) {
    const auto comma = text.find(',');
    auto stage = parse_stage(text.substr(0, comma));
    if (!stage) return stage.error();
    stages.push_back(*stage);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (auto r = validate_stages(stages); !r) return r.error();
  return stages;
}

std::string stage_label(const std::vector<Stage>& stages, std::size_t index) {
  const Stage& s = stages[index];
  std::string label = "stage " + std::to_string(index + 1) + "/" + std::to_string(stages.size()) + ": ";
  if (s.open_model()) {
    if (s.rate_from) label += format_rate(*s.rate_from) + "..";
    return label + format_rate(*s.arrival_rate) + "/s";
  }
  label += std::to_string(s.users) + " users";
  if (s.spawn_rate) label += " @ " + format_rate(*s.spawn_rate) + "/s";
  return label;
}

std::vector<Stage> step_stages(int start_users, int step_users, int steps,
                               std::chrono::microseconds step_duration, double spawn_rate) {
  std::vector<Stage> stages;
  for (int i = 0; i < steps; ++i) {
    Stage s;
    s.duration = step_duration;
    s.users = start_users + i * step_users;
    s.spawn_rate = spawn_rate;
    stages.push_back(s);
  }
  return stages;
}

std::vector<Stage> spike_stages(int base_users, int spike_users, std::chrono::microseconds before,
                                std::chrono::microseconds spike, std::chrono::microseconds after,
                                double spawn_rate) {
  std::vector<Stage> stages;
  for (auto [d, u] :
       {std::pair{before, base_users}, std::pair{spike, spike_users}, std::pair{after, base_users}}) {
    Stage s;
    s.duration = d;
    s.users = u;
    s.spawn_rate = spawn_rate;
    stages.push_back(s);
  }
  return stages;
}

ShapeFn stages_shape(std::vector<Stage> stages, double default_spawn_rate) {
  auto list = std::make_shared<const std::vector<Stage>>(std::move(stages));
  return [list, default_spawn_rate](std::chrono::duration<double> elapsed) -> std::optional<ShapeTarget> {
    double stage_start = 0;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const Stage& s = (*list)[i];
      const double length = std::chrono::duration<double>(s.duration).count();
      if (elapsed.count() < stage_start + length) {
        ShapeTarget t;
        t.stage = stage_label(*list, i);
        if (s.open_model()) {
          const double from = s.rate_from.value_or(*s.arrival_rate);
          const double progress = (elapsed.count() - stage_start) / length;
          t.arrival_rate = from + (*s.arrival_rate - from) * progress;
        } else {
          t.users = s.users;
          t.spawn_rate = s.spawn_rate.value_or(default_spawn_rate);
        }
        return t;
      }
      stage_start += length;
    }
    return std::nullopt;
  };
}

ShapeFn constant_rate_shape(double per_second) {
  return [per_second](std::chrono::duration<double>) -> std::optional<ShapeTarget> {
    ShapeTarget t;
    t.arrival_rate = per_second;
    t.stage = format_rate(per_second) + "/s";
    return t;
  };
}

bool opens_with_arrival_rate(const ShapeFn& shape) {
  const auto first = shape ? shape(std::chrono::duration<double>(0)) : std::nullopt;
  return first && first->arrival_rate;
}

}  // namespace cicada::runner
