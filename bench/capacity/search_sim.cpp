// The capacity search's own decisions (runner::CapacitySearch, a pure state machine) against simulated
// targets with random failures and noisy throughput, many seeds each: how often a verdict is wrong, and
// how the answers of whole searches spread. A real target gives one sample per minutes-long search; this
// gives thousands per second, so a change to the rules is judged on distributions, not on one run.
//
//   build/release/bench/bench_capacity_search_sim [step|open|poisson|plateau|knee|all] [seeds]
//
// step: one open-model step (the default plan, automatic windows) against a target failing at half or
//       twice a fail_ratio limit (Bernoulli per request): how often the step is crossed or met wrongly.
// open: whole searches (p95 < 50ms, fail_ratio < 1%) against a 1,000/s target (1 ms of service; below it
//       no queue for paced arrivals and M/D/1 queueing for Poisson ones, wait_p95_us; above it a growing
//       backlog) failing 0%, 0.5% and 2%: where the answers fall.
// poisson: the open searches with Poisson arrivals (each window's count a Poisson draw), judged by the
//       search told so (plan.poisson_arrivals: its noise allowances) and by one that is not.
// plateau: whole searches against a target capped at 50 to 10,000/s whose latency stays 5 ms: only the
//       plateau rule can stop them; paced and Poisson arrivals, the answer as a share of the cap.
// knee: whole closed-model searches (p95 < 10s) against 100 req/s per user up to 50 users, with 0-3% of
//       throughput noise per window: where the knee is answered from --start 1 and 10.
// Exit code 1 when a search did not finish within kMaxWindows windows (a search that never ends).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "runner/capacity_search.hpp"

