#include "runner/capacity_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <memory>

#include "base/log.hpp"
#include "runner/local_runner.hpp"

namespace cicada::runner {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// "50ms", "1.5s", "250us", "0.2" (ms) into microseconds.
std::optional<double> parse_latency_us(std::string_view s) {
  double scale = 1000.0;
  if (s.ends_with("ms")) {
    s.remove_suffix(2);
  } else if (s.ends_with("us")) {
    s.remove_suffix(2);
    scale = 1.0;
  } else if (s.ends_with("s")) {
    s.remove_suffix(1);
    scale = 1e6;
  }
  double v = 0;
  s = trim(s);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !(v > 0)) return std::nullopt;
  return v * scale;
}

}  // namespace

Result<Slo> parse_slo(std::string_view text) {
  const auto lt = text.find('<');
  auto bad = [&](std::string_view why) {
    return make_error("--slo '" + std::string(text) + "': " + std::string(why) +
                      " (expected e.g. 'p95 < 50ms', 'avg < 20ms', 'fail_ratio < 1%')");
  };
  if (lt == std::string_view::npos) return bad("no '<'");
  const std::string_view metric = trim(text.substr(0, lt));
  std::string_view value = trim(text.substr(lt + 1));
  Slo slo;
  slo.text = std::string(trim(text));
  if (metric == "fail_ratio") {
    slo.kind = Slo::Kind::kFailRatio;
    double scale = 1.0;
    if (value.ends_with("%")) {
      value.remove_suffix(1);
      scale = 0.01;
    }
    double v = 0;
    value = trim(value);
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size() || v < 0) return bad("not a ratio");
    slo.limit = v * scale;
    return slo;
  }
  const auto limit = parse_latency_us(value);
  if (!limit) return bad("not a latency (50ms, 1s, 250us)");
  slo.limit = *limit;
  if (metric == "avg") {
    slo.kind = Slo::Kind::kAverage;
    return slo;
  }
  if (metric.size() < 2 || metric[0] != 'p') return bad("unknown metric");
  double q = 0;
  auto [p, ec] = std::from_chars(metric.data() + 1, metric.data() + metric.size(), q);
  if (ec != std::errc() || p != metric.data() + metric.size() || !(q > 0) || q > 100)
    return bad("bad percentile");
  slo.kind = Slo::Kind::kPercentile;
  slo.quantile = q / 100.0;
  return slo;
}

std::string format_load(const CapacityPlan& plan, double load) {
  return plan.open_model ? fmt::format("{:g}/s", load) : fmt::format("{:g} users", load);
}

CapacitySearch::CapacitySearch(CapacityPlan plan, std::vector<Slo> slos)
    : plan_(plan), slos_(std::move(slos)), load_(plan.start) {}

