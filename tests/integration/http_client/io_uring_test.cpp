// --io-uring: plain HTTP/1.1 requests go through the loop's io_uring (reactor/uring_ring.hpp), with the
// same results and records as over epoll. The whole client suite also runs with the ring (the "io_uring."
// copy, CMakeLists.txt); these tests check what only the ring has: that it carried the requests, that
// large requests and responses cross it whole, and that nothing stays in flight after a deadline or a
// user that went away.
#include "client_fixture.hpp"
#include "support/eventually.hpp"

namespace cicada::http::test {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedReply;
using testing::ScriptedServer;

// The server sees no connection open (true), within the hang guard of eventually().
bool all_closed(const ScriptedServer& server) {
  return cicada::testing::eventually([&] { return server.connections_open() == 0; });
}

class IoUringTest : public ClientTest {
 protected:
  void SetUp() override {
    std::string why;
    boost::asio::io_context probe;
    if (!reactor::UringRing::create(probe, why)) GTEST_SKIP() << "this kernel refuses io_uring: " << why;
  }
  void use_ring(const std::string& url, std::chrono::milliseconds timeout = 60s) {
    ClientConfig c = config_for(url);
    c.io_uring = true;
    c.request_timeout = timeout;
    use_config(c);
  }
  // A user whose request the (stalling) server has received and will never answer.
  Task<> start_hung_request(UserHttpClient& client, const ScriptedServer& server) {
    Task<> user = [](UserHttpClient& c) -> Task<> { (void)co_await c.get("/hung"); }(client);
    user.handle().resume();
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (server.request_count() == 0 && std::chrono::steady_clock::now() < until) io_.run_one_for(20ms);
    return user;
  }
  // Runs the loop until the ring has nothing in flight (bounded: a hang fails, speed does not matter).
  void settle() {
    const auto until = std::chrono::steady_clock::now() + 10s;
    io_.restart();
    while (shared_->uring()->in_flight() > 0 && std::chrono::steady_clock::now() < until)
      io_.run_one_for(20ms);
  }
};

TEST_F(IoUringTest, KeepAliveRequestsGoThroughTheRingAndEachIsRecordedOnce) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::respond(200, R"({"status":"ok"})"));
  use_ring(server.url());
  auto client = make_client();
  int ok = 0;
  run([&]() -> Task<> {
    for (int i = 0; i < 100; ++i) {
      Response get = co_await client->get("/health");
      Response post = co_await client->post_json("/predict", R"({"age":63})");
      ok += (get.status() == 200 && get.text() == R"({"status":"ok"})") + (post.status() == 200);
    }
  }());
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(server.request_count(), 200u);
  EXPECT_EQ(server.requests().back().body, R"({"age":63})");
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(totals("GET", "/health").requests, 100u);
  EXPECT_EQ(totals("POST", "/predict").requests, 100u);
  EXPECT_EQ(totals("POST", "/predict").failures, 0u);
  // A send and a receive per request (more receives when a response comes in pieces): the ring, not
  // Asio's socket, moved them.
  ASSERT_NE(shared_->uring(), nullptr);
  EXPECT_GE(shared_->uring()->operations(), 400u);
  EXPECT_EQ(shared_->uring()->in_flight(), 0u);
}

TEST_F(IoUringTest, LargeRequestsAndResponsesCrossTheRingWhole) {
  ScriptedServer server;
  // The request body is larger than a loopback socket's buffers (the send is continued by the kernel),
  // the response takes many receives (the read buffer grows to its cap on the way).
  const std::string upload(4 << 20, 'u');
  server.set_handler([](const testing::RecordedRequest& r) {
    return ScriptedReply::respond(200, std::string(r.body.size() / 8, 'd'));
  });
  use_ring(server.url());
  auto client = make_client();
  std::size_t got = 0;
  run([&]() -> Task<> {
    Response r = co_await client->post("/upload", upload);
    got = r.content_size();
    EXPECT_EQ(r.status(), 200) << r.error();
  }());
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.requests()[0].body.size(), upload.size());
  EXPECT_EQ(got, upload.size() / 8);
  EXPECT_EQ(client->read_buffer_bytes(), Connection::kMaxReadBufferSize);
  EXPECT_EQ(shared_->uring()->in_flight(), 0u);
}

TEST_F(IoUringTest, ADeadlineEndsThePendingReceiveAndTheNextRequestUsesANewConnection) {
  ScriptedServer server;
  server.push(ScriptedReply::stall());
  server.push(ScriptedReply::respond(200, "later"));
  use_ring(server.url(), 200ms);
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/slow");
    EXPECT_EQ(r.error(), "ReadTimeout('request timeout after 0.2 s')");
    EXPECT_EQ(shared_->uring()->in_flight(), 0u) << "the timed-out receive is still in flight";
    Response next = co_await client->get("/slow");
    EXPECT_EQ(next.text(), "later");
  }());
  EXPECT_EQ(client->connections_opened(), 2u);
  const auto t = totals("GET", "/slow");
  EXPECT_EQ(t.requests, 2u);
  EXPECT_EQ(t.failures, 1u);
}

TEST_F(IoUringTest, AUserThatGoesAwayMidRequestLeavesNothingInFlight) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::stall());
  use_ring(server.url());
  auto client = make_client();
  Task<> user = start_hung_request(*client, server);
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(shared_->uring()->in_flight(), 1u) << "the receive waits for the stalled answer";
  user = Task<>();  // as the engine ends a test: the frame first, then the client
  client.reset();
  settle();  // the shut-down socket ends the receive; its completion drops the connection
  EXPECT_EQ(shared_->uring()->in_flight(), 0u);
  EXPECT_TRUE(all_closed(server)) << "the connection was never closed";
}

TEST_F(IoUringTest, TheRingGoesWithOperationsInFlightWithoutWaitingForThem) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::stall());
  use_ring(server.url());
  auto client = make_client();
  Task<> user = start_hung_request(*client, server);
  ASSERT_EQ(server.request_count(), 1u);
  user = Task<>();
  client.reset();
  // The loop is not run again (as when the engine's loops have stopped): the ring's own shutdown takes
  // the completion and drops the connection's last reference (the ASan build would see it leak).
  shared_.reset();
  EXPECT_TRUE(all_closed(server)) << "the connection was never closed";
  // The ring's cancelled wait is still queued on the loop: run later (as a test's next run() would), it
  // finds the ring gone through its token and does nothing (the ASan build would see a use after free).
  io_.restart();
  EXPECT_GE(io_.poll(), 1u) << "the cancelled wait's handler was not queued";
}

}  // namespace
}  // namespace cicada::http::test
