// Schema v4 of the run history against real SQLite files: a run's streamed-response rows come back with
// every figure of its _streams.csv (from the stored histograms), so `history show`, `history export`, the
// history report and `compare` see them; a v3 database (no run_streams) opens, is migrated, and its runs
// simply have no streams.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "report/compare.hpp"
#include "report/history_db.hpp"
#include "report/stored_run_html.hpp"
#include "report/stream_tables.hpp"
#include "stats/aggregate.hpp"
#include "stats/thread_stats.hpp"
#include "support/child_process.hpp"

using namespace cicada;
using namespace cicada::report;
using cicada::testing::TempDir;

namespace {

const std::vector<std::int64_t> kGaps = {10'000, 11'000, 9'000, 10'000, 30'000, 10'000, 10'000};

// A run of three seconds: /health requests, and chat streams whose first token comes after ttft_us and
// then the gaps above; one stream of "events" without a token (no time to first token).
stats::Snapshot streamed_run(std::int64_t ttft_us) {
  stats::Aggregate agg(1000.0);
  for (int second = 0; second < 3; ++second) {
    stats::ThreadStats thread;
    for (int i = 0; i < 20; ++i) {
      RequestRecord r;
      r.method = "GET";
      r.name = "/health";
      r.response_time_us = r.uncorrected_response_time_us = 1'000 + i;
      thread.on_request(r);
      stats::StreamSample s;
      s.ttfb_us = ttft_us / 4 + i;
      s.ttft_us = ttft_us + 100 * i;
      s.gaps_us = kGaps;
      s.events = s.tokens = kGaps.size() + 1;
      s.tokens_after_first = kGaps.size();
      for (auto g : kGaps) s.token_span_us += g;
      s.total_us = s.ttft_us + s.token_span_us;
      thread.on_stream("POST", "chat", s);
    }
    stats::StreamSample silent;
    silent.ttfb_us = 500;
    silent.ttft_us = -1;
    silent.events = 2;
    silent.total_us = 900;
    thread.on_stream("GET", "events", silent);
    agg.merge(thread.take_delta());
    agg.close_second(1000 + second, 4);
  }
  return agg.snapshot(1003.0);
}

void record(const std::filesystem::path& file, const std::string& id, const stats::Snapshot& snap) {
  auto db = HistoryDb::open(file);
  ASSERT_TRUE(db) << db.error().message;
  RunInfo info;
  info.id = id;
  info.started_unix_s = 1000.0;
  info.config_json = "{}";
  ASSERT_TRUE(db->begin_run(info));
  ASSERT_TRUE(db->append_seconds(id, snap.history));
  auto r = db->finish_run(id, snap, {}, 0, "", 1003.0);
  ASSERT_TRUE(r) << r.error().message;
}

StoredRun load(const std::filesystem::path& file, const std::string& id) {
  auto db = HistoryDb::open(file, false);
  EXPECT_TRUE(db) << db.error().message;
  auto run = db->load(id);
  EXPECT_TRUE(run) << run.error().message;
  return run ? std::move(*run) : StoredRun{};
}

// The report's streams section: from its heading to the next section's.
std::string streams_section(const std::string& html) {
  const auto from = html.find("<h2 id=\"streams\">");
  if (from == std::string::npos) return "";
  return html.substr(from, html.find("<h2>", from) - from);
}

}  // namespace

TEST(HistoryStreams, EveryFigureOfTheStreamsCsvComesBack) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto snap = streamed_run(40'000);
  ASSERT_EQ(snap.streams.size(), 3u);  // POST chat, GET events (by name), Aggregated
  record(file, "R1", snap);

  const auto run = load(file, "R1");
  ASSERT_EQ(run.snapshot.streams.size(), 3u);
  for (std::size_t i = 0; i < snap.streams.size(); ++i) {
    const auto& got = run.snapshot.streams[i];
    const auto& want = snap.streams[i];
    EXPECT_EQ(got.method, want.method);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.streams, want.streams);
    EXPECT_EQ(got.events, want.events);
    EXPECT_EQ(got.tokens, want.tokens);
    EXPECT_DOUBLE_EQ(got.tokens_per_s, want.tokens_per_s);
    EXPECT_EQ(got.ttfb_us, want.ttfb_us) << want.name;
    EXPECT_EQ(got.ttft_us, want.ttft_us) << want.name;
    EXPECT_EQ(got.itl_us, want.itl_us) << want.name;
    EXPECT_EQ(got.total_us, want.total_us) << want.name;
    EXPECT_DOUBLE_EQ(got.ttft_avg_us, want.ttft_avg_us);
    EXPECT_DOUBLE_EQ(got.itl_avg_us, want.itl_avg_us);
    EXPECT_EQ(got.ttft_count, want.ttft_count);
    EXPECT_EQ(got.itl_count, want.itl_count);
  }
  EXPECT_EQ(run.snapshot.streams[1].name, "events");
  EXPECT_EQ(run.snapshot.streams[1].ttft_count, 0u);  // no token: N/A rather than 0
  // The same CSV text and console table as the run wrote; the history report's section is the run's own
  // (table and, from the stored seconds, the charts over time).
  EXPECT_EQ(streams_csv(run.snapshot), streams_csv(snap));
  EXPECT_EQ(console_streams_table(run.snapshot), console_streams_table(snap));
  const auto section = streams_section(stored_run_html(run));
  EXPECT_EQ(section, html_streams_section(snap)) << section;
  EXPECT_NE(section.find("Time to first token, last ~10 s"), std::string::npos);

