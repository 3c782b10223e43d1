#pragma once
// What every HTTP client test needs: an event loop, the thread's stats, the shared client state, a way to
// run a coroutine to completion on that loop (bounded in time), and readers for the recorded stats.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <coroutine>
#include <cstdlib>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "http/client/user_http_client.hpp"
#include "stats/thread_stats.hpp"
#include "support/scripted_server.hpp"

namespace cicada::http::test {

// Fire-and-forget coroutine that drives a Task from the test body.
struct Detached {
  struct promise_type {
    Detached get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

inline Detached drive(Task<> task, bool& done, std::exception_ptr& error) {
  try {
    co_await std::move(task);
  } catch (...) {
    error = std::current_exception();
  }
  done = true;
}

// Totals of one (method, name) entry and the failure texts seen for it, read from take_delta().
struct EntryTotals {
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::uint64_t content_bytes = 0;
  std::vector<std::pair<std::string, std::uint64_t>> errors;  // (error text, occurrences)
};

class ClientTest : public ::testing::Test {
 protected:
  // CICADA_TEST_IO_URING=1 (the "io_uring." copy of this suite, CMakeLists.txt) runs every test with the
  // client's sends and receives on an io_uring (--io-uring) instead of epoll.
  static bool io_uring_run() { return std::getenv("CICADA_TEST_IO_URING") != nullptr; }

  ClientConfig config_for(const std::string& base_url) {
    ClientConfig c;
    c.base_url = base_url;
    c.io_uring = io_uring_run();
    return c;
  }

  // (Re)creates the shared state; clients made afterwards use this config.
  void use_config(ClientConfig config) {
    shared_ = std::make_unique<SharedClientState>(io_, std::move(config));
  }

  std::unique_ptr<UserHttpClient> make_client() { return std::make_unique<UserHttpClient>(*shared_, stats_); }

  // Runs `task` on the loop until it finishes; fails the test if it takes longer than `limit`.
  void run(Task<> task, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    bool done = false;
    std::exception_ptr error;
    // Started from inside the loop, as the engine starts users: Asio's per-thread handler memory cache
    // only works for operations started on a thread that is running the io_context.
    boost::asio::post(io_, [&] { drive(std::move(task), done, error); });
    const auto until = std::chrono::steady_clock::now() + limit;
    io_.restart();
    while (!done && std::chrono::steady_clock::now() < until) io_.run_one_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(done) << "the coroutine did not finish within the limit";
    if (error) std::rethrow_exception(error);
  }

  // Starts GET `path` as the engine starts a user (a request that is not to complete), runs the loop until
  // it is older than the limit past which an unanswered request is a failure (the wait only ages it),
  // then abandons it as the engine does at the end of a test, coroutine frame first, then the client:
  // what the thread's stats took.
  stats::StatsDelta abandoned_past_the_failure_limit(const std::string& path) {
    auto client = make_client();
    Task<> user = [](UserHttpClient& c, std::string target) -> Task<> {
      Response r = co_await c.get(target);
      ADD_FAILURE() << "the request to " << target << " completed: " << r.error();
    }(*client, path);
    user.handle().resume();
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::microseconds(stats::ThreadStats::kUnansweredFailureAfterUs) +
                       std::chrono::milliseconds(100);
    while (std::chrono::steady_clock::now() < until) io_.run_one_for(std::chrono::milliseconds(20));
    user = Task<>();
    client.reset();
    return stats_.take_delta();
  }

  // Folds everything recorded so far into per-entry totals (and empties the thread's interval).
  void collect() {
    auto delta = stats_.take_delta();
    for (auto& e : delta.entries) {
      auto& t = totals_[e.method + " " + e.name];
      t.requests += e.num_requests;
      t.failures += e.num_failures;
      t.content_bytes += e.content_bytes;
    }
    for (auto& f : delta.failures)
      totals_[f.method + " " + f.name].errors.emplace_back(f.error, f.occurrences);
  }
  EntryTotals totals(std::string_view method, std::string_view name) {
    collect();
    return totals_[std::string(method) + " " + std::string(name)];
  }
  std::uint64_t total_requests() {
    collect();
    std::uint64_t n = 0;
    for (auto& [k, t] : totals_) n += t.requests;
    return n;
  }

  // Options carrying only these headers.
  static RequestOptions with_headers(std::span<const Header> headers) {
    RequestOptions options;
    options.headers = headers;
    return options;
  }

  boost::asio::io_context io_;
  stats::ThreadStats stats_;
  std::unique_ptr<SharedClientState> shared_;
  std::map<std::string, EntryTotals> totals_;
};

}  // namespace cicada::http::test
