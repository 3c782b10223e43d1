// The run history against real SQLite files: round trip, incomplete runs, concurrent writers, lookups.
#include "report/history_db.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "report/locust_csv.hpp"
#include "stats/aggregate.hpp"
#include "support/child_process.hpp"

using namespace cicada;
using namespace cicada::report;
using cicada::testing::TempDir;

namespace {

// A real Aggregate: two entries over three seconds, failures and an exception.
stats::Snapshot make_snapshot(std::size_t seconds = 3) {
  stats::Aggregate agg(1000.0);
  for (std::size_t s = 0; s < seconds; ++s) {
    stats::StatsDelta d;
    d.taken_at_unix_s = 1000.5 + static_cast<double>(s);
    stats::Histogram a, b;
    for (int i = 0; i < 20; ++i) a.record(1000 + 37 * i);
    for (int i = 0; i < 7; ++i) b.record(40'000 + 900 * i);
    stats::EntryDelta ea{};
    ea.method = "GET";
    ea.name = "/health";
    ea.num_requests = 20;
    ea.content_bytes = 40;
    ea.latency = a.to_sparse();
    stats::EntryDelta eb{};
    eb.method = "POST";
    eb.name = "/predict, \"quoted\"";
    eb.num_requests = 7;
    eb.num_failures = 2;
    eb.content_bytes = 7 * 31;
    eb.latency = b.to_sparse();
    d.entries.push_back(std::move(ea));
    d.entries.push_back(std::move(eb));
    d.failures.push_back({"POST", "/predict, \"quoted\"", "HTTPError('500')", 2});
    if (s == 1) d.exceptions.push_back({"boom", "Api.predict", 1});
    agg.merge(std::move(d));
    agg.close_second(1000 + static_cast<std::int64_t>(s), 5);
  }
  return agg.snapshot(1000.0 + static_cast<double>(seconds));
}

// The first n blocks of a history, as a snapshot taken n seconds into the run held them.
stats::HistoryView first_blocks(const stats::HistoryView& all, std::size_t n) {
  stats::HistoryLog log;
  for (std::size_t i = 0; i < n; ++i) log.append(all[i]);
  return log.view();
}

RunInfo info(std::string id, double started) {
  RunInfo i;
  i.id = std::move(id);
  i.started_unix_s = started;
  i.machine = "testhost";
  i.target_host = "http://127.0.0.1:1";
  i.scenario_file = "examples/health.yaml";
  i.scenario_sha256 = std::string(64, 'a');
  i.config_json = R"({"users":5})";
  i.git_commit = "abc123";
  i.users = 5;
  return i;
}

}  // namespace

TEST(HistoryDb, RoundTripGivesTheSameLocustCsvs) {
  TempDir dir;
  const auto file = dir.path() / "sub" / "history.db";  // the folder is created
  const auto snap = make_snapshot();
  {
    auto db = HistoryDb::open(file);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->begin_run(info("R1", 1000.0)));
    ASSERT_TRUE(db->append_seconds("R1", first_blocks(snap.history, 2)));
    std::vector<StoredThreshold> verdicts = {
        {"p95 < 1ms", "Aggregated", 48'000, 1000, "48.0ms", "< 1.00ms", false}};
    auto r = db->finish_run("R1", snap, verdicts, 3, "fail", 1003.5);
    ASSERT_TRUE(r) << r.error().message;
  }
  auto db = HistoryDb::open(file, false);
  ASSERT_TRUE(db) << db.error().message;
  auto run = db->load("R1");
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_TRUE(run->info.complete);
  EXPECT_EQ(run->info.exit_code, 3);
  EXPECT_EQ(run->info.verdict, "fail");
  EXPECT_EQ(run->info.git_commit, "abc123");
  EXPECT_EQ(run->info.config_json, R"({"users":5})");
  ASSERT_TRUE(run->info.ended_unix_s);
  EXPECT_DOUBLE_EQ(*run->info.ended_unix_s, 1003.5);
  ASSERT_EQ(run->thresholds.size(), 1u);
  EXPECT_EQ(run->thresholds[0].actual_text, "48.0ms");
  EXPECT_FALSE(run->thresholds[0].passed);
  // Every CSV column comes back: the four files are byte-identical.
  EXPECT_EQ(stats_csv(run->snapshot), stats_csv(snap));
  EXPECT_EQ(stats_history_csv(run->snapshot, true), stats_history_csv(snap, true));
  EXPECT_EQ(stats_history_csv(run->snapshot, false), stats_history_csv(snap, false));
  EXPECT_EQ(failures_csv(run->snapshot), failures_csv(snap));
  EXPECT_EQ(exceptions_csv(run->snapshot), exceptions_csv(snap));
  EXPECT_EQ(run->snapshot.history.size(), 4u) << "the last second is stored by finish_run";
}

TEST(HistoryDb, TheUnansweredCountedComeBackAndAnOlderRunsAreReadFromItsRows) {
  // The count is kept as recorded: the run's failure rows hold no NoResponse row (folded into "(other
  // errors)"), yet 2 of its 3 unanswered requests are failures. A run recorded before the counter was
  // kept has only its rows: their NoResponse occurrences are read instead.
  TempDir dir;
  const auto file = dir.path() / "history.db";
  auto snap = make_snapshot();
  snap.unanswered_requests = 3;
  snap.unanswered_counted = 2;
  auto older = snap;
  older.failures.push_back(
      {"GET", "/", "NoResponse('no response within the test (waited 1 s or more when it ended)')", 1});
  {
    auto db = HistoryDb::open(file);
    ASSERT_TRUE(db) << db.error().message;
    for (const auto& [id, s] : {std::pair{"R1", &snap}, std::pair{"R2", &older}}) {
      ASSERT_TRUE(db->begin_run(info(id, 1000.0)));
      ASSERT_TRUE(db->finish_run(id, *s, {}, 0, "", 1003.5));
    }
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "DELETE FROM run_counters WHERE run_id = 'R2' AND name = 'unanswered_counted'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto db = HistoryDb::open(file, false);
  ASSERT_TRUE(db) << db.error().message;
  auto run = db->load("R1");
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->snapshot.unanswered_requests, 3u);
  EXPECT_EQ(run->snapshot.unanswered_counted, 2u);
  auto old_run = db->load("R2");
  ASSERT_TRUE(old_run) << old_run.error().message;
  EXPECT_EQ(old_run->snapshot.unanswered_counted, 1u);
}

TEST(HistoryDb, AnUnfinishedRunIsReadableAndMarkedIncomplete) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto snap = make_snapshot();
  {
    auto db = HistoryDb::open(file);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->begin_run(info("20260101T000000Z-0001", 1000.0)));
    ASSERT_TRUE(db->append_seconds("20260101T000000Z-0001", snap.history));
  }  // the process "dies" here: no finish_run
  auto db = HistoryDb::open(file, false);
  ASSERT_TRUE(db);
  auto list = db->list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_FALSE((*list)[0].info.complete);
  EXPECT_FALSE((*list)[0].info.exit_code);
  // Its figures are those of the last second it kept (they read 0 requests before).
  const auto& last = *snap.history.back();
  ASSERT_GT(last.total.num_requests, 0u);
  EXPECT_EQ((*list)[0].total.num_requests, last.total.num_requests);
  EXPECT_EQ((*list)[0].total.percentiles_us, last.total_run_percentiles_us);
  auto run = db->load("20260101T000000Z-0001");
  ASSERT_TRUE(run);
  EXPECT_EQ(run->snapshot.history.size(), 4u);  // start-up block + 3 seconds
  EXPECT_TRUE(run->snapshot.entries.empty());
  EXPECT_EQ(run->snapshot.total.num_requests, last.total.num_requests);
  EXPECT_EQ(run->snapshot.total.num_failures, last.total.num_failures);
  EXPECT_DOUBLE_EQ(run->snapshot.now_unix_s, static_cast<double>(last.timestamp));
  // compare/report skip it when asked for complete runs only.
  EXPECT_FALSE(db->resolve("latest", true));
  EXPECT_TRUE(db->resolve("latest", false));
}

