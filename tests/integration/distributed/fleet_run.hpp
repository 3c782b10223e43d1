#pragma once
// The process tests of load shapes over a fleet (fleet_shape_test.cpp, fleet_lost_worker_test.cpp): a
// master and two workers run to the end against a scripted target, and what the target served, counted
// per connection or over a window, read back beside the master's CSVs and logs.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "fleet.hpp"
#include "support/csv_rows.hpp"
#include "support/json_file.hpp"
#include "support/scripted_server.hpp"
#include "support/text_count.hpp"

namespace cicada::testing {

using namespace std::chrono_literals;

struct FleetRun {
  ScriptedServer server;
  TempDir dir;
  int port = ScriptedServer::closed_port();

  using Workers = std::vector<std::unique_ptr<ChildProcess>>;

  // Runs the master with two workers to its end; returns its exit code (nullopt: it hung). `during` runs
  // once both have started (it may kill one and take it out of the list); `worker_extra` are the workers'
  // own flags.
  std::optional<int> run(const std::filesystem::path& scenario, std::vector<std::string> extra,
                         std::string& master_err,
                         const std::function<void(ChildProcess&, Workers&)>& during = {},
                         const std::vector<std::string>& worker_extra = {}) {
    extra.insert(extra.end(), {"--csv", (dir.path() / "run").string(), "--stop-timeout", "2"});
    ChildProcess master(master_argv(scenario, server.url(), port, 2, extra), dir.path());
    Workers workers;
    for (int i = 0; i < 2; ++i)
      workers.push_back(std::make_unique<ChildProcess>(worker_argv(port, worker_extra)));
    if (during) during(master, workers);
    const auto code = master.wait(120s);
    master_err = master.err();
    expect_workers_quit(workers);
    return code;
  }
  CsvRows csv(const std::string& suffix) const { return read_csv(dir.path() / ("run_" + suffix + ".csv")); }
  // Kills the first worker with SIGKILL (no goodbye: the master has to find it missing) and forgets it.
  static void kill_first(Workers& workers) {
    workers[0]->signal(SIGKILL);
    workers[0]->wait(5s);
    workers.erase(workers.begin());
  }
};

// The requests the server read over the next `window`, and how long that window lasted at least and at
// most: each count is read between two clock readings, so a test thread preempted there widens the
// interval instead of skewing the rate.
struct ServedWindow {
  std::uint64_t served = 0;
  double shortest_s = 0, longest_s = 0;
};
inline ServedWindow served_over(const ScriptedServer& server, std::chrono::milliseconds window) {
  using clock = std::chrono::steady_clock;
  auto seconds = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const auto a0 = clock::now();
  const std::uint64_t before = server.request_count();
  const auto a1 = clock::now();
  std::this_thread::sleep_for(window);
  const auto b0 = clock::now();
  const std::uint64_t after = server.request_count();
  const auto b1 = clock::now();
  return {after - before, seconds(b0 - a1), seconds(b1 - a0)};
}

// An open model's schedule makes `rate` iterations due each second however busy the machine is, and each
// (one request here) reaches the server no later than its latency from its due time. So the requests read
// in a window are the ones due in it, give or take those due within the run's highest such latency
// (`max_late_ms`, the stats' Max: it is measured from the due time) of either end, plus one per executor
// for where its schedule's phase falls. A loaded machine widens the tolerance by what it really delayed.
inline void expect_rate(const ServedWindow& w, double rate, double max_late_ms, int executors,
                        const std::string& err) {
  const double slack = rate * max_late_ms / 1000.0 + executors;
  EXPECT_GE(static_cast<double>(w.served), rate * w.shortest_s - slack)
      << "window " << w.shortest_s << "-" << w.longest_s << " s, latest " << max_late_ms << " ms\n"
      << err;
  EXPECT_LE(static_cast<double>(w.served), rate * w.longest_s + slack)
      << "window " << w.shortest_s << "-" << w.longest_s << " s, latest " << max_late_ms << " ms\n"
      << err;
}

inline std::uint64_t requests(const CsvRows& stats, const std::string& method, const std::string& name) {
  const auto* row = find_row(stats, method, name);
  return row ? std::stoull((*row)[2]) : 0;
}

// The highest latency of the run (ms), from each request's due time in the open model.
inline double max_latency_ms(const CsvRows& stats) {
  const auto* row = find_row(stats, "", "Aggregated");
  return row ? std::stod((*row)[7]) : 0;
}

// A count in the latency correction CSV ("Due Iterations", ...); nullopt when the row is missing.
inline std::optional<std::uint64_t> iterations(const CsvRows& rows, const std::string& what) {
  for (const auto& row : rows)
    if (row.size() >= 2 && row[0] == what) return std::stoull(row[1]);
  return std::nullopt;
}

// `fixed` Pinned users (a fixed count) GET /pinned every 0.1 s, ~10/s each; weighted Getters fill the rest.
inline std::filesystem::path write_pinned_scenario(const std::filesystem::path& dir, int fixed) {
  const auto path = dir / "pinned.yaml";
  std::ofstream(path) << "user_types:\n"
                         "  Pinned:\n    fixed_count: "
                      << fixed
                      << "\n    wait_time: constant(0.1)\n"
                         "    tasks:\n      pin:\n        requests:\n          - get: /pinned\n"
                         "  Getter:\n    weight: 1\n    wait_time: constant(0.1)\n"
                         "    tasks:\n      get_x:\n        requests:\n          - get: /x\n";
  return path;
}

// Two user types, each GETting /<its name in lower case> every 0.1 s; `first_extra`, `second_extra`: more
// of each one's YAML lines (e.g. "    fixed_count: 1\n").
inline std::filesystem::path write_two_types(const std::filesystem::path& dir, const std::string& first,
                                             const std::string& first_extra, const std::string& second,
                                             const std::string& second_extra) {
  const auto path = dir / "two.yaml";
  std::ofstream out(path);
  out << "user_types:\n";
  for (const auto& [name, extra] : {std::pair{first, first_extra}, std::pair{second, second_extra}}) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out << "  " << name << ":\n"
        << extra << "    wait_time: constant(0.1)\n    tasks:\n      t:\n"
        << "        requests:\n          - get: /" << lower << "\n";
  }
  return path;
}

