#pragma once
// The JSON answers of the web UI's API, in Locust 2.12's shapes (keys sorted, as Flask's jsonify writes
// them) so scripts written against Locust's UI keep working. Times are milliseconds; unlike Locust's
// rounded integers they keep microsecond resolution (as in the CSVs). See docs/webui.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cicada/user.hpp"
#include "runner/run_state.hpp"
#include "stats/snapshot.hpp"

namespace cicada::webui {

// Python's html.escape(s, quote=True): what Locust applies to names and error texts in its JSON.
std::string html_escape(std::string_view s);

// The latest test's host and how its load is driven, for cicada's keys of /stats/requests.
struct LoadStatus {
  std::string mode = "users";          // "users", "arrival_rate", "stages" or "shape" (see LoadMode)
  std::optional<double> arrival_rate;  // open model: iterations per second now; none: closed model
  std::size_t max_inflight = 0;        // open model: iterations running at once at most
  bool poisson_arrivals = false;       // open model: exponential gaps between arrivals (else paced)
  std::string host;                    // the host the latest test runs against (the command line's before)
  std::uint64_t test_id = 0;           // tests started in this process: a new one clears every page's charts
};

// GET /stats/requests. started: a test has been started (the Aggregated method is null before that, ""
// after). Each stats entry also carries cicada's extra keys (whole-run rates and the CSV percentiles);
// the answer adds load_mode and, for an open-model test, open_model: its arrival rate, iterations in
// flight and dropped, and the whole run's corrected and uncorrected p95/p99; streams, one row per entry
// that streamed and Aggregated ({method, name, streams, events, tokens, tokens_per_s, ttfb, ttft, itl,
// total}, each series {p50, p95, p99} in ms or null; [] when nothing streamed), and current_streams, the
// latest closed second's Aggregated {streams, ttft, itl} over the last ~10 s (null before any stream); host
// and test_id (LoadStatus).
std::string stats_requests_json(const stats::Snapshot& snap, runner::RunState state, bool started,
                                bool pretty = true, const LoadStatus& load = {});
// GET /exceptions: {"exceptions": [{count, msg, traceback, nodes}]}.
std::string exceptions_json(const stats::Snapshot& snap);
// GET /stats/history: one point per closed second for the charts
// [{time, user_count, rps, fail_per_s, p50, p95, p99}] (current rates and percentiles, ms); a second
// after the first stream also has streams: {streams, ttft, itl} as current_streams above.
std::string history_json(const stats::Snapshot& snap);
// GET /stats/histogram: the whole-run latency histogram of one entry (or Aggregated):
// {method, name, count, buckets: [[low_ms, high_ms, count]...]}; null when there is no such entry.
std::string histogram_json(const stats::Snapshot& snap, std::string_view method, std::string_view name);

}  // namespace cicada::webui
