// A request still waiting when its user goes away (the test ended after --stop-timeout) is reported to the
// sink as unanswered, with how long it waited; it is never silently dropped.
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

}  // namespace
}  // namespace cicada::http::test