TEST(HistoryDb, ConcurrentWritersBothLand) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto snap = make_snapshot(40);
  std::vector<std::string> errors(2);
  auto writer = [&](int n) {
    auto db = HistoryDb::open(file);  // each its own connection, as two processes would have
    if (!db) return void(errors[n] = db.error().message);
    const std::string id = "W" + std::to_string(n);
    if (auto r = db->begin_run(info(id, 1000.0 + n)); !r) return void(errors[n] = r.error().message);
    for (std::size_t s = 1; s <= snap.history.size(); ++s) {  // one transaction a second, interleaved
      if (auto r = db->append_seconds(id, first_blocks(snap.history, s)); !r)
        return void(errors[n] = r.error().message);
    }
    if (auto r = db->finish_run(id, snap, {}, 0, "", 2000.0); !r) errors[n] = r.error().message;
  };
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  auto db = HistoryDb::open(file, false);
  ASSERT_TRUE(db);
  for (const char* id : {"W0", "W1"}) {
    auto run = db->load(id);
    ASSERT_TRUE(run) << id;
    EXPECT_TRUE(run->info.complete);
    EXPECT_EQ(run->snapshot.history.size(), 41u);
    EXPECT_EQ(run->snapshot.total.num_requests, snap.total.num_requests);
  }
}

