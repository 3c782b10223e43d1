#include "runner/local_runner.hpp"

#include <sched.h>

#include <algorithm>
#include <random>
#include <thread>

#include "base/host_url.hpp"
#include "http/client/url.hpp"
#include "runner/equal_weights.hpp"
#include "runner/local_backend.hpp"
#include "runner/run_control.hpp"
#include "runner/tag_filter.hpp"

namespace cicada::runner {

std::size_t usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

LocalRunner::LocalRunner(Scenario scenario, RunOptions options)
    : scenario_(std::move(scenario)), options_(std::move(options)) {}

// The control goes before the backend it drives; the backend stops its loops before its users go.
LocalRunner::~LocalRunner() {
  control_.reset();
  backend_.reset();
}

Result<void> check_runnable(Scenario& scenario, const RunOptions& options) {
  if (auto r = apply_tag_filter(scenario, options.tags, options.exclude_tags); !r) return r;
  if (options.equal_weights) assign_equal_weights(scenario);
  if (options.users < 0) return make_error("-u/--users must be 0 or more");
  if (!(options.spawn_rate > 0)) return make_error("-r/--spawn-rate must be greater than 0");
  for (const auto& type : scenario.user_types) {
    std::string host = !type.host.empty() ? type.host : options.host;
    if (!type.needs_host) continue;  // its host is its own business, as in Locust (a plain User)
    if (host.empty()) {
      return make_error("no host for user type '" + type.name +
                        "': pass --host URL or set host in the scenario " + scenario.source);
    }
    if (!is_host_url(host))
      return make_error("host '" + printable_host(host) + "' must start with " + std::string(kHostSchemes));
    // Past the scheme, a URL the client can connect to (the client's own parser: a host, a port from 1 to
    // 65535, a closed IPv6 bracket) and no space or control character. "http://", "http://:80" or a CRLF
    // typed into the web form started a test whose every request failed, the CRLF forging a log line.
    const bool printable =
        std::none_of(host.begin(), host.end(), [](char c) { return c == ' ' || is_control_char(c); });
    http::Origin origin;
    std::string_view target;
    const std::string as_http = host.starts_with("grpc") ? "http" + host.substr(4) : host;
    if (!printable || !http::parse_absolute_url(as_http, origin, target))
      return make_error("host '" + printable_host(host) +
                        "' is not a URL to connect to: it needs a host, any port " +
                        "from 1 to 65535, and no spaces or control characters");
  }
  return {};
}

Result<void> LocalRunner::prepare() {
  if (auto r = check_runnable(scenario_, options_); !r) return r;
  for (const auto& type : scenario_.user_types) pickers_.emplace_back(type.tasks);
  seed_ = options_.seed ? options_.seed : std::random_device{}();
  backend_ = std::make_unique<LocalBackend>(scenario_, pickers_, options_, seed_);
  control_ = std::make_unique<RunControl>(*backend_);
  return {};
}

void LocalRunner::run(const std::function<void(const stats::Snapshot&)>& on_second) {
  RunOptions options = options_;
  if (!options.shape) options.shape = scenario_.shape;  // a C++ scenario's own shape
  control_->run(options, on_second);
}

void LocalRunner::stop() { control_->stop(); }
void LocalRunner::stop_now() { control_->stop_now(); }
void LocalRunner::set_users(int users, double spawn_rate, TypeShares shares) {
  control_->set_users(users, spawn_rate, std::move(shares));
}
void LocalRunner::set_max_inflight(std::size_t total) { control_->set_max_inflight(total); }
void LocalRunner::set_arrival_rate(double per_second) { control_->set_arrival_rate(per_second); }
bool LocalRunner::open_model() const { return control_ && control_->open_model(); }
double LocalRunner::arrival_rate() const { return control_ ? control_->arrival_rate() : 0; }
std::optional<int> LocalRunner::target_users() const {
  return control_ ? control_->target_users() : std::nullopt;
}

std::optional<int> LocalRunner::live_users() const {
  return control_ ? control_->live_users() : std::nullopt;
}
void LocalRunner::stop_after(std::chrono::microseconds from_now) { control_->stop_after(from_now); }
void LocalRunner::reset_stats() { control_->reset_stats(); }
void LocalRunner::set_delta_listener(std::function<void(const std::vector<stats::StatsDelta>&)> listener) {
  control_->set_delta_listener(std::move(listener));
}
RunState LocalRunner::state() const { return control_ ? control_->state() : RunState::kReady; }
const char* LocalRunner::ended_by() const { return control_ ? control_->ended_by() : ""; }
std::shared_ptr<const stats::Snapshot> LocalRunner::snapshot() const {
  return control_ ? control_->snapshot() : nullptr;
}

}  // namespace cicada::runner
