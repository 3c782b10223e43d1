// Failure texts and exceptions are bounded per entry (docs/metrics.md, "Memory"): a server that puts an
// id in every error message cannot grow the stats without bound, and no failure goes uncounted.
#include <gtest/gtest.h>

#include <string>

#include "stats/aggregate.hpp"
#include "stats/thread_stats.hpp"

using namespace cicada::stats;

namespace {

std::uint64_t occurrences(const std::vector<FailureDelta>& list, std::string_view error) {
  std::uint64_t n = 0;
  for (const auto& f : list)
    if (f.error == error) n += f.occurrences;
  return n;
}

}  // namespace

TEST(BoundedErrors, AThreadKeepsAtMostTheCapOfTextsPerEntryAndCountsTheRest) {
  ThreadStats s;
  const EntryId a = s.entry("GET", "/a");
  const EntryId b = s.entry("GET", "/b");
  for (int i = 0; i < 1000; ++i) s.record_failure(a, 1000, 0, "HTTPError(500, id=" + std::to_string(i) + ")");
  s.record_failure(b, 1000, 0, "timeout");
  StatsDelta d = s.take_delta();
  std::uint64_t total = 0, texts_a = 0;
  for (const auto& f : d.failures) {
    total += f.occurrences;
    if (f.name == "/a" && f.error != kOtherErrors) ++texts_a;
  }
  EXPECT_EQ(total, 1001u);  // every failure counted
  EXPECT_EQ(texts_a, kMaxErrorsPerEntry);
  EXPECT_EQ(occurrences(d.failures, kOtherErrors), 1000u - kMaxErrorsPerEntry);
  EXPECT_EQ(occurrences(d.failures, "timeout"), 1u);  // another entry has its own budget
  ASSERT_EQ(d.entries.size(), 2u);
  EXPECT_EQ(d.entries[0].num_failures + d.entries[1].num_failures, 1001u);
}

TEST(BoundedErrors, TextsIdleForAWholeIntervalAreForgotten) {
  ThreadStats s;
  const EntryId a = s.entry("GET", "/a");
  for (int i = 0; i < 100; ++i) s.record_failure(a, 1000, 0, "once " + std::to_string(i));
  s.take_delta();
  s.take_delta();  // a second with none of them: they no longer take room
  s.record_failure(a, 1000, 0, "new text");
  StatsDelta d = s.take_delta();
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].error, "new text");
}

TEST(BoundedErrors, TheRunTotalsKeepAtMostTheCapOfTextsPerEntry) {
  Aggregate agg(1000.0);
  for (int part = 0; part < 3; ++part) {
    StatsDelta d;
    for (int i = 0; i < 80; ++i)
      d.failures.push_back(FailureDelta{"GET", "/a", "e" + std::to_string(part * 80 + i), 2});
    d.failures.push_back(FailureDelta{"GET", "/a", std::string(kOtherErrors), 5});  // a thread's own rest
    d.failures.push_back(FailureDelta{"POST", "/b", "refused", 1});
    agg.merge(std::move(d));
  }
  const Snapshot s = agg.snapshot(1001.0);
  std::uint64_t total = 0, texts_a = 0, other_a = 0;
  for (const auto& f : s.failures) {
    total += f.occurrences;
    if (f.name != "/a") continue;
    if (f.error == kOtherErrors)
      other_a += f.occurrences;
    else
      ++texts_a;
  }
  EXPECT_EQ(total, 3u * (80 * 2 + 5 + 1));
  EXPECT_EQ(texts_a, kMaxErrorsPerEntry);
  EXPECT_EQ(other_a, (240 - kMaxErrorsPerEntry) * 2 + 15);
  // The first texts seen keep their rows; a repeat of one of them still lands on it.
  StatsDelta again;
  again.failures.push_back(FailureDelta{"GET", "/a", "e0", 1});
  agg.merge(std::move(again));
  for (const auto& f : agg.snapshot(1002.0).failures) {
    if (f.error == "e0") {
      EXPECT_EQ(f.occurrences, 3u);
    }
  }
}

TEST(BoundedErrors, ExceptionsAreCappedToo) {
  ThreadStats s;
  for (int i = 0; i < 300; ++i) s.record_exception("boom " + std::to_string(i), "User.task");
  Aggregate agg(1000.0);
  agg.merge(s.take_delta());
  const Snapshot snap = agg.snapshot(1001.0);
  EXPECT_EQ(snap.exceptions.size(), kMaxExceptions + 1);
  std::uint64_t total = 0;
  for (const auto& e : snap.exceptions) total += e.count;
  EXPECT_EQ(total, 300u);
  EXPECT_EQ(snap.exceptions.back().message, kOtherExceptions);
}

TEST(BoundedErrors, DistinctRequestNamesAreCappedAndTheRestCountedUnderOtherNames) {
  // A scenario naming every request by its id (/item/1, /item/2... without name=) grew memory by 110-320 KB
  // per name without bound (a probe). A thread and the run's totals each keep kMaxEntries names; every
  // request and failure is still counted, the rest under "(other names)".
  ThreadStats s;
  const std::size_t names = kMaxEntries + 50;
  for (std::size_t i = 0; i < names; ++i) {
    const EntryId id = s.entry("GET", "/item/" + std::to_string(i));
    if (i % 2 == 0)
      s.record_success(id, 1000, 0);
    else
      s.record_failure(id, 1000, 0, "HTTPError(404)");
  }
  StatsDelta d = s.take_delta();
  EXPECT_EQ(d.entries.size(), kMaxEntries + 1);
  std::uint64_t requests = 0, other = 0;
  for (const auto& e : d.entries) {
    requests += e.num_requests;
    if (e.name == kOtherNames) other = e.num_requests;
  }
  EXPECT_EQ(requests, names);
  EXPECT_EQ(other, 50u);

  // The totals cap what they merge from many threads or workers alike: two deltas of disjoint names.
  Aggregate agg(1000.0);
  agg.merge(std::move(d));
  ThreadStats t;
  for (std::size_t i = 0; i < 30; ++i)
    t.record_failure(t.entry("GET", "/other/" + std::to_string(i)), 1000, 0, "x");
  agg.merge(t.take_delta());
  agg.close_second(1001, 1);
  const Snapshot snap = agg.snapshot(1002.0);
  EXPECT_EQ(snap.entries.size(), kMaxEntries + 1);
  EXPECT_EQ(snap.total.num_requests, names + 30);
  EXPECT_EQ(snap.total.num_failures, names / 2 + 30);
  std::uint64_t folded_failures = 0;
  for (const auto& f : snap.failures)
    if (f.name == kOtherNames) folded_failures += f.occurrences;
  EXPECT_EQ(folded_failures, 25u + 30u);  // its failures went where its requests went
}
