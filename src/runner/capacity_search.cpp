#include "runner/capacity_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "runner/capacity_agreement.hpp"

namespace cicada::runner {

namespace {

double throughput(const CapacityWindow& w) {
  return static_cast<double>(w.requests) / std::max(1e-3, w.seconds);
}

// The load a window offered, which its throughput must follow: the rate, or under Poisson arrivals what
// the schedule drew in it (its due iterations, sqrt(N) either way around the rate), so a window that drew
// fewer arrivals is not a target falling behind, and no allowance lets a real plateau through.
double offered_rps(const CapacityPlan& plan, double load, const CapacityWindow& w) {
  if (!plan.poisson_arrivals || w.due == 0) return load;
  return static_cast<double>(w.due) / std::max(1e-3, w.seconds);
}

// Windows merged into one measurement (the windows a step is judged on).
CapacityWindow merged(const std::vector<CapacityWindow>& windows, std::size_t last) {
  CapacityWindow m;
  double cpu_sum = 0, wait_sum = 0;
  int cpu_n = 0, wait_n = 0, busy_n = 0;
  double busy_sum = 0;
  std::int64_t lateness_sum = 0;
  const std::size_t from = windows.size() - std::min(last, windows.size());
  for (std::size_t i = from; i < windows.size(); ++i) {
    const auto& w = windows[i];
    m.seconds += w.seconds;
    m.requests += w.requests;
    m.failures += w.failures;
    m.dropped += w.dropped;
    m.due += w.due;
    m.latency.merge(w.latency);
    lateness_sum += w.lateness_p50_us;
    if (w.generator_cpu >= 0) {
      cpu_sum += w.generator_cpu;
      ++cpu_n;
    }
    if (w.generator_cpu_wait >= 0) {
      wait_sum += w.generator_cpu_wait;
      ++wait_n;
    }
    if (w.generator_busy >= 0) {
      busy_sum += w.generator_busy;
      ++busy_n;
    }
    m.in_flight = w.in_flight;
    m.inflight_cap = w.inflight_cap;
    m.server = w.server;
  }
  const auto n = static_cast<std::int64_t>(windows.size() - from);
  m.lateness_p50_us = n ? lateness_sum / n : 0;
  m.generator_cpu = cpu_n ? cpu_sum / cpu_n : -1;
  m.generator_cpu_wait = wait_n ? wait_sum / wait_n : -1;
  m.generator_busy = busy_n ? busy_sum / busy_n : -1;
  return m;
}

// Users are whole; rates keep three significant digits (468/s, 35,100/s): readable, and far finer than
// any precision the search is asked for.
double whole_load(const CapacityPlan& plan, double l) {
  if (!plan.open_model) return std::round(l);
  if (!(l > 0)) return l;
  const double scale = std::pow(10.0, std::floor(std::log10(l)) - 2);
  return std::round(l / scale) * scale;
}

}  // namespace

CapacityWindowSummary summarize(const CapacityWindow& w) {
  CapacityWindowSummary s;
  s.throughput_rps = throughput(w);
  s.p50_us = w.latency.value_at_quantile(0.50);
  s.p95_us = w.latency.value_at_quantile(0.95);
  s.p99_us = w.latency.value_at_quantile(0.99);
  s.fail_ratio = ratio_of(w.failures, w.requests);
  s.generator_cpu = w.generator_cpu;
  s.lateness_p50_us = w.lateness_p50_us;
  s.generator_cpu_wait = w.generator_cpu_wait;
  s.generator_busy = w.generator_busy;
  return s;
}

namespace {

// Requests at or under limit_us (by histogram bucket), the latency half of goodput.
std::uint64_t count_within(const stats::Histogram& h, double limit_us) {
  std::uint64_t n = 0;
  h.for_each_bucket([&](const stats::HistogramBucket& b) {
    if (static_cast<double>(stats::Histogram::bucket_mid(b.index)) <= limit_us) n += b.count;
  });
  return n;
}

}  // namespace

const char* verdict_name(StepVerdict v) {
  switch (v) {
    case StepVerdict::kMet:
      return "met";
    case StepVerdict::kCrossed:
      return "crossed";
    case StepVerdict::kPlateau:
      return "plateau";
    case StepVerdict::kDropped:
      return "dropped";
    case StepVerdict::kUnstable:
      return "unstable";
    case StepVerdict::kGeneratorSaturated:
      return "generator saturated";
  }
  return "?";
}

std::string format_load(const CapacityPlan& plan, double load) {
  const std::string n = load == std::round(load) ? fmt::format("{:.0f}", load) : fmt::format("{:g}", load);
  if (plan.open_model) return n + "/s";
  return n + (load == 1 ? " user" : " users");
}

CapacitySearch::CapacitySearch(CapacityPlan plan, std::vector<Slo> slos)
    : plan_(plan), slos_(std::move(slos)), load_(plan.start), factor_(std::max(1.01, plan.factor)) {
  plan_.stable_windows = std::max(1, plan_.stable_windows);
  plan_.max_windows = std::max(plan_.stable_windows, plan_.max_windows);
  plan_.repeat = std::max(1, plan_.repeat);
}

std::chrono::seconds CapacitySearch::window() const {
  if (plan_.window.count() > 0) return plan_.window;
  if (!plan_.open_model) return std::chrono::seconds(2);
  // About 100 requests per window: enough for a p95 that is not noise, at no more than 5 s.
  const double s = std::ceil(100.0 / std::max(load_, 1e-3));
  return std::chrono::seconds(static_cast<std::int64_t>(std::clamp(s, 1.0, 5.0)));
}

double CapacitySearch::latency_limit_us() const {
  double limit = 0;
  for (const auto& s : slos_) {
    if (s.is_latency() && (limit == 0 || s.limit < limit)) limit = s.limit;
  }
  return limit;
}

std::optional<CapacitySearch::Rule> CapacitySearch::failed_objective(const CapacityWindow& w,
                                                                     FailRatioTest test) const {
  const double fail_ratio = ratio_of(w.failures, w.requests);
  // Failed requests have latencies too (refused connections are quick): with latency objectives alone, a
  // target that fails everything would pass. No success is not a pass.
  if (w.requests > 0 && w.failures >= w.requests)
    return Rule{StepVerdict::kCrossed,
                fmt::format("every request failed ({} of {})", w.failures, w.requests)};
  for (const auto& slo : slos_) {
    if (w.requests == 0) return Rule{StepVerdict::kCrossed, slo.text + " (no request completed)"};
    const double value = slo_value(slo, w.latency, fail_ratio);
    // No failure meets every fail_ratio objective, "< 0%" (none allowed) included.
    if (value < slo.limit || (slo.kind == Slo::Kind::kFailRatio && w.failures == 0)) continue;
    if (slo.kind != Slo::Kind::kFailRatio)
      return Rule{StepVerdict::kCrossed, slo.text + " (measured " + slo_value_text(slo, value) + ")"};
    // One failure in 87 requests measures 1.15% of a target that fails 0.5%: a step crosses a fail
    // ratio on failures more than chance at the limit explains (under 5%), or, once it can measure no
    // more, on failures more than the limit usually gives (beyond the median count: the measured ratio,
    // but not "1 of 100 crosses 1%", which a 0.5%-failing target gives 39% of the time).
    if (fail_ratio_shown_above(w.failures, w.requests, slo.limit,
                               test == FailRatioTest::kMeasured ? kFailRatioChanceAtTheCap : 0.05))
      return Rule{StepVerdict::kCrossed, fmt::format("{} (measured {}: {} of {})", slo.text,
                                                     slo_value_text(slo, value), w.failures, w.requests)};
  }
  return std::nullopt;
}

bool CapacitySearch::saturated_but_held(const CapacityWindow& m, std::size_t judged) const {
  if (judged == 0 || judged > windows_.size()) return false;
  std::vector<double> tp;
  for (auto w = windows_.end() - static_cast<std::ptrdiff_t>(judged); w != windows_.end(); ++w) {
    if (w->requests == 0 || failed_objective(*w)) return false;  // each window, not only their sum
    tp.push_back(throughput(*w));
  }
  return throughputs_agree(tp, plan_.stability, plan_.poisson_arrivals, windows_.back().seconds) &&
         !(plan_.open_model && ratio_of(m.dropped, m.requests + m.dropped) > plan_.max_dropped_ratio);
}

std::optional<CapacitySearch::Rule> CapacitySearch::failed_rule(const CapacityWindow& w,
                                                                FailRatioTest test) const {
  if (auto objective = failed_objective(w, test)) return objective;
  if (!plan_.open_model) return std::nullopt;
  const double done = throughput(w);
  if (done < plan_.min_throughput_ratio * offered_rps(plan_, load_, w))
    return Rule{StepVerdict::kPlateau, fmt::format("throughput {:.1f} req/s no longer follows the offered {}",
                                                   done, format_load(plan_, load_))};
  if (ratio_of(w.dropped, w.requests + w.dropped) > plan_.max_dropped_ratio)
    return Rule{StepVerdict::kDropped,
                fmt::format("dropped iterations {} of {} (none could start within the lateness limit)",
                            w.dropped, w.requests + w.dropped)};
  return std::nullopt;
}

bool CapacitySearch::generator_saturated(const CapacityWindow& w) const {
  // Starved of CPU: a loop that waits for a core sends late and reads late by the same amount, so
  // lateness from the send stays small; its run-queue wait does not.
  if (w.generator_cpu_wait > plan_.max_cpu_wait) return true;
  if (plan_.open_model) {
    // Late with slots free: nothing but the generator's own loops held those iterations back. With
    // every slot busy, lateness is the target's doing (responses do not come back), not ours.
    const std::size_t cap = w.inflight_cap > 0 ? w.inflight_cap : plan_.max_inflight;
    const bool slots_free = static_cast<double>(w.in_flight) < 0.9 * static_cast<double>(cap);
    // Lateness under a tenth of the tightest latency objective cannot change a verdict: a busy machine
    // delays timer wake-ups by a few ms without the generator being saturated.
    const double limit =
        std::max(static_cast<double>(plan_.max_lateness.count()), plan_.stability * latency_limit_us());
    if (slots_free && static_cast<double>(w.lateness_p50_us) > limit) return true;
    // Below the polling rate its loops sleep between arrivals, so cores kept full are the generator's own
    // work, whatever its slots say: a loop too busy to read its responses fills every slot, and the rule
    // above would then blame the target. Above it they poll, and the share of their polled time spent
    // working says the same (polling_load.hpp), but only of a window that fails: loops near their limit
    // that still keep the schedule measure honestly (latency counts from when each request was due).
    if (load_ < plan_.open_cpu_valid_below) return w.generator_cpu >= plan_.max_generator_cpu;
    return w.generator_busy >= plan_.max_generator_busy && failed_rule(w).has_value();
  }
  return w.generator_cpu >= plan_.max_generator_cpu;
}

bool CapacitySearch::stable() const {
  const auto k = static_cast<std::size_t>(plan_.stable_windows);
  if (windows_.size() < k) return false;
  const Slo* latency_slo = nullptr;
  for (const auto& s : slos_) {
    if (s.kind == Slo::Kind::kPercentile) {
      latency_slo = &s;
      break;
    }
  }
  std::vector<double> tp, lat;
  for (std::size_t i = windows_.size() - k; i < windows_.size(); ++i) {
    tp.push_back(throughput(windows_[i]));
    lat.push_back(static_cast<double>(
        windows_[i].latency.value_at_quantile(latency_slo ? latency_slo->quantile : 0.95)));
  }
  const double floor = plan_.stability * latency_limit_us();
  // A queue that grows a little every window (a load just past the limit) ends up within ±10% of its
  // mean once it is long enough: latency rising window after window, by more than the noise floor, is
  // not stable however close the windows are.
  const bool rising =
      std::is_sorted(lat.begin(), lat.end(), std::less_equal<>()) && lat.back() - lat.front() > floor;
  return throughputs_agree(tp, plan_.stability, plan_.poisson_arrivals, windows_.back().seconds) &&
         agree_within(lat, plan_.stability, floor) && !rising;
}

bool CapacitySearch::add_window(const CapacityWindow& window) {
  if (done_) return false;
  windows_.push_back(window);
  const std::size_t n = windows_.size();
  // A window in which nothing completed says nothing about lateness: after a saturated one, a generator
  // too busy to read its responses is the likeliest reason.
  if (n >= 2 && generator_saturated(windows_[n - 2]) &&
      (generator_saturated(windows_[n - 1]) || windows_[n - 1].requests == 0)) {
    end_step(StepVerdict::kGeneratorSaturated, "", 2);
    return true;
  }
  if (n >= 2) {
    const auto now = failed_rule(windows_[n - 1]);
    const auto before = failed_rule(windows_[n - 2]);
    if (now && before) {  // twice in a row: past the limit, no need to wait for it to settle
      // Said of both windows, as the step's columns show them (each window's own figure would differ).
      const auto both = failed_rule(merged(windows_, 2)).value_or(*now);
      fail_ratio_note_.clear();  // the step did not wait for its fail ratio to settle
      end_step(both.verdict, both.why, 2);
      return true;
    }
  }
  const auto k = static_cast<std::size_t>(plan_.stable_windows);
  const auto max_windows = static_cast<std::size_t>(plan_.max_windows);
  if (fail_ratio_from_ || stable()) {
    // Settled, but a fail ratio above its limit may be chance among few requests: more windows, up to
    // --max-windows (twice that for a step measured again), until the failures show it or the ratio drops
    // below the limit; then the ratio measured decides if it had requests enough to mean something.
    // Likewise, too few requests to show a ratio under the limit at all: more windows, until they are
    // enough. Either still open at the cap leaves a met step's fail ratio unproven.
    if (!fail_ratio_from_) fail_ratio_from_ = n - k;
    const std::size_t judged = n - *fail_ratio_from_;
    const CapacityWindow m = merged(windows_, judged);
    const auto open = fail_ratio_open(m);
    if (open && fail_ratio_note_.empty()) {
      fail_ratio_note_ = fmt::format("{} in {} windows", open->why, judged);
      fail_ratio_over_limit_ = open->over_limit;
    }
    if (open && n < (remeasuring_ ? 2 * max_windows : max_windows)) return false;
    if (open) {
      fail_ratio_note_ =
          fmt::format("{} after {} windows (--max-windows){}", open->why, judged, open->needed_text());
      fail_ratio_unproven_ = true;
    } else if (!fail_ratio_note_.empty()) {
      fail_ratio_note_ += fmt::format(": measured {} windows", judged);
    }
    // The measured ratio decides at the cap for a step that settled above the limit. One that measured on
    // only to show its ratio under it crosses only if its failures show a ratio above: more windows, more
    // chances for a healthy target to drift over the limit by chance.
    judge(m, judged,
          open && open->over_limit && fail_ratio_over_limit_ ? FailRatioTest::kMeasured
                                                             : FailRatioTest::kShownAbove);
    return true;
  }
  if (n >= max_windows && !remeasuring_ && plan_.remeasure_unstable && follows_load(merged(windows_, n))) {
    // Noise (a busy machine, a GC pause on the target) swings p95 at a load the target keeps up
    // with: failing the step would leave bisection below it, far under the real limit. Measure again.
    remeasuring_ = true;
    return false;
  }
  if (remeasuring_ && n >= 2 * max_windows) {
    // Still not settled: judge the step on everything it measured rather than on the noisiest windows.
    judging_merged_ = true;
    const CapacityWindow m = merged(windows_, n);
    // Met on a fail ratio these windows could not show: unproven, as a settled step would be.
    if (auto open = fail_ratio_open(m)) {
      fail_ratio_note_ = open->why + open->needed_text();
      fail_ratio_unproven_ = true;
    }
    judge(m, n, FailRatioTest::kMeasured);
    return true;
  }
  if (n >= max_windows && !remeasuring_) {
    end_step(StepVerdict::kUnstable,
             fmt::format("unstable: no {} consecutive windows agreed within ±{:g}% in {} windows",
                         plan_.stable_windows, plan_.stability * 100, n),
             k);
    return true;
  }
  return false;
}

bool CapacitySearch::follows_load(const CapacityWindow& m) const {
  // "Kept up": no rule failed over the step as a whole. Consecutive failures already ended it.
  if (m.requests == 0) return false;
  if (plan_.open_model && throughput(m) < plan_.min_throughput_ratio * offered_rps(plan_, load_, m))
    return false;
  for (const auto& slo : slos_) {
    if (slo.kind == Slo::Kind::kFailRatio && fail_ratio_shown_above(m.failures, m.requests, slo.limit))
      return false;
  }
  return true;
}

void CapacitySearch::judge(const CapacityWindow& m, std::size_t judged, FailRatioTest test) {
  if (auto rule = failed_rule(m, test)) {
    end_step(rule->verdict, rule->why, judged);
  } else if (!plan_.open_model && best_this_repeat_ && best_this_repeat_->load < load_ &&
             past_the_knee(*best_this_repeat_, load_, throughput(m))) {
    end_step(StepVerdict::kPlateau, plateau_text(*best_this_repeat_, load_, throughput(m)), judged);
  } else {
    end_step(StepVerdict::kMet, "", judged);
  }
}

void CapacitySearch::end_step(StepVerdict verdict, std::string why, std::size_t judged) {
  const CapacityWindow m = merged(windows_, judged);
  CapacityPoint p;
  p.step = step_;
  p.repeat = repeat_;
  p.load = load_;
  p.throughput_rps = throughput(m);
  m.latency.values_at_quantiles(stats::kReportedQuantiles, p.percentiles_us);
  p.avg_us = m.latency.mean();
  p.fail_ratio = ratio_of(m.failures, m.requests);
  p.dropped = m.dropped;
  p.generator_cpu = m.generator_cpu;
  p.generator_cpu_wait = m.generator_cpu_wait;
  p.generator_busy = m.generator_busy;
  p.lateness_p50_us = m.lateness_p50_us;
  p.inflight_cap = m.inflight_cap;
  const double limit = latency_limit_us();
  const double within = limit > 0 ? ratio_of(count_within(m.latency, limit), m.requests) : 1.0;
  p.goodput_rps = static_cast<double>(m.requests - m.failures) * within / std::max(1e-3, m.seconds);
  p.stable = verdict != StepVerdict::kUnstable && judged >= static_cast<std::size_t>(plan_.stable_windows) &&
             stable();
  p.verdict = verdict;
  p.within_slo = verdict == StepVerdict::kMet;
  p.objectives_held =
      p.within_slo || (verdict == StepVerdict::kGeneratorSaturated && saturated_but_held(m, judged));
  if (verdict == StepVerdict::kGeneratorSaturated && p.generator_cpu_wait > plan_.max_cpu_wait) {
    why = fmt::format(
        "the load generator was starved of CPU at {:.0f} req/s: its busiest thread waited for a CPU {:.0f}% "
        "of the time (over {:.0f}%); other work on this machine takes its cores, so what it measured is "
        "its own limit: free the machine, or add workers",
        p.throughput_rps, p.generator_cpu_wait * 100, plan_.max_cpu_wait * 100);
  } else if (verdict == StepVerdict::kGeneratorSaturated) {
    const bool busy = p.generator_cpu < 0 || p.generator_cpu >= 0.5;
    const bool polling = p.generator_busy >= 0 && load_ >= plan_.open_cpu_valid_below;
    why = fmt::format(
        "the load generator saturated at {:.0f} req/s{}; add --threads, or workers (its iterations started "
        "{:.1f} ms late{}{})",
        p.throughput_rps,
        plan_.open_model ? fmt::format(" ({} offered)", format_load(plan_, p.load)) : std::string(),
        static_cast<double>(p.lateness_p50_us) / 1000.0,
        polling ? fmt::format(", its polling loops working {:.0f}% of their time", p.generator_busy * 100)
        : p.generator_cpu >= 0 ? fmt::format(", its CPU {:.0f}% of its cores", p.generator_cpu * 100)
                               : "",
        busy || polling ? "" : ": other work on this machine takes its CPU");
  }
  if (verdict != StepVerdict::kMet) {
    // With --server-metrics, whether the target's own cores were full says whose limit this is (both
    // sides can be: a saturated generator against a target whose core is full too).
    if (const auto cpu = m.server.find(std::string(kTargetCpuFigure)); cpu != m.server.end())
      why += fmt::format("; the target's process used {:.0f}% of a core", cpu->second * 100);
  }
  if (judging_merged_) {
    p.judged_merged = true;
    p.note = fmt::format(
        "unstable: no {} consecutive windows agreed within ±{:g}% even when re-measured; judged on all {} "
        "windows merged",
        plan_.stable_windows, plan_.stability * 100, judged);
    if (!why.empty()) why = p.note + ": " + why;
  }
  if (!fail_ratio_note_.empty())
    p.note = p.note.empty() ? fail_ratio_note_ : p.note + "; " + fail_ratio_note_;
  p.fail_ratio_unproven = p.within_slo && fail_ratio_unproven_;
  p.violated = std::move(why);
  for (const auto& w : windows_) p.windows.push_back(summarize(w));
  p.server = m.server;
  windows_.clear();
  fail_ratio_from_.reset();
  fail_ratio_note_.clear();
  fail_ratio_unproven_ = false;
  fail_ratio_over_limit_ = false;
  remeasuring_ = false;
  judging_merged_ = false;
  ++step_;
  ++steps_this_repeat_;
  result_.curve.push_back(p);
  if (verdict == StepVerdict::kGeneratorSaturated) {
    result_.generator_saturated = true;
    // Starved by other work on the machine, or a fixed plan: nothing lower would be measured better.
    // Saturated by its own load: the loads below it are still worth bisecting, so the answer is the
    // highest load the generator could offer with every objective met (a lower bound of the target's
    // capacity, and said so at the end).
    if (p.generator_cpu_wait > plan_.max_cpu_wait || plan_.step > 0 || plan_.precision <= 0) {
      limit_this_repeat_ = p;  // the step that ends this repeat
      finish(p.violated);
      return;
    }
  }
  if (probing_below_) return after_probe_below(p);
  if (p.within_slo) {
    if (!best_this_repeat_ || p.load > best_this_repeat_->load) best_this_repeat_ = p;
    met_this_repeat_.push_back(p);
  } else if (!limit_this_repeat_ || p.load < limit_this_repeat_->load) {
    limit_this_repeat_ = p;
  }
  next_load(p.within_slo);
}

void CapacitySearch::next_load(std::optional<bool> good) {
  const double at = load_;
  auto whole = [&](double l) { return whole_load(plan_, l); };
  if (plan_.step > 0) {  // a fixed plan
    if (good == false)
      return finish("limit crossed at " + format_load(plan_, at) + ": " + limit_this_repeat_->violated);
    load_ = whole(at + plan_.step);
  } else {
    if (good == true) {
      good_ = std::max(good_.value_or(0), at);
    } else if (good == false) {
      bad_ = std::min(bad_.value_or(at), at);
    }
    if (good_ && bad_) {
      if (probe_below()) return;  // closed model: the knee first
      const double next = whole(std::sqrt(*good_ * *bad_));
      if (plan_.precision <= 0 || *bad_ <= *good_ * (1 + plan_.precision) || next <= *good_ ||
          next >= *bad_) {
        // "±0%" would read as exact: with --precision 0 the bracket is one growth step wide.
        const std::string how = plan_.precision > 0 ? fmt::format("bisected to ±{:g}%", plan_.precision * 100)
                                                    : std::string("not bisected (--precision 0)");
        if (limit_is_the_generators()) {
          return finish(
              fmt::format("{}; {}: every objective met at {} (the target's capacity is at least that)",
                          limit_this_repeat_->violated, how, format_load(plan_, *good_)));
        }
        return finish(fmt::format("{}: met at {}, not at {}: {}", how, format_load(plan_, *good_),
                                  format_load(plan_, *bad_), limit_this_repeat_->violated));
      }
      load_ = next;
    } else if (good_) {
      load_ = std::max(whole(at * factor_), at + 1);
    } else {
      load_ = whole(at / factor_);
      if (load_ < 1) {
        result_.lowest_load_failed = true;
        return finish(fmt::format("no load met the objectives (lowest tried {}: {})", format_load(plan_, at),
                                  limit_this_repeat_->violated));
      }
    }
  }
  stopped_at_max_steps();
}

bool CapacitySearch::stopped_at_max_steps() {
  if (steps_this_repeat_ < plan_.max_steps) return false;
  probing_below_ = false;
  const bool no_failing_step = !bad_;
  finish(fmt::format("--max-steps {} reached without {}", plan_.max_steps,
                     plan_.step > 0 ? "crossing a limit" : "bracketing the limit to the precision"));
  if (done_) result_.limit_not_reached = no_failing_step && !result_.generator_saturated;
  return true;
}

const CapacityPoint* CapacityResult::saturated_bound() const {
  if (!generator_saturated || curve.empty()) return nullptr;
  const int deciding = curve.back().repeat;
  const CapacityPoint* top = nullptr;
  for (const auto& p : curve)
    if (p.repeat == deciding && p.verdict == StepVerdict::kGeneratorSaturated && p.objectives_held &&
        (top == nullptr || p.goodput_rps > top->goodput_rps))
      top = &p;
  if (top != nullptr && found && top->goodput_rps <= best.goodput_rps) return nullptr;
  return top;
}

bool CapacitySearch::limit_is_the_generators() const {
  return limit_this_repeat_ && limit_this_repeat_->verdict == StepVerdict::kGeneratorSaturated;
}

void CapacitySearch::finish(std::string reason) {
  // The lowest failed load decides what was found: the target's limit, or the generator's own.
  result_.generator_saturated = limit_is_the_generators();
  result_.answers.push_back(best_this_repeat_ ? best_this_repeat_->load : 0.0);
  if (best_this_repeat_) best_of_repeat_.push_back(*best_this_repeat_);
  const bool again = !result_.generator_saturated && repeat_ < plan_.repeat && result_.answers.front() > 0;
  if (again) {
    ++repeat_;
    steps_this_repeat_ = 0;
    good_.reset();
    bad_.reset();
    best_this_repeat_.reset();
    limit_this_repeat_.reset();
    met_this_repeat_.clear();
    knee_confirmed_step_ = 0;
    // Near the first answer, growing by less: a repeat costs a few steps, not a whole search.
    factor_ = std::max(1.1, std::sqrt(plan_.factor));
    load_ = std::max(plan_.open_model ? 0.0 : 1.0, whole_load(plan_, 0.8 * result_.answers.front()));
    return;
  }
  done_ = true;
  result_.found = !best_of_repeat_.empty();
  // "Not even the lowest load" is said of a search that found nothing, not of one repeat of many.
  result_.lowest_load_failed = result_.lowest_load_failed && !result_.found;
  if (result_.found) result_.best = median_answer(best_of_repeat_);
  if (result_.answers.size() > 1) {
    const auto [lo, hi] = std::minmax_element(result_.answers.begin(), result_.answers.end());
    reason +=
        fmt::format(" ({} repeats: median {}, spread {} to {})", result_.answers.size(),
                    format_load(plan_, result_.best.load), format_load(plan_, *lo), format_load(plan_, *hi));
  }
  result_.stop_reason = std::move(reason);
}

CapacityPoint median_answer(std::vector<CapacityPoint> answers) {
  std::sort(answers.begin(), answers.end(), [](const auto& a, const auto& b) { return a.load < b.load; });
  CapacityPoint best = answers[(answers.size() - 1) / 2];
  for (const auto& p : answers)
    if (p.load == best.load && p.fail_ratio_unproven) best = p;
  return best;
}

}  // namespace cicada::runner
