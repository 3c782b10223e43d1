#pragma once
// RunOptions: everything the runner needs to know about one test, already validated by the app.
//
// One value, one field list: visit_run_options() below names every field but the shape once, and the
// distributed codec (the master's Start), the run history's configuration JSON and the round-trip test
// walk that list. A new option is a member here, its line in visit_run_options, and its flag
// (apps/cicada/cli_options.cpp); it reaches the workers and the history by itself.
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "cicada/shape.hpp"
#include "http/client/event_stream.hpp"
#include "runner/run_hooks.hpp"

namespace cicada::runner {

struct RunOptions {
  std::string host;                                   // base URL for relative paths (--host)
  int users = 1;                                      // peak number of users (-u)
  double spawn_rate = 1;                              // users started per second (-r)
  std::optional<std::chrono::microseconds> run_time;  // stop after this long (-t); none: until stopped
  std::chrono::microseconds stop_timeout{0};  // let users finish their task this long (--stop-timeout)
  std::vector<std::string> tags;              // run only tasks with one of these tags (--tags)
  std::vector<std::string> exclude_tags;      // drop tasks with any of these tags (--exclude-tags)
  bool reset_stats = false;                   // zero the stats once all users are spawned
  // Zero the stats once this long has passed (--warmup; runner/warmup_gate.hpp); counts in run_time.
  std::optional<std::chrono::microseconds> warmup;
  std::size_t threads = 0;         // event loops; 0: one per CPU this process may use
  std::uint64_t seed = 0;          // 0: a random seed (reported in the log)
  bool keep_entry_history = true;  // per-entry rows in the per-second history
  // How every user's HTTP client behaves (apps/cicada/client_options.hpp has the flags; runner/local_backend
  // turns these into the client's http::ClientConfig).
  std::chrono::microseconds connect_timeout{10'000'000};  // DNS, TCP and TLS (--connect-timeout)
  std::chrono::microseconds request_timeout{60'000'000};  // due to last response byte (--request-timeout)
  int max_redirects = 10;                                 // hops followed per request (--max-redirects)
  bool insecure = false;    // skip TLS certificate verification (--insecure); verified by default
  std::string ca_bundle;    // PEM CA certificates trusted instead of the system's (--ca-bundle)
  std::string client_cert;  // PEM client certificate chain for mutual TLS (--client-cert)
  std::string client_key;   // its private key (--client-key)
  std::size_t max_body_bytes = 1 << 20;  // response body bytes kept for checks (--max-body-size)
  bool http2 = false;     // HTTP/2: TLS with ALPN "h2", h2c prior knowledge on http:// (--http2)
  bool io_uring = false;  // plain HTTP/1.1 sends and receives through io_uring (--io-uring)
  // How streamed responses count tokens (--stream-tokens, http/client/event_stream.hpp).
  http::TokenCounting stream_tokens;
  // Load shape (--stages, --arrival-rate, the scenario's stages or C++ shape): followed instead of
  // users/spawn_rate when set; the test ends when it returns nothing. See runner/stages.hpp.
  ShapeFn shape;
  // Open model only (a shape target with an arrival rate): iterations running at once at most
  // (--max-inflight), and how long an iteration may wait for a free slot before it is dropped.
  std::size_t max_inflight = 1000;
  std::chrono::microseconds max_lateness{10'000'000};
  // Open model only: exponential gaps between arrivals instead of the rate's interval
  // (--arrival-distribution poisson; runner/arrival_executor.hpp).
  bool poisson_arrivals = false;
  // Every user type (but a fixed count) and every task weighs 1 (--equal-weights, Locust's; a locustfile's
  // task sets are opened into their tasks, as Locust does): runner/equal_weights.hpp.
  bool equal_weights = false;
  // The scenario's code at the test's moments (run_hooks.hpp); like the shape, not a setting to send.
  RunHooks hooks;
};

// Calls visit(name, field) for every field except `shape` (a function: the master follows it and sends
// each worker its share) and `hooks` (functions of this process), with `options` const or not. Names are the
// wire and JSON keys: renaming one is a protocol change (docs/protocol.md).
// tests/unit/distributed/run_options_test.cpp fails when a member is missing here.
template <class Options, class Visit>
requires std::same_as<std::remove_const_t<Options>, RunOptions>
void visit_run_options(Options& options, Visit&& visit) {
  visit("host", options.host);
  visit("users", options.users);
  visit("spawn_rate", options.spawn_rate);
  visit("run_time", options.run_time);
  visit("stop_timeout", options.stop_timeout);
  visit("tags", options.tags);
  visit("exclude_tags", options.exclude_tags);
  visit("reset_stats", options.reset_stats);
  visit("warmup", options.warmup);
  visit("threads", options.threads);
  visit("seed", options.seed);
  visit("keep_entry_history", options.keep_entry_history);
  visit("connect_timeout", options.connect_timeout);
  visit("request_timeout", options.request_timeout);
  visit("max_redirects", options.max_redirects);
  visit("insecure", options.insecure);
  visit("ca_bundle", options.ca_bundle);
  visit("client_cert", options.client_cert);
  visit("client_key", options.client_key);
  visit("max_body_bytes", options.max_body_bytes);
  visit("http2", options.http2);
  visit("io_uring", options.io_uring);
  visit("stream_tokens", options.stream_tokens.json_pointer);  // empty: one token per event
  visit("max_inflight", options.max_inflight);
  visit("max_lateness", options.max_lateness);
  visit("poisson_arrivals", options.poisson_arrivals);
  visit("equal_weights", options.equal_weights);
}

// CPUs in this process's affinity mask (taskset-aware, unlike hardware_concurrency()).
std::size_t usable_cpus();

}  // namespace cicada::runner
