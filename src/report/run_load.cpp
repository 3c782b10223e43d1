#include "report/run_load.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "scenario/arrival_distribution.hpp"

namespace cicada::report {
namespace {

using nlohmann::json;

// Whether a recorded object names Poisson arrivals (absent, as in runs recorded before them: paced).
bool poisson_named(const json& object) {
  return scenario::parse_arrival_distribution(object.value("arrival_distribution", std::string()))
      .value_or(false);
}

std::string capacity_phrase(const json& c) {
  const bool rate = c.value("mode", std::string("rate")) == "rate";
  std::string slos;
  if (auto it = c.find("slos"); it != c.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_string()) slos += (slos.empty() ? "" : ", ") + s.get<std::string>();
  const double start = c.value("start", 0.0);
  const auto result = c.find("result");
  const bool poisson = result != c.end() && result->is_object() && poisson_named(*result);
  std::string out =
      rate ? fmt::format("capacity search by {}arrival rate from {:g}/s", poisson ? "Poisson " : "", start)
           : fmt::format("capacity search by users from {:g}", start);
  if (!slos.empty()) out += " (" + slos + ")";
  if (result != c.end() && result->is_object()) {
    // As the console says it (runner::answer_label): where the generator saturated, a lower bound.
    const bool saturated = result->value("generator_saturated", false);
    if (result->value("found", false)) {
      const double best = result->value("max_load", 0.0);
      const bool unproven = result->value("fail_ratio_unproven", false);
      const char* what = saturated ? "highest before the generator saturated"
                         : result->value("limit_not_reached", false) ? "highest measured before --max-steps"
                         : unproven                                  ? "highest met"
                                                                     : "highest sustainable";
      out += fmt::format(": {} {:g}{}{}", what, best,
                         rate        ? "/s"
                         : best == 1 ? " user"
                                     : " users",
                         unproven ? " (fail ratio unproven)" : "");
    } else {
      out += ": no step met the objectives";
    }
    if (const double bound = result->value("saturated_bound_rps", 0.0); saturated && bound > 0)
      out += fmt::format(" ({:.0f} req/s within the objectives where it saturated)", bound);
  }
  return out;
}

}  // namespace

nlohmann::json run_load_json(const RunLoad& l) {
  return {{"mode", l.mode},
          {"users", l.users},
          {"spawn_rate", l.spawn_rate},
          {"arrival_rate", l.arrival_rate},
          {"stages", l.stages},
          {"max_inflight", l.max_inflight},
          {"arrival_distribution", scenario::arrival_distribution_name(l.poisson_arrivals)},
          {"workers", l.workers},
          {"capacity", l.capacity}};
}

RunLoad run_load_from_config(const std::string& config_json, int users) {
  RunLoad l;
  l.users = users;
  const auto c = json::parse(config_json, nullptr, false);
  if (!c.is_object()) return l;
  if (c.value("kind", std::string()) == "capacity") {
    l.mode = "capacity";
    l.capacity = capacity_phrase(c);
    l.max_inflight = c.value("max_inflight", std::size_t{0});
    return l;
  }
  if (auto it = c.find("load"); it != c.end() && it->is_object()) {
    l.mode = it->value("mode", std::string("users"));  // users: the recorded run's own (peak) count
    l.spawn_rate = it->value("spawn_rate", 0.0);
    l.arrival_rate = it->value("arrival_rate", 0.0);
    l.stages = it->value("stages", std::string());
    l.max_inflight = it->value("max_inflight", std::size_t{0});
    l.poisson_arrivals = poisson_named(*it);
    l.workers = it->value("workers", 0);
    return l;
  }
  // Recorded before the "load" key: the flags the run was given.
  l.spawn_rate = c.value("spawn_rate", 0.0);
  l.stages = c.value("stages", std::string());
  l.arrival_rate = c.value("arrival_rate", 0.0);
  if (!l.stages.empty()) {
    l.mode = "stages";
  } else if (l.arrival_rate > 0) {
    l.mode = "arrival_rate";
    l.max_inflight = c.value("max_inflight", std::size_t{0});
  }
  return l;
}

int peak_users(const stats::Snapshot& snap, int asked) {
  int peak = -1;
  for (const auto& b : snap.history) peak = std::max(peak, b->user_count);
  // A run shorter than a second closes its only second after its users stopped (0 users): requests were
  // made, so users ran, and what was asked is the best figure there is.
  if (peak == 0 && snap.total.num_requests > 0) return asked;
  return peak < 0 ? asked : peak;
}

std::string describe_load(const RunLoad& l, const stats::Snapshot& snap) {
  std::string out;
  if (l.mode == "capacity") {
    out = l.capacity.empty() ? "capacity search" : l.capacity;
  } else if (l.mode == "arrival_rate") {
    out = fmt::format("arrival rate {:g}/s", l.arrival_rate);
  } else if (l.mode == "stages") {
    out = "stages " + l.stages;
  } else if (l.mode == "shape") {
    out = "a load shape from the scenario";
  } else {
    out = fmt::format("{} users", peak_users(snap, l.users));
    if (l.spawn_rate > 0) out += fmt::format(" (spawn rate {:g}/s)", l.spawn_rate);
  }
  if (l.max_inflight > 0 && l.mode != "users" && l.mode != "capacity")
    out += fmt::format(" ({}max in-flight {})",
                       l.poisson_arrivals ? fmt::format("{}, ", scenario::kPoissonArrivalsLabel) : "",
                       l.max_inflight);
  if (l.workers > 0) out += fmt::format(", {} worker{}", l.workers, l.workers == 1 ? "" : "s");
  return out;
}

}  // namespace cicada::report
