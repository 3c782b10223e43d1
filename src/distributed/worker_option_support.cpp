#include "distributed/worker_option_support.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "distributed/codec.hpp"

namespace cicada::distributed {
namespace {

// What a worker whose hello has no `known_options` (a cicada from before the field) is taken to know: the
// options up to and including max_lateness, in visit_run_options' order. poisson_arrivals came in the
// release before the field; a list-less worker may be that release or an older one that ignores it, and
// the two look alike, so it is taken not to know it. Frozen: an option added later is never here.
// clang-format off
constexpr std::array<std::string_view, 25> kOptionsOfListlessWorkers = {
    "host", "users", "spawn_rate", "run_time", "stop_timeout",
    "tags", "exclude_tags", "reset_stats", "warmup", "threads",
    "seed", "keep_entry_history", "connect_timeout", "request_timeout", "max_redirects",
    "insecure", "ca_bundle", "client_cert", "client_key", "max_body_bytes",
    "http2", "io_uring", "stream_tokens", "max_inflight", "max_lateness"};
// clang-format on

// Set by the master for each worker whatever the run's value (worker_run_options, worker_test.cpp), so a
// worker that does not know one still runs as asked: the master's share, its seed, its end of the test.
constexpr std::array<std::string_view, 9> kMasterOwned = {
    "users",       "spawn_rate",         "max_inflight", "run_time", "warmup",
    "reset_stats", "keep_entry_history", "threads",      "seed"};

template <class List>
bool contains(const List& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// The options a test sets that a worker must know: those with another value than a default RunOptions
// has, compared as the worker would receive them (the codec's bytes, so every field type compares alike),
// but for the master's own.
std::vector<std::string> options_set(const runner::RunOptions& options) {
  const auto defaults = encode_run_option_fields(runner::RunOptions{});
  const auto given = encode_run_option_fields(options);
  std::vector<std::string> set;
  for (std::size_t i = 0; i < given.size(); ++i)
    if (given[i].second != defaults[i].second && !contains(kMasterOwned, given[i].first))
      set.push_back(given[i].first);
  return set;
}

std::vector<std::string> unknown_of(const std::optional<std::vector<std::string>>& known,
                                    const std::vector<std::string>& set) {
  std::vector<std::string> unknown;
  for (const auto& name : set)
    if (!(known ? contains(*known, name) : contains(kOptionsOfListlessWorkers, name)))
      unknown.push_back(name);
  return unknown;
}

}  // namespace

std::vector<std::string> known_run_options() {
  std::vector<std::string> names;
  const runner::RunOptions options;
  runner::visit_run_options(options, [&](const char* name, const auto&) { names.emplace_back(name); });
  return names;
}

std::vector<std::string> options_unknown_to(const std::optional<std::vector<std::string>>& known,
                                            const runner::RunOptions& options) {
  return unknown_of(known, options_set(options));
}

Result<void> check_workers_know_options(const std::vector<WorkerHello>& workers,
                                        const runner::RunOptions& options) {
  const auto set = options_set(options);  // encoded once for every worker
  std::string refusals;
  for (const auto& w : workers) {
    const auto unknown = unknown_of(w.hello.known_options, set);
    if (unknown.empty()) continue;
    // fmt::format, not "literal" + std::string: GCC 12 -O3 warns falsely (-Wrestrict) on the latter.
    refusals += fmt::format("worker {} ({}) runs an older cicada that does not know the option(s) {}; ", w.id,
                            w.hello.hostname, fmt::join(unknown, ", "));
  }
  if (refusals.empty()) return {};
  return make_error(fmt::format("{}run the same cicada version on master and workers", refusals));
}

}  // namespace cicada::distributed
