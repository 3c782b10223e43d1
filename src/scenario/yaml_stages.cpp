#include "scenario/yaml_stages.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "scenario/arrival_distribution.hpp"

namespace cicada::scenario {
namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

double non_negative(const YamlContext& ctx, const YAML::Node& node, std::string_view what) {
  const double v = ctx.number(node, what);
  if (v < 0) ctx.fail(node, std::string(what) + " of at least 0");
  return v;
}

// One stage: {duration, users[, spawn_rate]} or {duration, arrival_rate[, ramp_from]}.
std::string parse_stage(const YamlContext& ctx, const YAML::Node& node) {
  ctx.require_map(node, "a stage");
  ctx.require_keys(node, "a stage", {"duration", "users", "spawn_rate", "arrival_rate", "ramp_from"});
  auto duration = YamlContext::find(node, "duration");
  if (!duration) ctx.fail(node.Mark(), "`duration:` in every stage", "none");
  ctx.duration(*duration, "duration");  // checked here so a mistake points at its line
  std::string text = ctx.string(*duration, "a duration") + ":";
  auto users = YamlContext::find(node, "users");
  auto rate = YamlContext::find(node, "arrival_rate");
  if (users.has_value() == rate.has_value())
    ctx.fail(node.Mark(), "a stage with either `users:` or `arrival_rate:`", users ? "both" : "neither");
  if (users) {
    const auto n = ctx.integer(*users, "a number of users");
    if (n < 0 || n > 10'000'000) ctx.fail(*users, "a number of users of at least 0");
    text += std::to_string(n);
    if (auto spawn = YamlContext::find(node, "spawn_rate")) {
      const double r = ctx.number(*spawn, "a spawn rate");
      if (!(r > 0)) ctx.fail(*spawn, "a spawn rate greater than 0");
      text += '@';
      text += number_text(r);
    }
    return text;
  }
  // Appended piece by piece: g++ 12 at -O3 warns falsely (-Wrestrict) on `string + "..."` chains here.
  if (auto from = YamlContext::find(node, "ramp_from")) {
    text += number_text(non_negative(ctx, *from, "an arrival rate"));
    text += "..";
  }
  text += number_text(non_negative(ctx, *rate, "an arrival rate"));
  text += "/s";
  return text;
}

}  // namespace

void parse_shape_settings(const YamlContext& ctx, const YAML::Node& root, ScenarioSettings& settings) {
  if (auto stages = YamlContext::find(root, "stages")) {
    if (!stages->IsSequence() || stages->size() == 0) ctx.fail(*stages, "a non-empty list of stages");
    for (const auto& stage : *stages) settings.stages.push_back(parse_stage(ctx, stage));
  }
  if (auto rate = YamlContext::find(root, "arrival_rate")) {
    const double r = ctx.number(*rate, "an arrival rate (iterations per second)");
    if (!(r > 0)) ctx.fail(*rate, "an arrival rate greater than 0");
    settings.arrival_rate = r;
  }
  if (auto inflight = YamlContext::find(root, "max_inflight")) {
    const auto n = ctx.integer(*inflight, "a number of iterations");
    if (n < 1 || n > 10'000'000) ctx.fail(*inflight, "max_inflight of at least 1");
    settings.max_inflight = static_cast<int>(n);
  }
  if (auto distribution = YamlContext::find(root, "arrival_distribution")) {
    const auto poisson = parse_arrival_distribution(ctx.string(*distribution, "constant or poisson"));
    if (!poisson) ctx.fail(*distribution, "constant or poisson");
    settings.poisson_arrivals = *poisson;
  }
}

}  // namespace cicada::scenario
