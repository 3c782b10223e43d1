// Schema v2 of the run history against real SQLite files: each entry's latency histograms and the stage
// marks come back exactly, so the single-run HTML report from the history is the run's own report; a v1
// database is migrated on open and its runs say they have no histograms instead of showing zeros.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "report/capacity_html.hpp"
#include "report/capacity_json.hpp"
#include "report/history_db.hpp"
#include "report/html_report.hpp"
#include "report/stored_run_html.hpp"
#include "stats/aggregate.hpp"
#include "support/child_process.hpp"

using namespace cicada;
using namespace cicada::report;
using cicada::testing::TempDir;

namespace {

// Known samples over two seconds: /fast 1..1000 us plus five 250 ms outliers, /slow 40..59 ms whose
// uncorrected (send-time) latencies are 10 ms shorter; a stage mark at each second.
stats::Snapshot recorded_snapshot() {
  stats::Aggregate agg(1000.0);
  for (int s = 0; s < 2; ++s) {
    stats::StatsDelta d;
    d.taken_at_unix_s = 1000.5 + s;
    stats::Histogram fast, slow, slow_sent;
    for (int v = 1; v <= 1000; ++v) fast.record(v);
    for (int i = 0; i < 5; ++i) fast.record(250'000);
    for (int i = 0; i < 20; ++i) {
      slow.record(40'000 + 1000 * i);
      slow_sent.record(30'000 + 1000 * i);
    }
    stats::EntryDelta a{};
    a.method = "GET";
    a.name = "/fast";
    a.num_requests = fast.count();
    a.latency = fast.to_sparse();
    stats::EntryDelta b{};
    b.method = "POST";
    b.name = "/slow";
    b.num_requests = slow.count();
    b.latency = slow.to_sparse();
    b.uncorrected_latency = slow_sent.to_sparse();
    d.entries.push_back(std::move(a));
    d.entries.push_back(std::move(b));
    agg.merge(std::move(d));
    agg.mark_stage(1000.0 + s, "stage " + std::to_string(s + 1));
    agg.close_second(1000 + s, 4);
  }
  auto snap = agg.snapshot(1002.0);
  snap.dropped_iterations = 7;  // an open-model run that could not start 7 iterations in time
  return snap;
}

RunInfo run_info(const std::string& id) {
  RunInfo i;
  i.id = id;
  i.started_unix_s = 1000.0;
  i.machine = "testhost";
  i.target_host = "http://127.0.0.1:1";
  i.scenario_file = "api.yaml";
  i.config_json = R"({"users":4,"spawn_rate":2.0,"run_time":"2s"})";
  i.users = 4;
  return i;
}

void record(const std::filesystem::path& file, const std::string& id, const stats::Snapshot& snap,
            const std::string& config_json = "") {
  auto db = HistoryDb::open(file);
  ASSERT_TRUE(db) << db.error().message;
  RunInfo info = run_info(id);
  if (!config_json.empty()) info.config_json = config_json;
  ASSERT_TRUE(db->begin_run(info));
  auto r = db->finish_run(id, snap, {}, 0, "", 1002.0);
  ASSERT_TRUE(r) << r.error().message;
}

// The tables of a report: everything from the request table to the charts (the settings line differs
// only in what the caller passes).
std::string tables(const std::string& html) {
  const auto from = html.find("<h2>Request Statistics</h2>");
  const auto to = html.find("<h2>Charts</h2>");
  return from == std::string::npos || to == std::string::npos ? "" : html.substr(from, to - from);
}

// Runs SQL on the file behind cicada's back (to make it what an older cicada wrote).
bool exec_sql(const std::filesystem::path& file, const char* sql) {
  sqlite3* raw = nullptr;
  const bool ok = sqlite3_open(file.c_str(), &raw) == SQLITE_OK &&
                  sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(raw);
  return ok;
}

int user_version(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  sqlite3_step(st);
  const int v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

}  // namespace

TEST(HistoryReport, HistogramsAndStagesComeBackExactly) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto snap = recorded_snapshot();
  record(file, "R1", snap);
  EXPECT_EQ(user_version(file), kHistorySchemaVersion);

  auto db = HistoryDb::open(file, false);
  ASSERT_TRUE(db);
  auto run = db->load("R1");
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_TRUE(run->has_histograms);
  EXPECT_EQ(run->snapshot.dropped_iterations, 7u);
  ASSERT_EQ(run->snapshot.entries.size(), 2u);
  auto same = [](const stats::EntrySnapshot& got, const stats::EntrySnapshot& want) {
    EXPECT_EQ(got.latency->to_sparse().buckets, want.latency->to_sparse().buckets) << want.name;
    EXPECT_EQ(got.latency->count(), want.latency->count());
    EXPECT_EQ(got.latency->sum_us(), want.latency->sum_us());
    EXPECT_EQ(got.latency->min(), want.latency->min());
    EXPECT_EQ(got.latency->max(), want.latency->max());
    EXPECT_EQ(got.uncorrected_latency->to_sparse().buckets, want.uncorrected_latency->to_sparse().buckets);
    EXPECT_EQ(got.uncorrected_percentiles_us, want.uncorrected_percentiles_us) << want.name;
    EXPECT_DOUBLE_EQ(got.uncorrected_avg_us, want.uncorrected_avg_us);
    EXPECT_EQ(got.uncorrected_max_us, want.uncorrected_max_us);
  };
  for (std::size_t i = 0; i < 2; ++i) same(run->snapshot.entries[i], snap.entries[i]);
  same(run->snapshot.total, snap.total);
  // The samples are known: p50 of /fast is sample 1005 * 0.5 = 502 (exact below 256 us is not needed
  // here, the bucket midpoint of 503 us is within 0.4%), its max the 250 ms outliers; /slow's send-time
  // latencies are 10 ms below.
  const auto& fast = run->snapshot.entries[0];
  EXPECT_NEAR(static_cast<double>(fast.latency->value_at_quantile(0.5)), 503.0, 3.0);
  EXPECT_EQ(fast.latency->value_at_quantile(1.0), 250'000);
  const auto& slow = run->snapshot.entries[1];
  EXPECT_EQ(slow.uncorrected_max_us, 49'000);  // 59 ms - 10 ms
  EXPECT_LT(slow.uncorrected_percentiles_us[0], slow.percentiles_us[0]);

  ASSERT_EQ(run->snapshot.stages.size(), 2u);
  EXPECT_DOUBLE_EQ(run->snapshot.stages[1].start_unix_s, 1001.0);
  EXPECT_EQ(run->snapshot.stages[1].label, "stage 2");
}

TEST(HistoryReport, TheSingleRunReportFromTheHistoryIsTheRunsOwn) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto snap = recorded_snapshot();
  record(file, "R1", snap);
  auto db = HistoryDb::open(file, false);
  ASSERT_TRUE(db);
  auto run = db->load("R1");
  ASSERT_TRUE(run);

  ReportInfo live;
  live.host = "http://127.0.0.1:1";
  live.scenario = "api.yaml";
  live.load.users = 4;
  live.load.spawn_rate = 2;
  live.run_time = "2s";
  const auto original = html_report(snap, live);
  const auto stored = stored_run_html(*run);
  ASSERT_FALSE(tables(original).empty());
  EXPECT_EQ(tables(stored), tables(original));  // percentiles, failures: the same text
  EXPECT_NE(stored.find("Latency histogram"), std::string::npos);
  EXPECT_NE(stored.find("spawn rate 2/s"), std::string::npos);
  EXPECT_NE(stored.find("<dd>2s</dd>"), std::string::npos);
  EXPECT_EQ(stored.find("class=\"notice\""), std::string::npos);
  EXPECT_EQ(stored.find("<td>N/A</td>"), std::string::npos);
}

// history list/show/export, compare and report only read: they open the file read-only and migrate
// nothing, so an older database reads as it is (the tables it lacks read as empty) and stays that version.
TEST(HistoryReport, AReaderReadsAnOlderDatabaseAsItIsWithoutMigratingIt) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto snap = recorded_snapshot();
  record(file, "OLD", snap);
  // What a v1 cicada wrote: none of the later tables, version 1.
  ASSERT_TRUE(
      exec_sql(file,
               "DROP TABLE run_histograms; DROP TABLE run_stages; DROP TABLE run_counters; DROP TABLE "
               "run_streams; DROP TABLE run_end; DROP TABLE run_stats_start; PRAGMA user_version = 1"));
  auto db = HistoryDb::open_read_only(file);
  ASSERT_TRUE(db) << db.error().message;
  auto runs = db->list();
  ASSERT_TRUE(runs) << runs.error().message;
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().total.num_requests, snap.total.num_requests);
  auto run = db->load("OLD");
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_FALSE(run->has_histograms);
  EXPECT_EQ(run->snapshot.total.percentiles_us, snap.total.percentiles_us);
  EXPECT_DOUBLE_EQ(run->snapshot.start_unix_s, 1000.0) << "no stats start recorded: the run's start";
  EXPECT_FALSE(db->remove("OLD")) << "a reader writes nothing";
  EXPECT_EQ(user_version(file), 1) << "a reader migrates nothing";
}

TEST(HistoryReport, AVersionOneDatabaseIsMigratedAndItsRunsSayTheyHaveNoHistograms) {
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto snap = recorded_snapshot();
  record(file, "OLD", snap);
  // Make it what a v1 cicada wrote: no v2 tables, version 1.
  ASSERT_TRUE(exec_sql(file,
                       "DROP TABLE run_histograms; DROP TABLE run_stages; DROP TABLE run_counters; DROP "
                       "TABLE run_streams; PRAGMA user_version = 1"));
  ASSERT_EQ(user_version(file), 1);
  record(file, "NEW", snap);  // opening migrates; a new run records its histograms
  EXPECT_EQ(user_version(file), kHistorySchemaVersion);

  auto db = HistoryDb::open(file, false);
  ASSERT_TRUE(db);
  auto old_run = db->load("OLD");
  ASSERT_TRUE(old_run) << old_run.error().message;
  EXPECT_FALSE(old_run->has_histograms);
  EXPECT_TRUE(old_run->snapshot.stages.empty());
  EXPECT_EQ(old_run->snapshot.dropped_iterations, 0u);
  EXPECT_EQ(old_run->snapshot.total.percentiles_us, snap.total.percentiles_us) << "v1 columns still read";
  const auto html = stored_run_html(*old_run);
  EXPECT_NE(html.find("without latency histograms"), std::string::npos);
  // Every percentile cell of the 3 rows (2 entries and Aggregated) x 8 columns says N/A, none a made-up 0.
  const auto at = html.find("<h2>Response Time Statistics</h2>");
  ASSERT_NE(at, std::string::npos);
  const auto percentiles = html.substr(at, html.find("</table>", at) - at);
  std::size_t na = 0;
  for (auto p = percentiles.find("<td>N/A</td>"); p != std::string::npos;
       p = percentiles.find("<td>N/A</td>", p + 1))
    ++na;
  EXPECT_EQ(na, 24u) << percentiles;
  EXPECT_EQ(html.find("Latency histogram"), std::string::npos);

  auto new_run = db->load("NEW");
  ASSERT_TRUE(new_run);
  EXPECT_TRUE(new_run->has_histograms);
  EXPECT_EQ(new_run->snapshot.stages.size(), 2u);
}

namespace {

// A search by arrival rate: 100/s, 600/s and 1,100/s achieved 100, 590 and 907.8 req/s; the last
// crossed p95 < 50ms.
runner::CapacityResult three_steps() {
  runner::CapacityResult r;
  const double loads[] = {100, 600, 1100}, achieved[] = {100, 590, 907.8};
  for (int i = 0; i < 3; ++i) {
    runner::CapacityPoint p;
    p.step = i + 1;
    p.load = loads[i];
    p.throughput_rps = p.goodput_rps = achieved[i];
    p.percentiles_us[0] = 2'000 * (i + 1);
    p.percentiles_us[5] = i < 2 ? 10'000 * (i + 1) : 73'100;
    p.percentiles_us[7] = 30'000 * (i + 1);
    p.within_slo = i < 2;
    p.verdict = i < 2 ? runner::StepVerdict::kMet : runner::StepVerdict::kCrossed;
    if (i == 2) p.violated = "p95 < 50ms";
    p.windows.push_back(
        {achieved[i], p.percentiles_us[0], p.percentiles_us[5], p.percentiles_us[7], 0, 0.1, 50});
    r.curve.push_back(p);
  }
  r.found = true;
  r.best = r.curve[1];
  r.answers = {600};
  r.stop_reason = "p95 < 50ms crossed at 1100/s";
  return r;
}

}  // namespace

TEST(HistoryReport, ACapacitySearchsReportDrawsEachStepsMeasuredThroughput) {
  // The history's report of a capacity run: the curve of its own --html page (each step's achieved
  // req/s against the offered load, the axis ending at the highest load measured), not only the
  // per-second charts.
  TempDir dir;
  const auto file = dir.path() / "history.db";
  const auto result = three_steps();
  runner::CapacityPlan plan;
  record(file, "C1", recorded_snapshot(),
         nlohmann::json{{"kind", "capacity"}, {"result", capacity_curve_json(plan, result)}}.dump());
  auto db = HistoryDb::open(file, false);
  ASSERT_TRUE(db);
  auto run = db->load("C1");
  ASSERT_TRUE(run);
  const auto html = stored_run_html(*run);
  const auto from = html.find("<h2>Result</h2>");
  const auto to = html.find("<h2>Request Statistics</h2>");
  ASSERT_NE(from, std::string::npos) << html;
  ASSERT_LT(from, to);
  // The same sections as the search's own page, led by where it stopped and why, and its answer.
  EXPECT_EQ(html.substr(from, to - from), capacity_sections(plan, result));
  EXPECT_NE(html.find("<h2>Result</h2><dl><dt>Stopped</dt><dd>p95 &lt; 50ms crossed at 1100/s</dd>"
                      "<dt>Maximum sustainable load</dt><dd>600/s (590.0 req/s, goodput 590.0 req/s, p95 "
                      "20.0 ms)</dd></dl>"),
            std::string::npos)
      << html;
  const std::string curve = html.substr(from, to - from);
  EXPECT_NE(curve.find("<td>1100/s</td><td>907.8</td>"), std::string::npos) << curve;
  // Achieved req/s: one dot per step at its own height (not a flat zero line): 3 distinct y values.
  const std::regex dot(R"re(<circle cx="[0-9.]+" cy="([0-9.]+)" r="3" fill="#2e9d5b")re");
  std::set<std::string> heights;
  for (std::sregex_iterator it(curve.begin(), curve.end(), dot), end; it != end; ++it)
    heights.insert((*it)[1]);
  EXPECT_EQ(heights.size(), 3u) << curve;
  EXPECT_EQ(heights.count("220.0"), 0u) << "a dot on the zero line";
  // The offered-load axis ends at 1,100 (labelled), not at a rounded 1,250 or 2,000.
  EXPECT_NE(curve.find("text-anchor=\"end\">1100</text>"), std::string::npos) << curve;
  EXPECT_EQ(curve.find(">1250</text>"), std::string::npos);
  EXPECT_EQ(curve.find(">2000</text>"), std::string::npos);
  EXPECT_NE(html.find("max sustainable: 600/s"), std::string::npos);
  // The limit's mark is at the last point, the plot's right edge: its label runs left of the line, not
  // off the chart.
  EXPECT_NE(curve.find("class=\"mark-label\" text-anchor=\"end\">limit: p95 &lt; 50ms</text>"),
            std::string::npos)
      << curve;
  EXPECT_NE(curve.find("class=\"mark-label\">max sustainable: 600/s</text>"), std::string::npos) << curve;
}

TEST(HistoryReport, ACapacityCurveReadsBackAsItWasWritten) {
  const auto result = three_steps();
  runner::CapacityPlan plan;
  plan.open_model = false;
  const auto json = capacity_curve_json(plan, result);
  const auto back = capacity_curve_from_json(json);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->plan.open_model);
  EXPECT_EQ(capacity_curve_json(back->plan, back->result), json);
  EXPECT_EQ(back->result.best.load, 600);
  EXPECT_FALSE(capacity_curve_from_json(nlohmann::json::parse(R"({"points": 3})")));
  EXPECT_FALSE(capacity_curve_from_json(nlohmann::json::parse(R"([1, 2])")));
  // A found search whose answer is missing from its points is no curve (never a made-up answer).
  auto broken = json;
  broken["max_load"] = 123;
  EXPECT_FALSE(capacity_curve_from_json(broken));
}
