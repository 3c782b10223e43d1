#include "stats/thread_stats.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

// Counting every allocation of this test binary lets the hot-path tests assert "no allocation".
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using cicada::stats::StatsDelta;
using cicada::stats::ThreadStats;

namespace {
const cicada::stats::EntryDelta* find_entry(const StatsDelta& d, std::string_view method,
                                            std::string_view name) {
  for (const auto& e : d.entries) {
    if (e.method == method && e.name == name) return &e;
  }
  return nullptr;
}
}  // namespace

TEST(ThreadStats, SameMethodAndNameIsOneEntry) {
  ThreadStats s;
  auto a = s.entry("GET", "/health");
  auto b = s.entry("POST", "/health");
  auto c = s.entry("GET", "/predict");
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(s.entry("GET", std::string("/health")), a);
}

TEST(ThreadStats, DeltaHoldsCountsLatencyAndBytes) {
  ThreadStats s;
  auto id = s.entry("GET", "/health");
  s.record_success(id, 1000, 10);
  s.record_success(id, 3000, 20);
  s.record_failure(id, 2000, 5, "HTTPError(500)");
  StatsDelta d = s.take_delta();
  EXPECT_GT(d.taken_at_unix_s, 1.6e9);
  ASSERT_EQ(d.entries.size(), 1u);
  const auto& e = d.entries[0];
  EXPECT_EQ(e.num_requests, 3u);
  EXPECT_EQ(e.num_failures, 1u);
  EXPECT_EQ(e.content_bytes, 35u);
  EXPECT_EQ(e.latency.count, 3u);
  EXPECT_EQ(e.latency.sum_us, 6000);
  EXPECT_EQ(e.latency.min_us, 1000);
  EXPECT_EQ(e.latency.max_us, 3000);
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].method, "GET");
  EXPECT_EQ(d.failures[0].name, "/health");
  EXPECT_EQ(d.failures[0].error, "HTTPError(500)");
  EXPECT_EQ(d.failures[0].occurrences, 1u);
}

TEST(ThreadStats, TakeDeltaEmptiesTheInterval) {
  ThreadStats s;
  auto id = s.entry("GET", "/a");
  s.record_failure(id, 10, 0, "boom");
  s.record_exception("bad", "User.task");
  EXPECT_FALSE(s.take_delta().empty());
  EXPECT_TRUE(s.take_delta().empty());
  s.record_success(id, 20, 0);
  StatsDelta d = s.take_delta();
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0].num_requests, 1u);
  EXPECT_EQ(d.entries[0].num_failures, 0u);
  EXPECT_EQ(d.entries[0].latency.min_us, 20);
  EXPECT_TRUE(d.failures.empty());
}

TEST(ThreadStats, FailuresAreKeyedByEntryAndErrorText) {
  ThreadStats s;
  auto a = s.entry("GET", "/a");
  auto b = s.entry("GET", "/b");
  s.record_failure(a, 1, 0, "x");
  s.record_failure(a, 1, 0, "x");
  s.record_failure(a, 1, 0, "y");
  s.record_failure(b, 1, 0, "x");
  StatsDelta d = s.take_delta();
  ASSERT_EQ(d.failures.size(), 3u);
  std::uint64_t ax = 0, ay = 0, bx = 0;
  for (const auto& f : d.failures) {
    if (f.name == "/a" && f.error == "x") ax = f.occurrences;
    if (f.name == "/a" && f.error == "y") ay = f.occurrences;
    if (f.name == "/b" && f.error == "x") bx = f.occurrences;
  }
  EXPECT_EQ(ax, 2u);
  EXPECT_EQ(ay, 1u);
  EXPECT_EQ(bx, 1u);
  EXPECT_NE(find_entry(d, "GET", "/b"), nullptr);
}

TEST(ThreadStats, ExceptionsGroupInFirstSeenOrder) {
  ThreadStats s;
  s.record_exception("second kind", "User.b");
  s.record_exception("first kind", "User.a");
  s.record_exception("second kind", "User.b");
  StatsDelta d = s.take_delta();
  ASSERT_EQ(d.exceptions.size(), 2u);
  EXPECT_EQ(d.exceptions[0].message, "second kind");
  EXPECT_EQ(d.exceptions[0].count, 2u);
  EXPECT_EQ(d.exceptions[1].where, "User.a");
}

TEST(ThreadStats, RecordingAfterFirstSampleDoesNotAllocate) {
  ThreadStats s;
  const std::string long_name(100, 'n');  // beyond any small-string buffer
  const std::string long_error(200, 'e');
  auto id = s.entry("POST", long_name);
  s.record_success(id, 5, 1);
  s.record_failure(id, 5, 1, long_error);  // the first occurrence of an error text may allocate
  (void)s.take_delta();
  const long before = g_allocations.load();
  for (int i = 0; i < 10'000; ++i) {
    auto again = s.entry("POST", long_name);
    s.record_success(again, i * 13, 100);
    s.record_failure(again, i * 7, 0, long_error);
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  // The counter does see allocations: a new entry and a new error text allocate.
  s.record_failure(s.entry("GET", "/new"), 1, 0, "a new error text that is long enough to allocate");
  EXPECT_GT(g_allocations.load() - before, 0);
  StatsDelta d = s.take_delta();
  ASSERT_EQ(d.entries.size(), 2u);
  const auto* e = find_entry(d, "POST", long_name);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->num_requests, 20'000u);
  EXPECT_EQ(e->num_failures, 10'000u);
}
