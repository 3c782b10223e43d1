// Steady state allocates nothing: after warm-up, 10,000 keep-alive requests (and their stats records) on
// one client make no call to operator new on the client's thread.
//
// Global operator new is replaced in this test binary only; it counts calls made on a thread that asked
// to be counted, so the server threads and the other tests are unaffected.
#include <cstdlib>
#include <new>

#include "client_fixture.hpp"

namespace {
thread_local bool g_counting = false;
thread_local std::size_t g_allocations = 0;

void* counted_alloc(std::size_t size, std::size_t align) {
  if (g_counting) ++g_allocations;
  void* p = align > alignof(std::max_align_t) ? std::aligned_alloc(align, (size + align - 1) / align * align)
                                              : std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size, 0); }
void* operator new[](std::size_t size) { return counted_alloc(size, 0); }
void* operator new(std::size_t size, std::align_val_t a) { return counted_alloc(size, std::size_t(a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return counted_alloc(size, std::size_t(a)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace cicada::http::test {
namespace {

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
    g_allocations = 0;
    g_counting = true;
    co_await requests(*client, 5000, false);
    co_await requests(*client, 5000, true);
    g_counting = false;
    counted = g_allocations;
  }());
  EXPECT_EQ(counted, 0u) << "operator new calls over 10,000 steady-state requests";
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(totals("GET", "/health").requests, 5201u);
  EXPECT_EQ(totals("POST", "/predict").requests, 5200u);
}

TEST_F(ClientTest, AllocationCounterSeesAllocations) {
  // Guards the test above against a counter that never counts.
  g_allocations = 0;
  g_counting = true;
  auto* p = new std::string(100, 'x');
  g_counting = false;
  delete p;
  EXPECT_GE(g_allocations, 1u);
}

}  // namespace
}  // namespace cicada::http::test