  // Plain columns for ad-hoc SQL: the chat row's TTFT p95 in us, NULL for the tokenless one.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT name, ttft_p95_us FROM run_streams ORDER BY position", -1, &st,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(st, 1), snap.streams[0].ttft_us[5]);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_type(st, 1), SQLITE_NULL);
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST(HistoryStreams, CompareJudgesTimeToFirstTokenAndGapsOfEntriesThatStreamedInBoth) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  record(file, "A", streamed_run(40'000));
  record(file, "B", streamed_run(80'000));  // the first token twice as late, the gaps the same
  const auto c = compare_runs(load(file, "A").snapshot, load(file, "B").snapshot, CompareOptions{});
  auto metric = [&](const std::string& entry, const std::string& name) -> const MetricChange* {
    for (const auto& e : c.entries)
      if (e.label() == entry)
        for (const auto& m : e.metrics)
          if (m.metric == name) return &m;
    return nullptr;
  };
  const auto* ttft = metric("Aggregated", "ttft p50");
  ASSERT_NE(ttft, nullptr) << compare_table(c);
  EXPECT_EQ(ttft->verdict, Verdict::kWorse);
  EXPECT_NEAR(ttft->relative, 1.0, 0.05);
  const auto* itl = metric("Aggregated", "itl p95");
  ASSERT_NE(itl, nullptr);
  EXPECT_EQ(itl->verdict, Verdict::kSame);
  EXPECT_TRUE(c.regression());
  EXPECT_NE(compare_table(c).find("ttft p95"), std::string::npos);
  // /health never streamed: only the request metrics.
  EXPECT_EQ(metric("GET /health", "ttft p50"), nullptr);
  EXPECT_NE(metric("GET /health", "p95"), nullptr);
}

TEST(HistoryStreams, AVersionThreeDatabaseOpensAndItsRunsHaveNoStreams) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto snap = streamed_run(40'000);
  record(file, "OLD", snap);
  {  // Make it what a v3 cicada wrote: no run_streams, version 3.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "DROP TABLE run_streams; PRAGMA user_version = 3", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  {  // A read-only subcommand opens it too (and migrates it).
    auto db = HistoryDb::open(file, false);
    ASSERT_TRUE(db) << db.error().message;
    auto list = db->list();
    ASSERT_TRUE(list);
    EXPECT_EQ(list->size(), 1u);
  }
  const auto old_run = load(file, "OLD");
  EXPECT_TRUE(old_run.info.complete);
  EXPECT_TRUE(old_run.snapshot.streams.empty());
  EXPECT_EQ(old_run.snapshot.total.num_requests, snap.total.num_requests);
  EXPECT_TRUE(streams_section(stored_run_html(old_run)).empty());
  record(file, "NEW", snap);  // a new run in the migrated database records its streams
  EXPECT_EQ(load(file, "NEW").snapshot.streams.size(), 3u);
}