namespace {

using cicada::runner::CapacityPlan;
using cicada::runner::CapacityResult;
using cicada::runner::CapacitySearch;
using cicada::runner::CapacityWindow;
using cicada::runner::parse_slo;
using cicada::runner::StepVerdict;

constexpr int kMaxWindows = 20'000;  // per search: far beyond any real one (10 windows x 40 steps)
int unfinished = 0;

// `done_per_s` for `seconds`, each request `latency_us`, each failing with probability `fail`.
CapacityWindow window(std::mt19937_64& rng, double done_per_s, double latency_us, double seconds,
                      double fail) {
  CapacityWindow w;
  w.seconds = seconds;
  w.requests = static_cast<std::uint64_t>(std::llround(done_per_s * seconds));
  if (fail > 0 && w.requests > 0)
    w.failures = std::binomial_distribution<std::uint64_t>(w.requests, fail)(rng);
  if (w.requests > 0) w.latency.record_n(std::max<std::int64_t>(1, std::llround(latency_us)), w.requests);
  w.generator_cpu = 0.3;  // a generator far from saturation
  return w;
}

double percentile(std::vector<double> v, double q) {  // nearest rank
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

std::string spread(const std::vector<double>& v) {
  char text[160];
  std::snprintf(text, sizeof text, "min %g p5 %g median %g p95 %g max %g", percentile(v, 0),
                percentile(v, 0.05), percentile(v, 0.5), percentile(v, 0.95), percentile(v, 1));
  return text;
}

void single_steps(int seeds) {
  for (double limit : {0.01, 0.001}) {
    for (double times : {0.5, 2.0}) {
      std::printf("fail_ratio < %g%%, target failing %gx that: P(%s)", limit * 100, times,
                  times < 1 ? "crossed" : "met");
      for (double load : {2.0, 10.0, 30.0, 100.0, 1000.0}) {
        int wrong = 0;
        for (int seed = 0; seed < seeds; ++seed) {
          std::mt19937_64 rng(static_cast<std::uint64_t>(seed) * 7919 + static_cast<std::uint64_t>(load));
          CapacityPlan plan;  // automatic windows, as a real search runs
          plan.start = load;
          const std::string objective = "fail_ratio < " + std::to_string(limit * 100) + "%";
          CapacitySearch search(plan, {*parse_slo("p95 < 100ms"), *parse_slo(objective)});
          const double seconds = static_cast<double>(search.window().count());
          bool ended = false;
          for (int i = 0; i < 100 && !ended; ++i)
            ended = search.add_window(window(rng, load, 1000, seconds, times * limit));
          if (!ended) {
            ++unfinished;
            continue;
          }
          const bool met = search.result().curve.front().verdict == StepVerdict::kMet;
          if (met == (times > 1)) ++wrong;
        }
        std::printf("  %g/s %.1f%%", load, 100.0 * wrong / seeds);
      }
      std::printf("\n");
    }
  }
}

// The 95th percentile of the time a request waits for a server of fixed service time at utilisation
// rho < 1. Paced arrivals (D/D/1) never find it busy. Poisson arrivals (M/D/1): the M/M/1 waiting-time tail,
// P(wait > t) = rho exp(-t (1 - rho) / service), scaled to M/D/1's mean wait, rho service / (2 (1 - rho)),
// which is half M/M/1's: an approximation, close enough to place where p95 crosses a limit.
double wait_p95_us(double rho, double service_us, bool poisson) {
  if (!poisson || 20 * rho <= 1) return 0;
  return service_us * std::log(20 * rho) / (2 * (1 - rho));
}

// arrivals: 0, constant; 1, Poisson arrivals the search is told of; 2, Poisson arrivals it is not told of.
CapacityResult open_search(std::mt19937_64& rng, double fail, double* seconds, int arrivals = 0) {
  constexpr double kCapacity = 1000, kServiceUs = 1000;
  CapacityPlan plan;
  plan.poisson_arrivals = arrivals == 1;
  CapacitySearch search(plan, {*parse_slo("p95 < 50ms"), *parse_slo("fail_ratio < 1%")});
  double in_step = 0;
  for (int i = 0; i < kMaxWindows && !search.done(); ++i) {
    const double load = search.load(), length = static_cast<double>(search.window().count());
    in_step += length;
    *seconds += length;
    const double rho = load / kCapacity;
    // Poisson arrivals: the window's arrivals are a Poisson draw of the load's mean; the target completes
    // them, up to its capacity.
    const std::uint64_t due = arrivals > 0 ? std::poisson_distribution<std::uint64_t>(load * length)(rng)
                                           : static_cast<std::uint64_t>(std::llround(load * length));
    const double done = std::min(static_cast<double>(due) / length, kCapacity);
    CapacityWindow w =
        rho < 1
            ? window(rng, done, kServiceUs + wait_p95_us(rho, kServiceUs, arrivals > 0), length, fail)
            : window(rng, done, kServiceUs + (load - kCapacity) * in_step / kCapacity * 1e6, length, fail);
    w.due = due;
    if (search.add_window(w)) in_step = 0;
  }
  if (!search.done()) ++unfinished;
  return search.result();
}

void open_searches(int seeds, int arrivals = 0) {
  if (arrivals > 0)
    std::printf("Poisson arrivals, %s:\n", arrivals == 1 ? "the search told so" : "the search not told so");
  for (double fail : {0.0, 0.005, 0.02}) {
    std::vector<double> answers, seconds;
    int below_half = 0, passed = 0;
    for (int seed = 0; seed < seeds; ++seed) {
      std::mt19937_64 rng(1'000'003ull * static_cast<std::uint64_t>(seed) + 17);
      double s = 0;
      const auto r = open_search(rng, fail, &s, arrivals);
      seconds.push_back(s);
      if (capacity_exit_code(r) == 0) ++passed;  // an answer whose fail ratio is unproven exits 5
      if (!r.found) continue;
      answers.push_back(r.best.load);
      if (r.best.load < 500) ++below_half;
    }
    std::printf(
        "target of 1000/s failing %.1f%%: answered %zu of %d, %s, under 500/s %d, exit 0 (a pass) %d; "
        "median %g s of windows\n",
        fail * 100, answers.size(), seeds, spread(answers).c_str(), below_half, passed,
        percentile(seconds, 0.5));
  }
}

// A target that completes at most `capacity` per second with a steady 5 ms latency and no failures: past
// it only the plateau rule (throughput under 90% of the offered load) can fail a step.
double plateau_answer(std::mt19937_64& rng, double capacity, bool poisson) {
  CapacityPlan plan;
  plan.poisson_arrivals = poisson;
  CapacitySearch search(plan, {*parse_slo("p95 < 50ms")});
  for (int i = 0; i < kMaxWindows && !search.done(); ++i) {
    const double load = search.load(), length = static_cast<double>(search.window().count());
    const std::uint64_t due = poisson ? std::poisson_distribution<std::uint64_t>(load * length)(rng)
                                      : static_cast<std::uint64_t>(std::llround(load * length));
    CapacityWindow w = window(rng, std::min(static_cast<double>(due) / length, capacity), 5000, length, 0);
    w.due = due;
    search.add_window(w);
  }
  if (!search.done()) ++unfinished;
  return search.result().found ? search.result().best.load / capacity : 0;
}

void plateau_searches(int seeds) {
  for (double capacity : {50.0, 100.0, 300.0, 1000.0, 10000.0}) {
    for (bool poisson : {false, true}) {
      std::vector<double> answers;
      for (int seed = 0; seed < seeds; ++seed) {
        std::mt19937_64 rng(static_cast<std::uint64_t>(seed) * 31 + 5);
        answers.push_back(plateau_answer(rng, capacity, poisson));
      }
      std::printf("plateau at %g/s, %s arrivals: answer / capacity %s\n", capacity,
                  poisson ? "Poisson" : "paced", spread(answers).c_str());
    }
  }
}

CapacityResult knee_search(std::mt19937_64& rng, double start, double noise, int* steps) {
  CapacityPlan plan;
  plan.open_model = false;
  plan.start = start;
  CapacitySearch search(plan, {*parse_slo("p95 < 10s")});
  std::normal_distribution<double> jitter(0, noise);
  for (int i = 0; i < kMaxWindows && !search.done(); ++i) {
    const double users = search.load();
    const double throughput =
        std::max(1e-3, 100 * std::min(users, 50.0) * (1 + (noise > 0 ? jitter(rng) : 0)));
    search.add_window(
        window(rng, throughput, users / throughput * 1e6, static_cast<double>(search.window().count()), 0));
  }
  if (!search.done()) ++unfinished;
  *steps = static_cast<int>(search.result().curve.size());
  return search.result();
}

void knee_searches(int seeds) {
  for (double noise : {0.0, 0.02, 0.03}) {
    for (double start : {1.0, 10.0}) {
      std::vector<double> answers;
      double steps = 0;
      for (int seed = 0; seed < seeds; ++seed) {
        std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
        int n = 0;
        const auto r = knee_search(rng, start, noise, &n);
        steps += n;
        if (r.found) answers.push_back(r.best.load);
      }
      std::printf("knee at 50 users, %.0f%% noise, --start %g: answered %zu of %d, %s, mean %.1f steps\n",
                  noise * 100, start, answers.size(), seeds, spread(answers).c_str(), steps / seeds);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "all";
  const int seeds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 0;
  if (what == "step" || what == "all") single_steps(seeds ? seeds : 2000);
  if (what == "open" || what == "all") open_searches(seeds ? seeds : 300);
  if (what == "poisson" || what == "all") {
    open_searches(seeds ? seeds : 300, 1);
    open_searches(seeds ? seeds : 300, 2);
  }
  if (what == "plateau" || what == "all") plateau_searches(seeds ? seeds : 200);
  if (what == "knee" || what == "all") knee_searches(seeds ? seeds : 200);
  if (unfinished > 0) {
    std::fprintf(stderr, "search_sim: %d searches did not finish within %d windows\n", unfinished,
                 kMaxWindows);
    return 1;
  }
  return 0;
}
