#include "serving/api_metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "base/process_usage.hpp"

namespace cicada::serving {
namespace {

constexpr std::size_t kCodeCount = ApiMetrics::kCodes.size();
constexpr std::size_t kBucketCount = ApiMetrics::kBucketBounds.size() + 1;  // + the +Inf bucket

std::size_t code_index(int status) {
  for (std::size_t i = 0; i + 1 < kCodeCount; ++i) {
    if (ApiMetrics::kCodes[i] == status) return i;
  }
  return kCodeCount - 1;
}

// Only the owning worker writes, so a relaxed load + store is a correct (and cheaper) increment.
void bump(std::atomic<std::uint64_t>& c, std::uint64_t by = 1) {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

}  // namespace

struct alignas(64) ApiMetrics::Slot {
  explicit Slot(std::size_t routes)
      : counts(routes * kCodeCount),
        buckets(routes * kBucketCount),
        sum_ns(routes),
        inference_buckets(kBucketCount) {}
  std::vector<std::atomic<std::uint64_t>> counts;   // [route][code]
  std::vector<std::atomic<std::uint64_t>> buckets;  // [route][bucket], not cumulative
  std::vector<std::atomic<std::uint64_t>> sum_ns;   // [route]
  std::atomic<std::uint64_t> rejected{0};
  std::vector<std::atomic<std::uint64_t>> inference_buckets;  // [bucket], not cumulative
  std::atomic<std::uint64_t> inference_sum_ns{0};
};

ApiMetrics::ApiMetrics(std::size_t workers, const http::Router& router) {
  for (std::size_t i = 0; i < router.route_count(); ++i) routes_.push_back(router.route_path(i));
  routes_.push_back("unmatched");
  for (std::size_t w = 0; w < std::max<std::size_t>(workers, 1); ++w) {
    slots_.push_back(std::make_unique<Slot>(routes_.size()));
  }
}

ApiMetrics::~ApiMetrics() = default;

void ApiMetrics::on_response(std::size_t worker, std::size_t route, int status,
                             std::chrono::nanoseconds latency) noexcept {
  Slot& s = *slots_[worker % slots_.size()];
  std::size_t r = route_slot(route);
  bump(s.counts[r * kCodeCount + code_index(status)]);
  double seconds = std::chrono::duration<double>(latency).count();
  auto bound = std::lower_bound(kBucketBounds.begin(), kBucketBounds.end(), seconds);
  bump(s.buckets[r * kBucketCount + static_cast<std::size_t>(bound - kBucketBounds.begin())]);
  bump(s.sum_ns[r], static_cast<std::uint64_t>(std::max<std::int64_t>(latency.count(), 0)));
}

void ApiMetrics::on_rejected(std::size_t worker) noexcept { bump(slots_[worker % slots_.size()]->rejected); }

void ApiMetrics::on_inference(std::size_t worker, std::chrono::nanoseconds spent) const noexcept {
  Slot& s = *slots_[worker % slots_.size()];
  const double seconds = std::chrono::duration<double>(spent).count();
  const auto bound = std::lower_bound(kBucketBounds.begin(), kBucketBounds.end(), seconds);
  bump(s.inference_buckets[static_cast<std::size_t>(bound - kBucketBounds.begin())]);
  bump(s.inference_sum_ns, static_cast<std::uint64_t>(std::max<std::int64_t>(spent.count(), 0)));
}

std::string ApiMetrics::render() const {
  auto total = [&](auto member, std::size_t index) {
    std::uint64_t sum = 0;
    for (const auto& s : slots_) sum += ((*s).*member)[index].load(std::memory_order_relaxed);
    return sum;
  };
  std::string out;
  auto it = std::back_inserter(out);
  out += "# HELP cicada_http_requests_total Responses sent, by route and status code.\n";
  out += "# TYPE cicada_http_requests_total counter\n";
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    for (std::size_t c = 0; c < kCodeCount; ++c) {
      std::uint64_t n = total(&Slot::counts, r * kCodeCount + c);
      if (n == 0) continue;
      std::string code = kCodes[c] == 0 ? "other" : std::to_string(kCodes[c]);
      fmt::format_to(it, "cicada_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n", routes_[r], code, n);
    }
  }
  out += "# HELP cicada_http_request_duration_seconds Time from request fully read to response written.\n";
  out += "# TYPE cicada_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kBucketCount; ++b) cumulative += total(&Slot::buckets, r * kBucketCount + b);
    if (cumulative == 0) continue;  // a route never called has no samples to show
    cumulative = 0;
    for (std::size_t b = 0; b < kBucketCount; ++b) {
      cumulative += total(&Slot::buckets, r * kBucketCount + b);
      std::string le = b < kBucketBounds.size() ? fmt::format("{}", kBucketBounds[b]) : "+Inf";
      fmt::format_to(it, "cicada_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                     routes_[r], le, cumulative);
    }
    fmt::format_to(it, "cicada_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", routes_[r],
                   static_cast<double>(total(&Slot::sum_ns, r)) / 1e9);
    fmt::format_to(it, "cicada_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", routes_[r],
                   cumulative);
  }
  std::uint64_t rejected = 0;
  for (const auto& s : slots_) rejected += s->rejected.load(std::memory_order_relaxed);
  out += "# HELP cicada_http_requests_in_flight Requests read and not yet answered.\n";
  out += "# TYPE cicada_http_requests_in_flight gauge\n";
  fmt::format_to(it, "cicada_http_requests_in_flight {}\n", inflight_ ? inflight_() : 0);
  out += "# HELP cicada_http_requests_rejected_total Requests answered 503 at the in-flight limit.\n";
  out += "# TYPE cicada_http_requests_rejected_total counter\n";
  fmt::format_to(it, "cicada_http_requests_rejected_total {}\n", rejected);
  out +=
      "# HELP cicada_model_inference_duration_seconds Time inside the /predict handler (parse, validate, "
      "predict, answer).\n";
  out += "# TYPE cicada_model_inference_duration_seconds histogram\n";
  std::uint64_t cumulative = 0, sum_ns = 0;
  for (const auto& s : slots_) sum_ns += s->inference_sum_ns.load(std::memory_order_relaxed);
  for (std::size_t b = 0; b < kBucketCount; ++b) {
    cumulative += total(&Slot::inference_buckets, b);
    std::string le = b < kBucketBounds.size() ? fmt::format("{}", kBucketBounds[b]) : "+Inf";
    fmt::format_to(it, "cicada_model_inference_duration_seconds_bucket{{le=\"{}\"}} {}\n", le, cumulative);
  }
  fmt::format_to(it, "cicada_model_inference_duration_seconds_sum {}\n", static_cast<double>(sum_ns) / 1e9);
  fmt::format_to(it, "cicada_model_inference_duration_seconds_count {}\n", cumulative);
  // Prometheus's standard process metrics: with the request counter, the server's CPU per request, and
  // whether its cores were full at a load (what `cicada capacity --server-metrics` shows as "process cpu").
  out += "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n";
  out += "# TYPE process_cpu_seconds_total counter\n";
  fmt::format_to(it, "process_cpu_seconds_total {}\n",
                 std::chrono::duration<double>(ProcessUsage::cpu_time()).count());
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
  out += "# TYPE process_resident_memory_bytes gauge\n";
  fmt::format_to(it, "process_resident_memory_bytes {}\n", ProcessUsage::resident_bytes());
  return out;
}

}  // namespace cicada::serving
