// A request still waiting when its user goes away (the test ended after --stop-timeout) is reported to the
// sink as unanswered, with how long it waited; it is never silently dropped.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <thread>

#include "client_fixture.hpp"
#include "stats/stream_stats.hpp"
#include "support/stream_target.hpp"

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

// One whose answer was arriving (its head and part of its body) when the test ended: past the limit its
// failure says the response was cut, not that there was none.
TEST_F(ClientTest, AResponseStillArrivingWhenTheTestEndsFailsAsCut) {
  ScriptedServer server;
  server.set_fallback(ScriptedReply::garbage("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789"));
  use_config(config_for(server.url()));
  const auto delta = abandoned_past_the_failure_limit("/slow-body");
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(delta.unanswered_requests, 1u);
  ASSERT_EQ(delta.failures.size(), 1u);
  EXPECT_EQ(delta.failures[0].error, stats::ThreadStats::kCutResponseError);
}

// A request whose connection is still being opened when the test ends (a target whose accept queue is
// full: its SYN is dropped) never went out: unanswered, and past the limit a failure that says so, not
// NoResponse, which reads as a request the target got.
TEST_F(ClientTest, ARequestStillConnectingWhenTheTestEndsFailsAsNeverSent) {
  std::uint16_t port = 0;
  const int listener = testing::listen_on_loopback(port, "the full target");
  ASSERT_EQ(::listen(listener, 0), 0);  // an accept queue of one, never accepted from
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  std::vector<int> fillers;  // the first takes the queue's place; the others wait in SYN-SENT
  for (int i = 0; i < 3; ++i) {
    fillers.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    (void)::connect(fillers.back(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  use_config(config_for("http://127.0.0.1:" + std::to_string(port)));
  // The connect waits on meanwhile (the config's connect timeout is 10 s).
  const auto delta = abandoned_past_the_failure_limit("/never-sent");
  for (int fd : fillers) ::close(fd);
  ::close(listener);
  EXPECT_EQ(delta.unanswered_requests, 1u);
  EXPECT_EQ(delta.unanswered_counted, 1u);
  ASSERT_EQ(delta.failures.size(), 1u);
  EXPECT_EQ(delta.failures[0].error, stats::ThreadStats::kUnsentError);
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

class CutStreamTest : public ClientTest {
 protected:
  // Posts a streamed request (entry "chat") to `path` and kills the client from its loop, as the engine
  // ends a run, once the server has held the request for `after`; whether the request threw UserKilled.
  bool post_and_cut(ScriptedServer& server, std::string_view path, std::chrono::milliseconds after) {
    use_config(config_for(server.url()));
    client_ = make_client();
    std::optional<std::chrono::steady_clock::time_point> read_at;
    boost::asio::steady_timer poll(io_);
    std::function<void()> watch = [&] {
      if (!read_at && server.request_count() > 0) read_at = std::chrono::steady_clock::now();
      if (read_at && std::chrono::steady_clock::now() - *read_at >= after) return client_->kill();
      poll.expires_after(5ms);
      poll.async_wait([&](const boost::system::error_code&) { watch(); });
    };
    watch();
    bool killed = false;
    run([](UserHttpClient& c, std::string_view p, bool& was_killed) -> Task<> {
      try {
        RequestOptions named;
        named.name = "chat";
        Response r = co_await c.post_json(p, R"({"stream":true})", named);
        ADD_FAILURE() << "the request completed before the cut: " << r.status() << " " << r.error();
      } catch (const UserKilled&) {
        was_killed = true;
      }
    }(*client_, path, killed));
    return killed;
  }

  std::unique_ptr<UserHttpClient> client_;
};

// A stream still arriving when the run ends (tokens every 20 ms, the request due 1.3 s before) had
// answered: it was a NoResponse failure (waited 1 s or more), its time to first token and tokens lost.
// Now it is counted once, as unanswered, not as a failure, and what it measured until the cut is kept:
// time to first token, gaps and tokens, but no total (the stream did not end).
TEST_F(CutStreamTest, AStreamCutByTheEndOfTheTestKeepsWhatItMeasuredAndIsNoFailure) {
  ScriptedServer server;
  testing::serve_stream_target(server, testing::StreamPace{});
  const auto called = std::chrono::steady_clock::now();
  EXPECT_TRUE(
      post_and_cut(server, "/v1/chat/completions?first_token_ms=10&token_gap_ms=20&tokens=5000", 1300ms));
  const auto cut_at = std::chrono::steady_clock::now();
  auto delta = stats_.take_delta();
  EXPECT_EQ(delta.unanswered_requests, 1u);
  EXPECT_GE(delta.oldest_unanswered_us, stats::ThreadStats::kUnansweredFailureAfterUs);
  EXPECT_TRUE(delta.failures.empty()) << delta.failures[0].error;
  for (const auto& e : delta.entries) EXPECT_EQ(e.num_requests, 0u) << e.name;
  stats::StreamAggregate aggregate;
  aggregate.merge(std::move(delta.streams));
  const auto rows = aggregate.snapshot();
  ASSERT_EQ(rows.size(), 2u);  // chat and Aggregated
  const auto& chat = rows[0];
  EXPECT_EQ(chat.name, "chat");
  EXPECT_EQ(chat.streams, 1u);
  EXPECT_EQ(stats::cut_streams(chat), 1u);
  EXPECT_EQ(chat.total->count(), 0u);
  EXPECT_EQ(chat.ttft_count, 1u);
  // Tokens came; no more than the target could have written by the cut (the truth: one every 20 ms after
  // 10 ms), and one gap fewer than tokens.
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(cut_at - called).count();
  EXPECT_GE(chat.tokens, 1u);
  EXPECT_LE(chat.tokens, static_cast<std::uint64_t>(elapsed_ms / 20 + 1));
  EXPECT_EQ(chat.itl_count, chat.tokens - 1);
  EXPECT_GE(chat.ttft_us[0], 10'000 * 98 / 100);  // not before the first token was written
}

// The 1 s rule still holds for a stream that answered and then stalled: nothing for 1 s or more before the
// cut is a failed request (StreamStalled), counted once, and not measured as a stream.
TEST_F(CutStreamTest, AStreamSilentForASecondWhenCutIsAStalledStreamFailure) {
  ScriptedServer server;
  ScriptedReply stalling = ScriptedReply::respond(200).with_header("Content-Type", "text/event-stream");
  stalling.chunked = true;
  stalling.pieces = {{0ms, "data: a\n\n"}, {3s, "data: b\n\n"}};  // the second comes after the cut
  server.set_fallback(stalling);
  EXPECT_TRUE(post_and_cut(server, "/stalling", 1300ms));
  const auto delta = stats_.take_delta();
  EXPECT_EQ(delta.unanswered_requests, 1u);
  ASSERT_EQ(delta.failures.size(), 1u);
  EXPECT_EQ(delta.failures[0].name, "chat");
  EXPECT_EQ(delta.failures[0].error, stats::ThreadStats::kStalledStreamError);
  EXPECT_TRUE(delta.streams.empty());
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