// The users (or open-model slots) requesting `target`, whoever runs them, as the server sees them: each
// keeps its own keep-alive connection, so the connections that request it in a window are the users
// running then. A count, not a rate: a loaded machine slows every user down, but 2 users never look like 4.
// A user being stopped as the window opens may still send a request or two; it is told apart from a
// running one by the same window: it made less than a third of what the median connection made.
struct ConnectionCounter {
  struct Seen {
    std::mutex mutex;
    std::map<std::size_t, std::size_t> requests;  // per connection
  };
  std::shared_ptr<Seen> seen = std::make_shared<Seen>();
  std::string target;
  explicit ConnectionCounter(std::string t) : target(std::move(t)) {}
  void install(ScriptedServer& server, ScriptedReply reply = ScriptedReply::respond(200, "ok")) const {
    server.set_handler([seen = seen, target = target, reply](const RecordedRequest& r) {
      if (r.target == target) {
        std::lock_guard lock(seen->mutex);
        ++seen->requests[r.connection];
      }
      return reply;
    });
  }
  // Connections that kept making requests over the next `window`.
  std::size_t users_over(std::chrono::milliseconds window) const {
    {
      std::lock_guard lock(seen->mutex);
      seen->requests.clear();
    }
    std::this_thread::sleep_for(window);
    std::vector<std::size_t> counts;
    {
      std::lock_guard lock(seen->mutex);
      for (const auto& [connection, n] : seen->requests) counts.push_back(n);
    }
    if (counts.empty()) return 0;
    std::sort(counts.begin(), counts.end());
    const std::size_t median = counts[counts.size() / 2];
    return static_cast<std::size_t>(std::count_if(
        counts.begin(), counts.end(), [median](std::size_t n) { return n >= 2 && 3 * n >= median; }));
  }
};

// Waits until one of `processes` has printed `needle` (a minute: only a hang); false if none did.
inline bool any_printed(std::initializer_list<const ChildProcess*> processes, const std::string& needle) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& p : processes)
      if (p->err().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// Waits (a minute: only a hang) until `p` printed `needle` after its first `after` bytes of output;
// returns where it is, or nullopt.
inline std::optional<std::size_t> printed_after(const ChildProcess& p, const std::string& needle,
                                                std::size_t after) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string err = p.err();
    if (const auto at = err.find(needle, std::min(after, err.size())); at != std::string::npos) return at;
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

// The user count of the master's last closed second (its history CSV, rewritten every second).
inline std::string last_user_count(const FleetRun& f) {
  const auto history = f.csv("stats_history");
  return history.size() > 1 ? history.back()[1] : "";
}

}  // namespace cicada::testing
