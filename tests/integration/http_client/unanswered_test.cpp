// A request still waiting when its user goes away (the test ended after --stop-timeout) is reported to the
// sink as unanswered, with how long it waited; it is never silently dropped.
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <thread>

#include "client_fixture.hpp"

namespace cicada::http::test {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedReply;
using testing::ScriptedServer;

TEST_F(ClientTest, ARequestCutShortByTheEndOfTheTestIsReportedAsUnanswered) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::stall());
  use_config(config_for(server.url()));
  auto client = make_client();
  // Started as the engine starts a user, then abandoned as the engine does at the end of a test: the
  // coroutine frame goes first, then the client.
  Task<> user = [](UserHttpClient& c) -> Task<> {
    RequestOptions named;
    named.name = "/hung";
    Response r = co_await c.get("/hung?id=1", named);
    ADD_FAILURE() << "the stalled request completed: " << r.error();
  }(*client);
  user.handle().resume();
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (server.request_count() == 0 && std::chrono::steady_clock::now() < until)
    io_.run_one_for(std::chrono::milliseconds(20));
  ASSERT_EQ(server.request_count(), 1u);
  // Waiting here only makes the request older than the failure limit; nothing depends on speed.
  std::this_thread::sleep_for(std::chrono::microseconds(stats::ThreadStats::kUnansweredFailureAfterUs) +
                              50ms);
  user = Task<>();
  client.reset();
  const auto delta = stats_.take_delta();
  EXPECT_EQ(delta.unanswered_requests, 1u);
  EXPECT_GE(delta.oldest_unanswered_us, stats::ThreadStats::kUnansweredFailureAfterUs);
  ASSERT_EQ(delta.failures.size(), 1u);
  EXPECT_EQ(delta.failures[0].name, "/hung");
  EXPECT_EQ(delta.failures[0].error, stats::ThreadStats::kUnansweredError);
}

// The run stops a user mid-task (the end of a run with --stop-timeout 0): kill() cuts the request in flight,
// which counts as unanswered and throws UserKilled where the user waits; the request after it (on_stop's
// logout) is made as usual, on a new connection.
TEST_F(ClientTest, AKilledRequestIsCutCountedAsUnansweredAndTheNextOneIsMadeAsUsual) {
  ScriptedServer server;
  server.set_handler([](const testing::RecordedRequest& r) {
    return r.target == "/hung" ? ScriptedReply::stall() : ScriptedReply::respond(200, "ok");
  });
  use_config(config_for(server.url()));
  auto client = make_client();
  // Killed from the loop, as the engine does, once the server has the request.
  boost::asio::steady_timer poll(io_);
  std::function<void()> watch = [&] {
    if (server.request_count() >= 1) return client->kill();
    poll.expires_after(5ms);
    poll.async_wait([&](const boost::system::error_code&) { watch(); });
  };
  watch();
  bool killed = false;
  int status = 0;
  run([](UserHttpClient& c, bool& was_killed, int& logout_status) -> Task<> {
    try {
      Response r = co_await c.get("/hung");
      ADD_FAILURE() << "the stalled request completed: " << r.error();
    } catch (const UserKilled&) {
      was_killed = true;
    }
    Response r = co_await c.get("/logout");
    logout_status = r.status();
  }(*client, killed, status));
  EXPECT_TRUE(killed);
  EXPECT_EQ(status, 200);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].connection, requests[1].connection);
  const auto delta = stats_.take_delta();
  EXPECT_EQ(delta.unanswered_requests, 1u);
  std::uint64_t logout = 0;
  for (const auto& e : delta.entries)
    if (e.name == "/logout") logout += e.num_requests - e.num_failures;
  EXPECT_EQ(logout, 1u);
}

TEST_F(ClientTest, AKillBetweenRequestsStopsTheNextOneBeforeAnythingIsSent) {
  ScriptedServer server;
  use_config(config_for(server.url()));
  auto client = make_client();
  client->kill();
  bool killed = false;
  int status = 0;
  run([](UserHttpClient& c, bool& was_killed, int& after_status) -> Task<> {
    try {
      co_await c.get("/never");
    } catch (const UserKilled&) {
      was_killed = true;
    }
    Response r = co_await c.get("/after");
    after_status = r.status();
  }(*client, killed, status));
  EXPECT_TRUE(killed);
  EXPECT_EQ(status, 200);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/after");
  const auto delta = stats_.take_delta();
  EXPECT_EQ(delta.unanswered_requests, 0u);
  ASSERT_EQ(delta.entries.size(), 1u);
  EXPECT_EQ(delta.entries[0].name, "/after");
}

}  // namespace
}  // namespace cicada::http::test