TEST(HistoryDb, ResolvesKeywordsAndPrefixesAndDeletesEverything) {
  TempDir dir;
  auto db = HistoryDb::open(dir.path() / "h.db");
  ASSERT_TRUE(db);
  const auto snap = make_snapshot();
  for (const auto& [id, t] :
       {std::pair{"20260101T000000Z-aaaa", 1.0}, std::pair{"20260102T000000Z-bbbb", 2.0},
        std::pair{"20260102T000000Z-bbcc", 3.0}}) {
    ASSERT_TRUE(db->begin_run(info(id, t)));
    ASSERT_TRUE(db->finish_run(id, snap, {}, 0, "", t + 1));
  }
  EXPECT_EQ(*db->resolve("latest"), "20260102T000000Z-bbcc");
  EXPECT_EQ(*db->resolve("previous"), "20260102T000000Z-bbbb");
  EXPECT_EQ(*db->resolve("20260101"), "20260101T000000Z-aaaa");
  auto ambiguous = db->resolve("20260102T000000Z-bb");
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().message.find("several"), std::string::npos);
  EXPECT_FALSE(db->resolve("1999"));
  auto list = db->list(2);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].info.id, "20260102T000000Z-bbcc");  // newest first
  EXPECT_EQ((*list)[0].total.num_requests, snap.total.num_requests);

  auto removed = db->remove("20260102T000000Z-bbcc");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(*db->remove("20260102T000000Z-bbcc"));
  EXPECT_FALSE(db->load("20260102T000000Z-bbcc"));
  // No orphan rows left behind (ON DELETE CASCADE).
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "h.db").c_str(), &raw), SQLITE_OK);
  for (const char* table : {"run_entries", "run_seconds", "run_failures", "run_exceptions"}) {
    sqlite3_stmt* st = nullptr;
    const std::string q =
        std::string("SELECT COUNT(*) FROM ") + table + " WHERE run_id = '20260102T000000Z-bbcc'";
    ASSERT_EQ(sqlite3_prepare_v2(raw, q.c_str(), -1, &st, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(st, 0), 0) << table;
    sqlite3_finalize(st);
  }
  sqlite3_close(raw);
}

TEST(HistoryDb, RefusesADatabaseFromANewerSchemaAndAMissingFile) {
  TempDir dir;
  const auto file = dir.path() / "h.db";
  ASSERT_TRUE(HistoryDb::open(file));
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  auto newer = HistoryDb::open(file);
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("newer"), std::string::npos) << newer.error().message;
  auto missing = HistoryDb::open(dir.path() / "none.db", false);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no run history"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "none.db"));
}

TEST(HistoryDb, RunIdsSortByTime) {
  using namespace std::chrono;
  const auto t = system_clock::time_point(seconds(1'795'000'000));
  const auto a = make_run_id(t), b = make_run_id(t + seconds(1)), c = make_run_id(t + hours(24 * 40));
  EXPECT_EQ(a.size(), std::string("20261126T071530Z-3f9a").size()) << a;
  EXPECT_EQ(a.substr(0, 16), "20261118T110640Z") << a;  // 1,795,000,000 s in UTC
  EXPECT_EQ(a[16], '-');
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}