bool CapacitySearch::judge(const stats::Snapshot& measured, double seconds) {
  const auto& t = measured.total;
  CapacityPoint point;
  point.step = step_;
  point.load = load_;
  point.throughput_rps = static_cast<double>(t.num_requests) / std::max(1e-3, seconds);
  point.percentiles_us = t.percentiles_us;
  point.avg_us = t.avg_us;
  point.fail_ratio = t.fail_ratio();
  point.dropped = measured.dropped_iterations;
  for (const auto& slo : slos_) {
    double value = 0;
    std::string shown;
    switch (slo.kind) {
      case Slo::Kind::kPercentile:
        value = t.latency ? static_cast<double>(t.latency->value_at_quantile(slo.quantile)) : 0.0;
        shown = fmt::format("{:.1f} ms", value / 1000.0);
        break;
      case Slo::Kind::kAverage:
        value = t.avg_us;
        shown = fmt::format("{:.1f} ms", value / 1000.0);
        break;
      case Slo::Kind::kFailRatio:
        value = point.fail_ratio;
        shown = fmt::format("{:.2f}%", value * 100.0);
        break;
    }
    if (!(value < slo.limit)) {
      point.within_slo = false;
      point.violated = slo.text + " (measured " + shown + ")";
      break;
    }
  }
  const double scheduled = static_cast<double>(t.num_requests + point.dropped);
  if (point.within_slo && plan_.open_model && scheduled > 0 &&
      static_cast<double>(point.dropped) / scheduled > plan_.max_dropped_ratio) {
    point.within_slo = false;
    point.violated = fmt::format(
        "dropped iterations {} of {} (the generator could not keep the rate: "
        "raise --max-inflight)",
        point.dropped, static_cast<std::uint64_t>(scheduled));
  }
  bool go_on = true;
  if (!point.within_slo) {
    result_.stop_reason = "limit crossed at " + format_load(plan_, load_) + ": " + point.violated;
    go_on = false;
  } else if (!result_.curve.empty()) {
    const CapacityPoint& prev = result_.curve.back();
    const double load_growth = (point.load - prev.load) / prev.load;
    const double tp_growth =
        prev.throughput_rps > 0 ? (point.throughput_rps - prev.throughput_rps) / prev.throughput_rps : 1.0;
    if (tp_growth < plan_.min_growth_ratio * load_growth) {
      point.within_slo = false;
      point.violated = fmt::format("throughput stopped growing ({:.1f}/s after {:.1f}/s)",
                                   point.throughput_rps, prev.throughput_rps);
      result_.stop_reason = "at " + format_load(plan_, load_) + ": " + point.violated;
      go_on = false;
    }
  }
  if (point.within_slo) {
    result_.found = true;
    result_.best = point;
  }
  result_.curve.push_back(point);
  if (go_on && step_ >= plan_.max_steps) {
    result_.stop_reason = fmt::format("--max-steps {} reached without crossing a limit", plan_.max_steps);
    go_on = false;
  }
  if (go_on) {
    ++step_;
    load_ = plan_.factor > 1 ? load_ * plan_.factor : load_ + plan_.step;
    if (!plan_.open_model) load_ = std::round(load_);
  }
  return go_on;
}

CapacityResult run_capacity_search(Scenario scenario, RunOptions options, CapacityPlan plan,
                                   std::vector<Slo> slos,
                                   const std::function<void(const CapacityPoint&)>& progress) {
  CapacitySearch search(plan, std::move(slos));
  // The runner's shape reads the current load; the control thread (on_second) moves it.
  auto load = std::make_shared<std::atomic<double>>(search.load());
  options.run_time.reset();
  options.reset_stats = false;
  options.shape = [load, plan](std::chrono::duration<double>) -> std::optional<ShapeTarget> {
    ShapeTarget t;
    const double l = load->load();
    if (plan.open_model) {
      t.arrival_rate = l;
    } else {
      t.users = static_cast<int>(l);
      t.spawn_rate = std::max(1.0, l);  // reach each step within about a second
    }
    t.stage = "capacity step: " + format_load(plan, l);
    return t;
  };
  LocalRunner runner(std::move(scenario), std::move(options));
  if (auto r = runner.prepare(); !r) {
    CapacityResult failed;
    failed.stop_reason = r.error().message;
    return failed;
  }
  const auto warmup = static_cast<int>(plan.warmup.count());
  const auto hold = static_cast<int>(std::max<std::int64_t>(1, plan.hold.count()));
  // A reset requested during second k takes effect when second k+1 is collected and drops that second's
  // samples, so it is requested one second before the window: the measured window is then exactly
  // seconds warmup+1 .. warmup+hold of each step. Without a warm-up the step's first second is dropped
  // instead (it straddles the change of load), and the window is one second shorter.
  const int reset_at = warmup - 1;  // 0: at the previous step's last second, or before the run
  const double measured_seconds = warmup >= 1 ? hold : std::max(1, hold - 1);
  if (reset_at <= 0) runner.reset_stats();
  int second = 0;
  runner.run([&](const stats::Snapshot& snap) {
    ++second;
    if (second == reset_at) runner.reset_stats();
    if (second < warmup + hold) return;
    const bool more = search.judge(snap, measured_seconds);
    progress(search.result().curve.back());
    second = 0;
    if (!more) {
      runner.stop();
      return;
    }
    load->store(search.load());
    if (reset_at <= 0) runner.reset_stats();
  });
  CapacityResult result = search.result();
  result.final_stats = runner.snapshot();
  result.seed = runner.seed();
  return result;
}

}  // namespace cicada::runner
