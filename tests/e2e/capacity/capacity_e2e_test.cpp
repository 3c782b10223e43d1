// `cicada capacity` against the real `cicada-model serve`, throttled: one worker thread and
// --simulated-cost-us 2000 (every /predict holds the thread 2 ms first), so the server completes at
// most about 500 requests per second. The test does not assume that number: a busy machine lowers it
// (sleep overshoot, preemption). It measures the server's real ceiling in the same run, a closed-loop
// flood (32 users, no think time) read from the server's own request counter (GET /metrics), before and
// after the search (a shared machine's load moves it within a minute), and checks that the default
// search (only --start raised, to keep the test short) lands at most 10% above it, brackets its answer
// to 5% with a failed step, and does not fall far below it (the bounds are explained in the test).
//
// The cost sleeps (--simulated-cost-mode sleep) rather than spins, so the ceiling does not depend on
// how much CPU the generator leaves the server on a 2-core machine.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "model_server.hpp"
#include "raw_http.hpp"
#include "support/child_process.hpp"
#include "support/json_file.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::ModelServer;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

constexpr double kCostUs = 2000;

std::uint16_t port_of(const std::string& url) {
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

// The server's own count of /predict responses with status 200.
double predictions_served(std::uint16_t port) {
  auto r = cicada::test::round_trip(port, cicada::test::make_request("GET", "/metrics"));
  if (!r || r->status != 200) throw std::runtime_error("GET /metrics failed");
  std::smatch m;
  static const std::regex re(R"re(cicada_http_requests_total\{route="/predict",code="200"\} ([0-9]+))re");
  if (!std::regex_search(r->body, m, re)) return 0;
  return std::stod(m[1].str());
}

// The server's ceiling now: a closed-loop flood of `cicada` (32 users, no think time), the rate of its
// /predict counter over 3 s once the flood is under way (every user spawned and the server has answered
// a couple of requests per user since, so every connection is open), then the flood is stopped (Ctrl-C):
// the window is inside the flood however long a loaded machine takes to get there.
double measured_ceiling(const std::string& url, const TempDir& dir) {
  ChildProcess flood({binary("apps/cicada/cicada").string(), "-f",
                      source("examples/fixed-predict.yaml").string(), "--host", url, "--headless", "-u", "32",
                      "-r", "1000", "-t", "120s", "--threads", "1", "--no-history", "--only-summary"},
                     dir.path());
  EXPECT_TRUE(flood.wait_for_output("All users spawned", 60s)) << flood.err();
  const double spawned = predictions_served(port_of(url));
  const auto under_way_by = std::chrono::steady_clock::now() + 60s;
  while (predictions_served(port_of(url)) < spawned + 64 && std::chrono::steady_clock::now() < under_way_by)
    std::this_thread::sleep_for(20ms);
  const double before = predictions_served(port_of(url));
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(3s);
  const double after = predictions_served(port_of(url));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  flood.signal(SIGINT);
  const auto code = flood.wait(60s);
  EXPECT_TRUE(code.has_value()) << "the flood did not end";
  return (after - before) / seconds;
}

TEST(CapacityE2e, BracketsTheThrottledModelServersLimitToFivePercentBelowItsMeasuredCeiling) {
  ModelServer server(
      {"--simulated-cost-us", std::to_string(static_cast<int>(kCostUs)), "--simulated-cost-mode", "sleep"});
  TempDir dir;
  const double ceiling_before = measured_ceiling(server.url(), dir);
  ASSERT_GT(ceiling_before, 50) << "the flood measured nothing";
  // The default search: x3 per step until a step fails, then bisection to ±5%; each step a 1 s
  // warm-up then windows until three agree. From 100/s: 100, 300, 900 (past the ceiling), then
  // about five bisection steps.
  ChildProcess run({binary("apps/cicada/cicada").string(),
                    "capacity",
                    "-f",
                    source("examples/fixed-predict.yaml").string(),
                    "--host",
                    server.url(),
                    "--slo",
                    "p95 < 100ms",
                    "--slo",
                    "fail_ratio < 1%",
                    "--start",
                    "100",
                    "--server-metrics",
                    server.url() + "/metrics",
                    "--threads",
                    "1",
                    "--seed",
                    "7",
                    "--headless",
                    "--json",
                    "curve.json",
                    "--html",
                    "curve.html"},
                   dir.path());
  const auto code = run.wait(170s);
  ASSERT_TRUE(code.has_value()) << "capacity search did not end in time:\n" << run.out() << run.err();
  std::printf("%s", run.out().c_str());
  if (*code == 3 && run.out().find("the load generator was starved of CPU") != std::string::npos) {
    // The search measured (in /proc/self/task/*/schedstat) that other work on this machine kept its
    // generator waiting for a CPU, and refused to call that the server's limit: the right answer here,
    // but no answer to check. Shown as skipped, never as passed.
    GTEST_SKIP() << "this machine starved the load generator of CPU; the search said so and exited 3";
  }
  ASSERT_EQ(*code, 0) << run.out() << run.err();  // 0: a sustainable load was found

  const auto read = cicada::testing::read_json_file(dir.path() / "curve.json");
  ASSERT_TRUE(read) << "no curve.json, or not JSON";
  const nlohmann::json& curve = *read;
  ASSERT_TRUE(curve.at("found").get<bool>());
  const double max_load = curve.at("max_load").get<double>();
  const double max_throughput = curve.at("max_throughput_rps").get<double>();
  const double ceiling_after = measured_ceiling(server.url(), dir);
  std::printf("measured ceiling %.0f req/s before, %.0f after; found %.0f/s (%.1f req/s done)\n",
              ceiling_before, ceiling_after, max_load, max_throughput);
  // No load above what the server can serve is sustainable: the upper bound holds on any machine.
  EXPECT_LE(max_load, 1.1 * std::max(ceiling_before, ceiling_after));
  EXPECT_FALSE(curve.at("generator_saturated").get<bool>());
  // The load was really served, not just offered.
  EXPECT_NEAR(max_throughput, max_load, max_load * 0.05);
  // It stopped because it bracketed the limit, not because it ran out of steps.
  const auto& points = curve.at("points");
  ASSERT_GE(points.size(), 2u);
  EXPECT_NE(curve.at("stop_reason").get<std::string>().find("bisected to ±5%"), std::string::npos);
  EXPECT_EQ(run.out().find("--max-steps"), std::string::npos);
  // Every met step was judged on three windows that agreed, or (never settling, even when re-measured)
  // on all of its windows merged, and says so; each step lists its windows.
  const nlohmann::json* limit_step = nullptr;
  for (const auto& p : points) {
    EXPECT_GE(p.at("windows").size(), 2u);
    if (p.at("within_slo").get<bool>()) {
      EXPECT_TRUE(p.at("stable").get<bool>() ||
                  p.at("note").get<std::string>().find("judged on all") != std::string::npos)
          << p.dump();
    } else if (p.at("load").get<double>() > max_load &&
               (limit_step == nullptr || p.at("load").get<double>() < limit_step->at("load").get<double>())) {
      limit_step = &p;
    }
    // --server-metrics: the server's own figures next to the client's; in a met (steady) step its count
    // agrees with ours. (Past the limit the one-thread server answers /metrics behind its queue, so a
    // failed step may have no fresh scrape.)
    const auto& server_figures = p.at("server");
    if (p.at("within_slo").get<bool>()) {
      ASSERT_TRUE(server_figures.contains("cicada_http_requests_total /s")) << server_figures.dump();
      // Time in the model: the handler holds the thread the 2 ms simulated cost, at least.
      ASSERT_TRUE(server_figures.contains("cicada_model_inference_duration_seconds avg ms"))
          << server_figures.dump();
      EXPECT_GE(server_figures.at("cicada_model_inference_duration_seconds avg ms").get<double>(), 1.9);
      // Its CPU (process_cpu_seconds_total) as a share of a core: a one-thread server that mostly sleeps.
      ASSERT_TRUE(server_figures.contains("process cpu")) << server_figures.dump();
      EXPECT_GT(server_figures.at("process cpu").get<double>(), 0);
      EXPECT_LT(server_figures.at("process cpu").get<double>(), 2.0);
      EXPECT_NEAR(server_figures.at("cicada_http_requests_total /s").get<double>(),
                  p.at("throughput_rps").get<double>(), p.at("throughput_rps").get<double>() * 0.2 + 5)
          << p.dump();
    }
  }
  ASSERT_NE(limit_step, nullptr);
  EXPECT_LE(limit_step->at("load").get<double>(), max_load * 1.05 + 2)
      << "bisected to ±5%: " << limit_step->dump();
  // Below the ceiling no bound holds on a busy machine: near it a one-thread server's p95 crosses 100 ms
  // whenever the machine holds its thread off the CPU (found 344 and 438/s for floods of 416 and 490/s),
  // and two such windows in a row fail a step at any load. What a failure far below the ceiling cannot
  // be is a throughput one: there the server keeps up, so only latency may have failed, the load served.
  if (max_load < 0.75 * std::min(ceiling_before, ceiling_after)) {
    EXPECT_NE(limit_step->at("violated").get<std::string>().find("p95"), std::string::npos)
        << limit_step->dump();
    EXPECT_NEAR(limit_step->at("throughput_rps").get<double>(), limit_step->at("load").get<double>(),
                limit_step->at("load").get<double>() * 0.2)
        << "served far below the ceiling: " << limit_step->dump();
  }
  // The console shows one progress line per step and the answer.
  EXPECT_NE(run.out().find("step  1"), std::string::npos);
  EXPECT_NE(run.out().find("Maximum sustainable load: "), std::string::npos);
  // --server-metrics: each step's server line, the target's CPU as a share of a core among its figures.
  EXPECT_TRUE(std::regex_search(run.out(), std::regex(R"(server:.*  process cpu [0-9]+% of a core)")))
      << run.out();

  // --html: the same curve drawn in a self-contained page, one table row per step, the answer and the
  // step that crossed an objective marked on the charts.
  ASSERT_TRUE(std::filesystem::exists(dir.path() / "curve.html")) << "no curve.html";
  const std::string html = cicada::testing::read_file(dir.path() / "curve.html");
  EXPECT_NE(html.find("<h2>Throughput-latency curve</h2>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  std::size_t rows = 0;
  for (auto p = html.find("class=\"step\""); p != std::string::npos; p = html.find("class=\"step\"", p + 1))
    ++rows;
  EXPECT_EQ(rows, points.size());
  EXPECT_NE(html.find("max sustainable: " + std::to_string(static_cast<int>(max_load)) + "/s"),
            std::string::npos);
  std::string violated;  // as the page writes it, HTML-escaped ("p95 &lt; 100ms ... the target&#x27;s ...")
  for (char c : limit_step->at("violated").get<std::string>())
    violated += c == '<' ? "&lt;" : c == '\'' ? "&#x27;" : std::string(1, c);
  EXPECT_FALSE(violated.empty());
  EXPECT_NE(html.find("limit: " + violated), std::string::npos) << violated;
  EXPECT_NE(html.find(limit_step->at("verdict").get<std::string>() + ": " + violated), std::string::npos)
      << violated;

  // The search is in the run history (the default .cicada/history.db of the working directory): one
  // complete run of kind "capacity" with its answer; its steps are in the report below (`history show`
  // names them rather than printing every window on one line).
  EXPECT_NE(run.out().find("Recorded as run "), std::string::npos);
  ChildProcess show({binary("apps/cicada/cicada").string(), "history", "show", "latest"}, dir.path());
  ASSERT_EQ(show.wait(30s), 0) << show.err();
  const std::string shown = show.out();
  EXPECT_NE(shown.find("\"kind\":\"capacity\""), std::string::npos) << shown;
  EXPECT_NE(shown.find("highest sustainable " + std::to_string(static_cast<int>(max_load)) + "/s"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find("Verdict    pass"), std::string::npos) << shown;
  EXPECT_NE(shown.find("\"io_uring\":true"), std::string::npos) << shown;  // a search's default
  // Its id is its start's second (docs/history.md), as "Started" says it: it was the end's.
  std::smatch id, started;
  ASSERT_TRUE(std::regex_search(shown, id, std::regex(R"(Run +[0-9]{8}T([0-9]{2})([0-9]{2})([0-9]{2})Z)")))
      << shown;
  ASSERT_TRUE(std::regex_search(shown, started, std::regex(R"(Started +[0-9-]+ ([0-9:]+))"))) << shown;
  EXPECT_EQ(id[1].str() + ":" + id[2].str() + ":" + id[3].str(), started[1].str().substr(0, 8)) << shown;

  // The history's report of the search leads with the same curve and steps as its --html page (each
  // step's measured throughput, the axis ending at the highest load measured), then the run's tables.
  ChildProcess report({binary("apps/cicada/cicada").string(), "report", "--html", "stored.html", "latest"},
                      dir.path());
  ASSERT_EQ(report.wait(30s), 0) << report.err();
  const std::string stored = cicada::testing::read_file(dir.path() / "stored.html");
  auto between = [](const std::string& text, const std::string& from, const std::string& to) {
    const auto a = text.find(from), b = text.find(to, a);
    return a == std::string::npos || b == std::string::npos ? std::string() : text.substr(a, b - a);
  };
  const auto curve_section = between(html, "<h2>Throughput-latency curve</h2>", "</body>");
  ASSERT_FALSE(curve_section.empty());
  EXPECT_EQ(between(stored, "<h2>Throughput-latency curve</h2>", "<h2>Request Statistics</h2>"),
            curve_section);
}

// `cicada capacity` on a short fixed plan: steps of 50/s from 50/s, 1 s of warm-up and 1 s windows,
// objective p95 < 1 s (met far under a throttled server's ceiling), then `extra`.
std::vector<std::string> short_fixed_plan(const std::string& url, int steps, std::vector<std::string> extra) {
  std::vector<std::string> args{binary("apps/cicada/cicada").string(),
                                "capacity",
                                "-f",
                                source("examples/fixed-predict.yaml").string(),
                                "--host",
                                url,
                                "--slo",
                                "p95 < 1s",
                                "--start",
                                "50",
                                "--step",
                                "50",
                                "--max-steps",
                                std::to_string(steps),
                                "--warmup",
                                "1s",
                                "--window",
                                "1s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// --no-io-uring: the search's requests go over epoll (the default is io_uring); --arrival-distribution
// poisson: at exponential gaps (the default is paced). The console and the history say which.
TEST(CapacityE2e, NoIoUringAndPoissonArrivalsAreWhatTheSearchRunsAndTheHistorySaysSo) {
  ModelServer server;
  TempDir dir;
  ChildProcess search(short_fixed_plan(server.url(), 1,
                                       {"--threads", "1", "--headless", "--no-io-uring",
                                        "--arrival-distribution", "poisson"}),
                      dir.path());
  const auto code = search.wait(60s);
  ASSERT_TRUE(code.has_value()) << search.out() << search.err();
  // Its one step was met: --max-steps ended the search before the limit was found (exit 4).
  EXPECT_EQ(*code, 4) << search.out() << search.err();
  EXPECT_NE(
      search.out().find("Highest load measured, no step failed before --max-steps (a lower bound): 50/s"),
      std::string::npos)
      << search.out();
  ChildProcess show({binary("apps/cicada/cicada").string(), "history", "show", "latest"}, dir.path());
  ASSERT_EQ(show.wait(30s), 0) << show.err();
  EXPECT_NE(search.out().find("Capacity search: rate (Poisson arrivals) from 50/s"), std::string::npos)
      << search.out();
  EXPECT_NE(show.out().find("\"io_uring\":false"), std::string::npos) << show.out();
  EXPECT_NE(show.out().find("capacity search by Poisson arrival rate from 50/s"), std::string::npos)
      << show.out();
  // The settings, not the whole curve on one line: the report draws that.
  EXPECT_EQ(show.out().find("\"points\""), std::string::npos) << show.out();
  EXPECT_NE(show.out().find("cicada report --html"), std::string::npos) << show.out();
}

}  // namespace

namespace {

// `cicada capacity --master`: the same search with the load made by a worker process over ZeroMQ; the
// steps' loads are the fleet's. A short fixed plan (two steps of 50/s and 100/s, a fifth or less of the
// throttled server's ceiling: at 200/s a machine loaded by other builds held a step to 143/s) keeps it to
// a few seconds: this checks the wiring, the test above the answer.
TEST(CapacityE2e, RunsOnAMasterWithItsWorkers) {
  ModelServer server({"--simulated-cost-us", "2000", "--simulated-cost-mode", "sleep"});
  TempDir dir;
  ChildProcess search(short_fixed_plan(server.url(), 2,
                                       {"--master", "--master-bind-host", "127.0.0.1", "--master-bind-port",
                                        "0", "--expect-workers", "1", "--expect-workers-max-wait", "30",
                                        "--headless", "--no-history", "--json", "curve.json", "-L", "INFO"}),
                      dir.path());
  const auto bound =
      search.wait_for_output(" for workers", 20s);  // "Master listening on HOST:PORT for workers"
  ASSERT_TRUE(bound) << search.out() << search.err();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(*bound, m, std::regex(R"(listening on [^ ]*:([0-9]+) for workers)")))
      << *bound;
  ChildProcess worker({binary("apps/cicada/cicada").string(), "--worker", "--master-host", "127.0.0.1",
                       "--master-port", m[1].str(), "--threads", "1"},
                      dir.path());
  const auto code = search.wait(90s);
  ASSERT_TRUE(code.has_value()) << search.out() << search.err();
  EXPECT_EQ(*code, 4) << search.out() << search.err();  // both steps met: the limit is above them
  const auto read = cicada::testing::read_json_file(dir.path() / "curve.json");
  ASSERT_TRUE(read) << "no curve.json, or not JSON";
  const nlohmann::json& curve = *read;
  const auto& points = curve.at("points");
  ASSERT_EQ(points.size(), 2u) << curve.dump();
  for (const auto& p : points) {
    EXPECT_TRUE(p.at("within_slo").get<bool>()) << p.dump();
    // The fleet made the step's load: its throughput is the offered rate.
    EXPECT_NEAR(p.at("throughput_rps").get<double>(), p.at("load").get<double>(),
                p.at("load").get<double>() * 0.1);
  }
  EXPECT_EQ(worker.wait(30s), 0) << worker.err();  // the master told it to quit
}

}  // namespace

namespace {

// A target that is down: the search comes down to its lowest load, says a lower --start cannot help, and
// names what failed (Locust's "Error report"), where before it only advised "lower --start".
TEST(CapacityE2e, ADownTargetNamesItsErrorAndNoLowerStartIsAdvised) {
  TempDir dir;
  // Port 9 on loopback: nothing listens there, every connection is refused.
  ChildProcess search(
      {binary("apps/cicada/cicada").string(), "capacity", "-f", source("examples/health.yaml").string(),
       "--host", "http://127.0.0.1:9", "--slo", "p99.9 < 50ms", "--slo", "avg < 50ms", "--start", "2",
       "--warmup", "0s", "--window", "1s", "--headless", "--no-history"},
      dir.path());
  const auto code = search.wait(60s);
  ASSERT_TRUE(code.has_value()) << search.out() << search.err();
  EXPECT_EQ(*code, 1) << search.out() << search.err();
  const std::string out = search.out();
  EXPECT_NE(out.find("every request failed"), std::string::npos) << out;
  // Objectives the line's columns (p50, p95, p99) do not show have columns of their own.
  EXPECT_NE(out.find(" ms  p99.9 "), std::string::npos) << out;
  EXPECT_NE(out.find(" ms  avg "), std::string::npos) << out;
  EXPECT_NE(out.find("No load met every objective, not even the lowest tried."), std::string::npos) << out;
  EXPECT_EQ(out.find("lower --start"), std::string::npos) << out;
  const auto report = out.find("Error report");
  ASSERT_NE(report, std::string::npos) << out;
  EXPECT_NE(out.find("GET /health: ", report), std::string::npos) << out;
  EXPECT_NE(out.find("refused", report), std::string::npos) << out;
}

}  // namespace

namespace {

// A target that accepts and never answers: its step measured nothing, and says "-" where zeros would read
// as a 0 ms p95 and no failures.
TEST(CapacityE2e, AHungTargetsStepShowsNoFiguresRatherThanZeros) {
  cicada::testing::ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(cicada::testing::ScriptedReply::stall());
  TempDir dir;
  ChildProcess search({binary("apps/cicada/cicada").string(), "capacity", "-f",
                       source("examples/health.yaml").string(), "--host", server.url(), "--slo", "p95 < 50ms",
                       "--start", "2", "--warmup", "0s", "--window", "1s", "--headless", "--no-history"},
                      dir.path());
  const auto code = search.wait(60s);
  ASSERT_TRUE(code.has_value()) << search.out() << search.err();
  EXPECT_EQ(*code, 1) << search.out() << search.err();
  const std::string out = search.out();
  EXPECT_NE(out.find("p50       - ms  p95       - ms  p99       - ms  fail      -  "), std::string::npos)
      << out;
  EXPECT_NE(out.find("(no request completed)"), std::string::npos) << out;
  EXPECT_EQ(out.find("p95    0.00 ms"), std::string::npos) << out;
}

}  // namespace

namespace {

// --mode users from --start 10 against a target that one user nearly fills (one thread, 2 ms a request:
// at most 500/s): 10 users, printed met as the first step, is past the knee, which only the probes below
// it show. The console says so when they do, not only in the answer, and the answer is the knee from
// below (1 user; 2 on a machine whose load slows one user's turnaround enough for a second to add 10%).
TEST(CapacityE2e, AKneeProbeSaysWhenAStepPrintedMetWasPastTheKnee) {
  ModelServer server({"--simulated-cost-us", "2000", "--simulated-cost-mode", "sleep"});
  TempDir dir;
  ChildProcess search({binary("apps/cicada/cicada").string(),
                       "capacity",
                       "-f",
                       source("examples/fixed-predict.yaml").string(),
                       "--host",
                       server.url(),
                       "--mode",
                       "users",
                       "--start",
                       "10",
                       "--slo",
                       "p95 < 1s",
                       "--warmup",
                       "1s",
                       "--window",
                       "1s",
                       "--threads",
                       "1",
                       "--headless",
                       "--no-history",
                       "--json",
                       "curve.json"},
                      dir.path());
  const auto code = search.wait(120s);
  ASSERT_TRUE(code.has_value()) << search.out() << search.err();
  EXPECT_EQ(*code, 0) << search.out() << search.err();
  const std::string out = search.out();
  const auto first = out.find("step  1      10 users  ");
  ASSERT_NE(first, std::string::npos) << out;
  const std::string first_line = out.substr(first, out.find('\n', first) - first);
  EXPECT_EQ(first_line.find("<-"), std::string::npos) << "10 users was printed met: " << first_line;
  EXPECT_NE(out.find("step  1      10 users  now failed: throughput stopped growing"), std::string::npos)
      << out;
  const auto read = cicada::testing::read_json_file(dir.path() / "curve.json");
  ASSERT_TRUE(read) << "no curve.json, or not JSON";
  const nlohmann::json& curve = *read;
  EXPECT_TRUE(curve.at("found").get<bool>()) << curve.dump();
  EXPECT_LE(curve.at("max_load").get<double>(), 2) << out;
  EXPECT_FALSE(curve.at("points").at(0).at("within_slo").get<bool>()) << curve.dump();
}

}  // namespace
