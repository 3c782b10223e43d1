#pragma once
// prometheus_exposition: live metrics of a load test in the Prometheus text exposition format (version
// 0.0.4), for dashboards while a test runs: GET /metrics on the web UI's port, or on --metrics-port in a
// headless run.
//
//   cicada_requests_total{method,name}                    counter  completed requests (failures included)
//   cicada_failures_total{method,name}                    counter  failed requests
//   cicada_request_duration_seconds{method,name}          histogram latency from when each request was due
//   cicada_current_rps{method,name}                       gauge    requests/s over the last ~10 s
//   cicada_users                                          gauge    running users (in flight: open model)
//   cicada_dropped_iterations_total                       counter  open model: iterations never started
//   cicada_stats_start_timestamp_seconds                  gauge    when the counters last started from 0
//
// Per-entry series only (no Aggregated row: sum() them). The histogram's cumulative buckets are read from
// the run's HDR-style histogram: a histogram bucket counts below `le` when its whole range is (buckets are
// under 1% wide, so a boundary is exact to 1%). Counters restart from 0 on a reset or a new test, which
// Prometheus's rate() treats as a counter reset.
#include <array>
#include <string>

#include "stats/snapshot.hpp"

namespace cicada::report {

// Upper bounds of the latency buckets, in seconds (+Inf is implicit): 100 us to 60 s.
inline constexpr std::array<double, 18> kPrometheusLatencyBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,    0.5,    1.0,   2.5,    5.0,   10.0, 30.0,  60.0};

std::string prometheus_text(const stats::Snapshot& snap);

// Content-Type of the exposition.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace cicada::report
