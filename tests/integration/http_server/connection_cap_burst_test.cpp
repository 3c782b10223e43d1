// The connection cap under a burst (h23 finding 2): many connections arriving while the worker is busy must
// not push the server past its cap. It used to accept on while each new connection waited in the worker's
// queue, and each of them then "evicted" the same already-closed session: 1000 at once left 798 open at a
// cap of 100.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <vector>

#include "raw_http.hpp"
#include "server_fixture.hpp"

namespace cicada::http {
namespace {

using test::make_request;
using test::RawConnection;

TEST(ConnectionCapBurst, ABurstWhileTheWorkerIsBusyLeavesExactlyTheCapOpen) {
  constexpr std::size_t kCap = 10;
  constexpr std::size_t kBurst = 100;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> holding{false};
  Router router;
  router.add("GET", "/hold", [&](const ServerRequest&, ServerResponse& out) {
    holding = true;
    released.wait();
    out.body = "held";
  });
  router.add("GET", "/hello", [](const ServerRequest&, ServerResponse& out) { out.body = "hi"; });
  ServerOptions o = test_options();
  o.threads = 1;
  o.max_connections = kCap;
  o.request_timeout = 60s;  // no connection leaves by timeout during the test
  o.first_request_timeout = 60s;
  HttpServer server(o, std::move(router), nullptr);
  ASSERT_TRUE(server.start().ok());

  // The only worker is held inside a handler while the burst connects.
  std::vector<std::unique_ptr<RawConnection>> clients;
  clients.push_back(std::make_unique<RawConnection>(server.port()));
  ASSERT_TRUE(clients.back()->send(make_request("GET", "/hold")));
  for (int i = 0; i < 6000 && !holding; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(holding);
  for (std::size_t i = 0; i < kBurst; ++i) {
    clients.push_back(std::make_unique<RawConnection>(server.port()));
    ASSERT_TRUE(clients.back()->connected());
  }
  // Meanwhile the acceptor holds at most one connection over the cap (the one waiting for room).
  EXPECT_LE(server.connections(), kCap + 1);
  release.set_value();
  auto held = clients.front()->read_response();
  ASSERT_TRUE(held);
  EXPECT_EQ(held->body, "held");

  // Every connection beyond the cap is closed by the server: each new one closes the oldest idle one.
  const std::size_t expect_closed = clients.size() - kCap;
  std::vector<bool> closed(clients.size(), false);
  std::size_t closed_count = 0;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (closed_count < expect_closed && std::chrono::steady_clock::now() < give_up) {
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (!closed[i] && clients[i]->wait_closed(10ms)) {
        closed[i] = true;
        ++closed_count;
      }
    }
  }
  EXPECT_EQ(closed_count, expect_closed);
  for (int i = 0; i < 6000 && server.connections() != kCap; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.connections(), kCap) << "the server's own count of open connections";
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (!closed[i]) {
      EXPECT_FALSE(clients[i]->wait_closed(10ms)) << "connection " << i << " stays open";
    }
  }
  // A newcomer still gets in at the cap.
  auto r = test::round_trip(server.port(), make_request("GET", "/hello"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace cicada::http
