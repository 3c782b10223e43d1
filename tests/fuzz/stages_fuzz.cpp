// Durations and stages from outside (src/base/duration, src/runner/stages): the web UI's start form sends
// run_time and stages (POST /swarm, from any client that reaches the UI), and --run-time, --stages and
// config files hold the same text. The whole input is a duration, one stage and a list of stages.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "base/duration.hpp"
#include "fuzz_support.hpp"
#include "runner/stages.hpp"

namespace {

using cicada::fuzz::require;
using cicada::runner::Stage;
using namespace std::chrono_literals;

// parse_duration's limit (src/base/duration.cpp): past it a duration is a typo or overflows.
constexpr std::chrono::microseconds kMostDuration = std::chrono::hours(100 * 365 * 24);

void check_duration(std::string_view text) {
  const auto d = cicada::parse_duration(text);
  if (!d) {
    require(!d.error().message.empty(), "a refused duration has a message");
    return;
  }
  require(*d >= 0us && *d <= kMostDuration, "a duration is from 0 to 100 years");
  // Every part of the formatted text is a whole number of its unit, below 2^53 µs, so exact as a double.
  const auto again = cicada::parse_duration(cicada::format_duration(*d));
  require(again && *again == *d, "a formatted duration parses back to itself");
}

// A rate as arrival_rate_problem allows it, and not -0 (which it lets through, and labels print as "-0").
bool good_rate(double rate, bool allow_zero) {
  return cicada::runner::arrival_rate_problem(rate, allow_zero).empty() && !std::signbit(rate);
}

void check_stage(const Stage& s) {
  require(s.duration >= 0us && s.duration <= kMostDuration, "a stage lasts from 0 to 100 years");
  if (s.open_model()) {
    require(good_rate(*s.arrival_rate, true), "a stage's rate is one cicada runs (0 pauses)");
    require(!s.rate_from || good_rate(*s.rate_from, true), "a ramp's first rate is one cicada runs");
    require(s.users == 0 && !s.spawn_rate, "a rate stage has no users");
  } else {
    require(!s.rate_from, "only a rate stage ramps");
    require(s.users >= 0 && s.users <= cicada::runner::kMaxUsers, "users from 0 to kMaxUsers");
    require(!s.spawn_rate || (*s.spawn_rate > 0 && *s.spawn_rate <= cicada::runner::kMaxUsers),
            "a spawn rate is > 0 and at most kMaxUsers");
  }
}

bool same(const Stage& a, const Stage& b) {
  return a.duration == b.duration && a.users == b.users && a.spawn_rate == b.spawn_rate &&
         a.arrival_rate == b.arrival_rate && a.rate_from == b.rate_from;
}

// What a test following the stages starts with, and that it ends when the last stage does.
void check_shape(const std::vector<Stage>& stages) {
  const Stage& first = stages.front();
  const cicada::ShapeFn shape = cicada::runner::stages_shape(stages, 1.0);
  require(cicada::runner::opens_with_arrival_rate(shape) == first.open_model(),
          "the first stage chooses the model");
  const auto start = shape(std::chrono::duration<double>(0));
  require(start.has_value(), "a test with stages has a target at 0 s");
  require(start->stage == cicada::runner::stage_label(stages, 0), "it is the first stage's");
  if (first.open_model())
    require(start->arrival_rate == first.rate_from.value_or(*first.arrival_rate),
            "a ramp starts at its from");
  else
    require(start->users == first.users && start->spawn_rate == first.spawn_rate.value_or(1.0),
            "the first stage's users, at its spawn rate or the run's");
  double total = 0;  // as stages_shape adds them
  for (const Stage& s : stages) total += std::chrono::duration<double>(s.duration).count();
  require(!shape(std::chrono::duration<double>(total)), "the test ends when the last stage does");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cicada::runner;
  const std::string_view in = cicada::fuzz::as_text(data, size);

  check_duration(in);

  const auto one = parse_stage(in);
  if (one)
    check_stage(*one);
  else
    require(!one.error().message.empty(), "a refused stage has a message");

  const auto stages = parse_stages(in);
  if (!stages) {
    require(!stages.error().message.empty(), "refused stages have a message");
    // Without a comma the list is that one stage, refused only for lasting 0 s.
    if (in.find(',') == std::string_view::npos) require(!one || one->duration == 0us, "one stage is a list");
    return 0;
  }
  require(!stages->empty(), "an accepted list has a stage");
  require(stages->size() <= static_cast<std::size_t>(std::count(in.begin(), in.end(), ',')) + 1,
          "at most one stage per comma-separated piece");
  require(validate_stages(*stages).ok(), "validate_stages accepts what parse_stages returns");
  for (std::size_t i = 0; i < stages->size(); ++i) {
    const Stage& s = (*stages)[i];
    check_stage(s);
    require(s.duration > 0us, "every stage lasts more than 0 s");
    require(s.open_model() == stages->front().open_model(), "one model for the whole list");
    const std::string label = stage_label(*stages, i);
    const std::string prefix = "stage " + std::to_string(i + 1) + "/" + std::to_string(stages->size()) + ": ";
    require(label.starts_with(prefix) && label.size() > prefix.size(), "a label names its stage and target");
  }
  if (in.find(',') == std::string_view::npos)
    require(one && stages->size() == 1 && same(*one, stages->front()), "one stage is a list");
  check_shape(*stages);
  return 0;
}
