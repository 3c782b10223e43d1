#include "runner/capacity_run.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

#include "base/log.hpp"
#include "runner/capacity_inflight.hpp"
#include "runner/capacity_window.hpp"

namespace cicada::runner {
namespace {

using namespace std::chrono_literals;

// After a step past the limit the target may hold a backlog (up to --max-inflight requests); the next
// step starts once it drained, or after this long.
constexpr int kMaxDrainSeconds = 30;

ShapeFn capacity_shape(std::shared_ptr<std::atomic<double>> load, bool open_model) {
  return [load, open_model](std::chrono::duration<double>) -> std::optional<ShapeTarget> {
    ShapeTarget t;
    const double l = load->load();
    if (open_model) {
      t.arrival_rate = l;
    } else {
      t.users = static_cast<int>(l);
      t.spawn_rate = std::max(1.0, l);  // reach each step within about a second
    }
    // The load as the step's line says it ("3.33/s", "10 users"), not truncated to "3".
    CapacityPlan plan;
    plan.open_model = open_model;
    t.stage = l > 0 ? "capacity step: " + format_load(plan, l) : "capacity: draining";
    return t;
  };
}

}  // namespace

Result<CapacityResult> run_capacity_search(TestRunSource& source, const Scenario& scenario,
                                           RunOptions options, const CapacityPlan& plan_in,
                                           std::vector<Slo> slos, const CapacityProbes& probes) {
  CapacityPlan plan = plan_in;
  plan.max_inflight = options.max_inflight;
  CapacitySearch search(plan, std::move(slos));
  // Open model: the cap on iterations in flight follows the target (capacity_inflight.hpp), from the
  // floor at the first step up to --max-inflight. A step sizes it from the latency of the last met
  // step (a failed step's backlog is drained before the next, lower one), then from its own windows.
  double sent_mean_us = 0;      // the latest window's that completed requests
  double met_sent_mean_us = 0;  // the last met step's last window's
  std::size_t cap = capacity_inflight_cap(search.load(), 0, plan.max_inflight);
  if (plan.open_model) options.max_inflight = cap;
  auto load = std::make_shared<std::atomic<double>>(search.load());
  options.run_time.reset();
  options.reset_stats = false;
  options.warmup.reset();
  options.max_lateness = std::min<std::chrono::microseconds>(options.max_lateness, 1s);
  options.shape = capacity_shape(load, plan.open_model);
  auto made = source.make(scenario, options);
  if (!made) return made.error();
  TestRun& run = **made;

  auto cpu = [&] { return probes.generator_cpu ? probes.generator_cpu() : -1.0; };
  auto cpu_wait = [&] { return probes.generator_cpu_wait ? probes.generator_cpu_wait() : -1.0; };
  auto busy = [&] { return probes.generator_busy ? probes.generator_busy() : -1.0; };
  auto server = [&] { return probes.server ? probes.server() : ServerFigures{}; };
  const int warmup = static_cast<int>(plan.warmup.count());
  int second = 0;  // seconds into the current step (or drain)
  bool draining = false;
  int window_s = static_cast<int>(search.window().count());
  int next_edge = warmup;  // second at which the next window begins or ends
  bool in_window = false;
  std::vector<bool> reported_met;  // per curve point: within the objectives when reported
  WindowMark mark;
  auto begin_window = [&](const stats::Snapshot& snap) {
    mark = mark_of(snap);
    cpu();
    cpu_wait();
    busy();
    server();
    in_window = true;
    next_edge = second + window_s;
  };
  auto generator_full = [&](const CapacityWindow& w) {
    return w.generator_busy >= 0 ? w.generator_busy >= plan.max_generator_busy
                                 : w.generator_cpu >= plan.max_generator_cpu;
  };
  // The last window's generator had no time to spare: neither the rest of its step nor the next step's
  // start raises the cap (a higher load sized from the last met step's latency raised it from 64 to
  // 106-119 for the failing steps at 110,000/s of case A, bench/RESULTS.md "Session 26", with the loops
  // 97% busy in the step below).
  bool last_window_full = false;
  auto follow_target = [&] {
    if (!plan.open_model) return;
    const std::size_t next =
        capacity_inflight_cap_after(cap, search.load(), sent_mean_us, plan.max_inflight, last_window_full);
    if (next != cap) run.set_max_inflight(next);
    cap = next;
  };
  auto begin_step = [&](const stats::Snapshot& snap) {
    follow_target();
    second = 0;
    window_s = static_cast<int>(search.window().count());
    load->store(search.load());
    in_window = false;
    next_edge = warmup;
    if (warmup == 0) begin_window(snap);
  };
  bool started = false;
  run.run([&](const stats::Snapshot& snap) {
    if (!started) {  // the first closed second: the first step's warm-up counts from here
      started = true;
      begin_step(snap);
      return;
    }
    ++second;
    if (draining) {
      if (snap.user_count == 0 || second >= kMaxDrainSeconds) {
        draining = false;
        begin_step(snap);
      }
      return;
    }
    if (second < next_edge) return;
    if (!in_window) {
      begin_window(snap);
      return;
    }
    CapacityWindow w = window_between(mark, mark_of(snap), snap.user_count);
    w.generator_cpu = cpu();
    w.generator_cpu_wait = cpu_wait();
    w.generator_busy = busy();
    w.server = server();
    if (plan.open_model) w.inflight_cap = cap;
    if (w.sent_mean_us > 0) sent_mean_us = w.sent_mean_us;
    last_window_full = generator_full(w);
    mark = mark_of(snap);
    next_edge = second + window_s;
    if (probes.on_window) probes.on_window(search.load(), summarize(w));
    const bool ended = search.add_window(w);
    if (!ended) {
      follow_target();
      return;
    }
    const auto& curve = search.result().curve;
    const CapacityPoint& point = curve.back();
    if (point.within_slo)
      met_sent_mean_us = sent_mean_us;
    else
      sent_mean_us = met_sent_mean_us;
    if (probes.on_step) probes.on_step(point);
    reported_met.resize(curve.size(), false);
    for (std::size_t i = 0; i < curve.size(); ++i) {
      if (i + 1 < curve.size() && reported_met[i] && !curve[i].within_slo && probes.on_step_revised)
        probes.on_step_revised(curve[i]);
      reported_met[i] = curve[i].within_slo;
    }
    if (search.done()) {
      run.stop();
      return;
    }
    if (plan.open_model && !point.within_slo) {
      draining = true;  // pause the schedule until the target's backlog is gone
      second = 0;
      load->store(0);
      return;
    }
    begin_step(snap);
  });
  CapacityResult result = search.result();
  result.final_stats = run.snapshot();
  result.seed = run.description().options.seed;
  return result;
}

}  // namespace cicada::runner
