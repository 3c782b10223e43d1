// The thread's BufferPool with real clients over 127.0.0.1 (issue 19: memory per user): a user between
// requests holds no read, request or response buffer; the pool grows to the peak number of requests in
// flight (and Responses alive), no further, and then serves every request from what it has.
#include <algorithm>
#include <deque>

#include "client_fixture.hpp"

namespace cicada::http::test {
namespace {

using testing::ScriptedReply;
using testing::ScriptedServer;

constexpr int kUsers = 12;

// Each request keeps the previous Response until the next one arrives, as a scenario may.
Task<> requests(UserHttpClient& client, int n, int& failures) {
  Response r;
  for (int i = 0; i < n; ++i) {
    r = co_await client.get("/health");
    if (r.status() != 200 || r.header("Content-Type") != "application/json") ++failures;
  }
}

class BufferPoolTest : public ClientTest {
 protected:
  // Every client runs `n` requests at the same time as the others; returns when all are done.
  void run_together(std::vector<std::unique_ptr<UserHttpClient>>& clients, int n, int& failures) {
    std::deque<bool> done(clients.size(), false);
    std::deque<std::exception_ptr> errors(clients.size());
    for (std::size_t i = 0; i < clients.size(); ++i)
      boost::asio::post(io_, [&, i] { drive(requests(*clients[i], n, failures), done[i], errors[i]); });
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto all_done = [&] { return std::all_of(done.begin(), done.end(), [](bool d) { return d; }); };
    io_.restart();
    while (!all_done() && std::chrono::steady_clock::now() < until)
      io_.run_one_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(all_done()) << "the users did not finish within the limit";
    for (auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
};

TEST_F(BufferPoolTest, AWaitingUserHoldsNoBufferAndThePoolStopsAtThePeakInFlight) {
  ScriptedServer server;
  server.set_recording(false);
  // Each answer waits a little, so the users' requests are in flight together.
  server.set_fallback(ScriptedReply::respond(200, R"({"status":"ok"})")
                          .with_header("Content-Type", "application/json")
                          .after(std::chrono::milliseconds(30)));
  use_config(config_for(server.url()));
  std::vector<std::unique_ptr<UserHttpClient>> clients;
  for (int i = 0; i < kUsers; ++i) clients.push_back(make_client());
  BufferPool& pool = shared_->buffers();
  EXPECT_EQ(pool.read_made() + pool.requests_made() + pool.responses_made(), 0u)
      << "users that never sent a request hold no buffer";

  int failures = 0;
  run_together(clients, 5, failures);
  EXPECT_EQ(failures, 0);
  // Bounded: one read and one request buffer per request in flight at once (at most one per user),
  // response strings for those and for the Response each user keeps while its next request runs.
  const std::size_t reads = pool.read_made(), requests = pool.requests_made();
  const std::size_t responses = pool.responses_made();
  EXPECT_GE(reads, 2u) << "the requests were in flight together";
  EXPECT_LE(reads, std::size_t{kUsers});
  EXPECT_LE(requests, std::size_t{kUsers});
  EXPECT_LE(responses, 2u * kUsers);
  // Waiting users hold nothing: every buffer made is back in the pool.
  for (auto& c : clients) {
    EXPECT_FALSE(c->holds_buffers());
    EXPECT_EQ(c->read_buffer_bytes(), Connection::kInitialReadBufferSize) << "the size it will ask for";
    EXPECT_EQ(c->connections_opened(), 1u);
  }
  EXPECT_EQ(pool.reads_free(), reads);
  EXPECT_EQ(pool.requests_free(), requests);
  EXPECT_EQ(pool.responses_free(), responses);

  // Reused: ten more rounds of the same load make no new buffer.
  run_together(clients, 10, failures);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(pool.read_made(), reads);
  EXPECT_EQ(pool.requests_made(), requests);
  EXPECT_EQ(pool.responses_made(), responses);
  EXPECT_EQ(pool.reads_free(), reads);
  EXPECT_EQ(pool.responses_free(), responses);
  for (auto& c : clients) EXPECT_EQ(c->connections_opened(), 1u);
}

TEST_F(BufferPoolTest, AResponseKeptByTheScenarioKeepsItsStringsUntilItGoes) {
  ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::respond(200, "hello").with_header("X-Kept", "yes"));
  use_config(config_for(server.url()));
  auto client = make_client();
  BufferPool& pool = shared_->buffers();
  Response kept;
  run([&]() -> Task<> { kept = co_await client->get("/a"); }());
  EXPECT_FALSE(client->holds_buffers()) << "the request ended: its read and request buffers are back";
  EXPECT_EQ(pool.reads_free(), pool.read_made());
  EXPECT_EQ(pool.responses_free() + 1, pool.responses_made()) << "the kept Response holds one set";
  // A later request does not touch the kept Response.
  run([&]() -> Task<> {
    Response other = co_await client->get("/b");
    EXPECT_EQ(other.text(), "hello");
  }());
  EXPECT_EQ(kept.status(), 200);
  EXPECT_EQ(kept.text(), "hello");
  EXPECT_EQ(kept.header("X-Kept"), "yes");
  kept = Response();
  EXPECT_EQ(pool.responses_free(), pool.responses_made());
}

}  // namespace
}  // namespace cicada::http::test
