#pragma once
// ApiMetrics: the server's request metrics in Prometheus text format (GET /metrics).
//
//   cicada_http_requests_total{route,code}             counter: responses sent, by route and status code
//   cicada_http_request_duration_seconds{route}        histogram: request fully read -> response written
//   cicada_http_requests_in_flight                     gauge: requests read and not yet answered
//   cicada_http_requests_rejected_total                counter: requests answered 503 at the in-flight limit
//   cicada_model_inference_duration_seconds            histogram: time inside the /predict handler (parse,
//                                                      validate, predict, answer): the model's share of a
//                                                      request; the rest of request_duration is waiting on
//                                                      the event loop (the server's queue) and writing
//   process_cpu_seconds_total, process_resident_memory_bytes   Prometheus's standard process metrics
//
// Each worker thread writes only its own cache-line-aligned slot (relaxed atomics, no lock, no RMW);
// render() sums the slots, so a scrape sees each counter at most one request behind.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/server/router.hpp"
#include "http/server/server_types.hpp"

namespace cicada::serving {

class ApiMetrics final : public http::ServerObserver {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implicit).
  static constexpr std::array<double, 14> kBucketBounds = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};
  // Status codes counted under their own label; anything else counts as code="other".
  static constexpr std::array<int, 14> kCodes = {200, 400, 404, 405, 408, 413, 415,
                                                 422, 431, 499, 500, 503, 504, 0};

  // workers: the server's thread count; the route labels are the router's paths plus "unmatched".
  ApiMetrics(std::size_t workers, const http::Router& router);
  ~ApiMetrics() override;

  // Where the in-flight gauge is read from (the server, once constructed).
  void set_inflight_source(std::function<std::size_t()> source) { inflight_ = std::move(source); }

  void on_response(std::size_t worker, std::size_t route, int status,
                   std::chrono::nanoseconds latency) noexcept override;
  void on_rejected(std::size_t worker) noexcept override;
  // One /predict handler call took `spent` (called on the worker thread that ran it).
  void on_inference(std::size_t worker, std::chrono::nanoseconds spent) const noexcept;

  std::string render() const;

 private:
  struct Slot;
  std::size_t route_slot(std::size_t route) const {
    return route < routes_.size() - 1 ? route : routes_.size() - 1;
  }
  std::vector<std::string> routes_;  // last one is "unmatched"
  std::vector<std::unique_ptr<Slot>> slots_;
  std::function<std::size_t()> inflight_;
};

}  // namespace cicada::serving
