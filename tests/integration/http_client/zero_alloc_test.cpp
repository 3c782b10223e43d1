// Steady state allocates nothing: after warm-up, 10,000 keep-alive requests (and their stats records) on
// one client make no call to operator new on the client's thread.
//
// Global operator new is replaced in this test binary only (tests/support/counting_new.hpp); it counts
// calls made on a thread that asked to be counted, so the server threads and the other tests are unaffected.
#include "client_fixture.hpp"
#include "support/counting_new.hpp"

namespace cicada::http::test {
namespace {

using ::cicada::test::counting_new::allocations;
using ::cicada::test::counting_new::counting;

using testing::ScriptedReply;
using testing::ScriptedServer;

Task<> requests(UserHttpClient& client, int n, bool post) {
  for (int i = 0; i < n; ++i) {
    // Not `post ? co_await a : co_await b`: g++ 12 destroys the result of a co_await inside ?: twice.
    Response r;
    if (post)
      r = co_await client.post_json("/predict", R"({"age":63,"sex":1})");
    else
      r = co_await client.get("/health");
    if (r.status() != 200) std::abort();  // no gtest macros while counting: they may allocate
  }
}

TEST_F(ClientTest, NoAllocationPerRequestInSteadyState) {
  ScriptedServer server;
  server.set_recording(false);
  server.set_fallback(ScriptedReply::respond(200, R"({"status":"ok","prediction":1})")
                          .with_header("Content-Type", "application/json"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run(requests(*client, 200, false));  // warm-up: buffers, entries, handler memory
  run(requests(*client, 200, true));

  std::size_t counted = 0;
  run([&]() -> Task<> {
    // One uncounted request first: the post() that started this coroutine left a smaller block in Asio's
    // per-thread handler cache, so the first operation after it allocates once (a per-start cost).
    co_await requests(*client, 1, false);
    allocations = 0;
    counting = true;
    co_await requests(*client, 5000, false);
    co_await requests(*client, 5000, true);
    counting = false;
    counted = allocations;
  }());
  EXPECT_EQ(counted, 0u) << "operator new calls over 10,000 steady-state requests";
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(totals("GET", "/health").requests, 5201u);
  EXPECT_EQ(totals("POST", "/predict").requests, 5200u);
  // The responses fit the initial read buffer: it never grew (memory per user).
  EXPECT_EQ(client->read_buffer_bytes(), Connection::kInitialReadBufferSize);
}

TEST_F(ClientTest, LargeResponsesGrowTheReadBufferToItsCapThenAllocateNothing) {
  ScriptedServer server;
  server.set_recording(false);
  // 10 KB: every response takes several reads, and the ones before the last fill the buffer.
  server.set_fallback(ScriptedReply::respond(200, std::string(10 * 1024, 'x')));
  use_config(config_for(server.url()));
  auto client = make_client();
  EXPECT_EQ(client->read_buffer_bytes(), 0u) << "a connection never read from holds no read buffer";
  run(requests(*client, 200, false));  // warm-up: the read buffer grows to its cap
  EXPECT_EQ(client->read_buffer_bytes(), Connection::kMaxReadBufferSize);

  std::size_t counted = 0;
  run([&]() -> Task<> {
    co_await requests(*client, 1, false);  // as above: the post() that started this coroutine
    allocations = 0;
    counting = true;
    co_await requests(*client, 2000, false);
    counting = false;
    counted = allocations;
  }());
  EXPECT_EQ(counted, 0u) << "operator new calls over 2,000 steady-state requests with 10 KB responses";
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(client->read_buffer_bytes(), Connection::kMaxReadBufferSize);
}

TEST_F(ClientTest, AllocationCounterSeesAllocations) {
  // Guards the test above against a counter that never counts.
  allocations = 0;
  counting = true;
  auto* p = new std::string(100, 'x');
  counting = false;
  delete p;
  EXPECT_GE(allocations.load(), 1u);
}

}  // namespace
}  // namespace cicada::http::test
