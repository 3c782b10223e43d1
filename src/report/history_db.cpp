// HistoryDb: opening, schema and the writes of a run. Reads are in history_db_read.cpp.
#include "report/history_db.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>
#include <thread>

#include "report/history_codec.hpp"
#include "report/stream_tables.hpp"

namespace cicada::report {
namespace {

// Version 6. Any change bumps kHistorySchemaVersion (PRAGMA user_version) and docs/history.md.
// Every statement is IF NOT EXISTS, so running them on an older database is the migration: v1 -> v2 only
// adds run_histograms and run_stages, v2 -> v3 only run_counters, v3 -> v4 only run_streams, v4 -> v5
// only run_end, v5 -> v6 only run_stats_start (older runs simply have no rows there). A reader that may
// not migrate (open_read_only) stands empty TEMP tables in for the ones an older file lacks.
struct SchemaTable {
  const char* name;
  const char* columns;
};
constexpr SchemaTable kTables[] = {
    {"runs", R"sql(
  id TEXT PRIMARY KEY,
  started_at REAL NOT NULL,
  ended_at REAL,
  status TEXT NOT NULL,
  machine TEXT NOT NULL,
  target_host TEXT NOT NULL,
  scenario_file TEXT NOT NULL,
  scenario_sha256 TEXT NOT NULL,
  config_json TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  users INTEGER NOT NULL,
  exit_code INTEGER,
  verdict TEXT NOT NULL DEFAULT '')sql"},
    {"run_entries", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  method TEXT NOT NULL,
  name TEXT NOT NULL,
  num_requests INTEGER NOT NULL,
  num_failures INTEGER NOT NULL,
  median_us INTEGER NOT NULL,
  avg_us REAL NOT NULL,
  min_us INTEGER NOT NULL,
  max_us INTEGER NOT NULL,
  avg_content_size REAL NOT NULL,
  total_rps REAL NOT NULL,
  total_fail_per_s REAL NOT NULL,
  current_rps REAL NOT NULL,
  current_fail_per_s REAL NOT NULL,
  p50_us INTEGER NOT NULL,
  p95_us INTEGER NOT NULL,
  p99_us INTEGER NOT NULL,
  percentiles_json TEXT NOT NULL,
  current_percentiles_json TEXT NOT NULL,
  PRIMARY KEY (run_id, position))sql"},
    {"run_seconds", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  user_count INTEGER NOT NULL,
  block_json TEXT NOT NULL,
  PRIMARY KEY (run_id, seq))sql"},
    {"run_failures", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  method TEXT NOT NULL,
  name TEXT NOT NULL,
  error TEXT NOT NULL,
  occurrences INTEGER NOT NULL,
  PRIMARY KEY (run_id, position))sql"},
    {"run_exceptions", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  count INTEGER NOT NULL,
  message TEXT NOT NULL,
  traceback TEXT NOT NULL,
  nodes TEXT NOT NULL,
  PRIMARY KEY (run_id, position))sql"},
    {"run_thresholds", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  threshold TEXT NOT NULL,
  entry TEXT NOT NULL,
  actual REAL NOT NULL,
  limit_value REAL NOT NULL,
  actual_text TEXT NOT NULL,
  limit_text TEXT NOT NULL,
  passed INTEGER NOT NULL,
  PRIMARY KEY (run_id, position))sql"},
    {"run_histograms", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  latency_json TEXT NOT NULL,
  uncorrected_json TEXT NOT NULL,
  PRIMARY KEY (run_id, position))sql"},
    {"run_stages", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  start_unix_s REAL NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY (run_id, position))sql"},
    {"run_counters", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (run_id, name))sql"},
    {"run_streams", R"sql(
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  method TEXT NOT NULL,
  name TEXT NOT NULL,
  streams INTEGER NOT NULL,
  events INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  tokens_per_s REAL NOT NULL,
  ttft_p50_us INTEGER,
  ttft_p95_us INTEGER,
  ttft_p99_us INTEGER,
  itl_p50_us INTEGER,
  itl_p95_us INTEGER,
  itl_p99_us INTEGER,
  ttfb_json TEXT NOT NULL,
  ttft_json TEXT NOT NULL,
  itl_json TEXT NOT NULL,
  total_json TEXT NOT NULL,
  PRIMARY KEY (run_id, position))sql"},
    {"run_end", R"sql(
  run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  ended_by TEXT NOT NULL)sql"},
    {"run_stats_start", R"sql(
  run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  unix_s REAL NOT NULL)sql"},
};
constexpr const char* kIndexes = "CREATE INDEX IF NOT EXISTS runs_by_start ON runs(started_at);";

std::string table_sql(const SchemaTable& t, bool temp) {
  return fmt::format("CREATE {}TABLE IF NOT EXISTS {} ({});\n", temp ? "TEMP " : "", t.name, t.columns);
}

Result<void> insert_entry(sql::Statement& st, const std::string& id, int position,
                          const stats::EntrySnapshot& e) {
  st.bind(1, id).bind(2, position).bind(3, e.method).bind(4, e.name).bind(5, e.num_requests);
  st.bind(6, e.num_failures).bind(7, e.median_us).bind(8, e.avg_us).bind(9, e.min_us).bind(10, e.max_us);
  st.bind(11, e.avg_content_size).bind(12, e.total_rps).bind(13, e.total_fail_per_s);
  st.bind(14, e.current_rps).bind(15, e.current_fail_per_s);
  // p50/p95/p99 as plain columns so `history list` and ad-hoc SQL need no JSON.
  st.bind(16, e.percentiles_us[0]).bind(17, e.percentiles_us[5]).bind(18, e.percentiles_us[7]);
  st.bind(19, percentiles_to_json(e.percentiles_us)).bind(20, percentiles_to_json(e.current_percentiles_us));
  return st.run();
}

// The entry's whole-run histograms, so a report from the history computes the same percentiles and
// draws the same latency histogram as the run's own report did.
Result<void> insert_histograms(sql::Statement& st, const std::string& id, int position,
                               const stats::EntrySnapshot& e) {
  const stats::Histogram empty;
  const auto& latency = e.latency ? *e.latency : empty;
  st.bind(1, id).bind(2, position).bind(3, histogram_to_json(latency));
  st.bind(4, histogram_to_json(e.uncorrected_latency ? *e.uncorrected_latency : latency));
  return st.run();
}

// One streamed-response row (entries, then Aggregated): its counts, the p50/p95/p99 of TTFT and ITL as
// plain columns for ad-hoc SQL (NULL without samples), and its four whole-run histograms, from which a
// read gives back every figure of the _streams.csv.
Result<void> insert_stream(sql::Statement& st, const std::string& id, int position,
                           const stats::StreamSnapshot& s) {
  st.bind(1, id).bind(2, position).bind(3, s.method).bind(4, s.name).bind(5, s.streams).bind(6, s.events);
  st.bind(7, s.tokens).bind(8, s.tokens_per_s);
  int column = 9;
  for (auto series : {StreamSeries::ttft, StreamSeries::itl}) {
    for (std::size_t q : {0, 5, 7}) st.bind(column++, stream_value_us(s, series, q));
  }
  const stats::Histogram empty;
  for (const auto& h : {s.ttfb, s.ttft, s.itl, s.total}) st.bind(column++, histogram_to_json(h ? *h : empty));
  return st.run();
}

}  // namespace

Result<HistoryDb> HistoryDb::open(const std::filesystem::path& file, bool create) {
  auto conn = sql::Connection::open(file, create, std::chrono::seconds(10));
  if (!conn) return conn.error();
  HistoryDb db(std::move(*conn));
  // WAL: readers (history list, a second run) never block the writer, and a killed writer's last
  // transaction is simply absent. NORMAL sync is durable across process crashes (not power loss).
  // Switching a new file to WAL and creating the schema take locks for which SQLite may answer "database
  // is locked" at once instead of waiting in its busy handler (two runs creating one database at the same
  // moment): retry for up to the busy timeout rather than lose a run's history.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (true) {
    auto r = db.db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON");
    if (r) r = db.create_schema();
    if (r) return db;
    const bool locked = r.error().message.find("locked") != std::string::npos ||
                        r.error().message.find("busy") != std::string::npos;
    if (!locked || std::chrono::steady_clock::now() > give_up)
      return make_error(file.string() + ": " + r.error().message);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<HistoryDb> HistoryDb::open_read_only(const std::filesystem::path& file) {
  auto conn = sql::Connection::open_read_only(file, std::chrono::seconds(10));
  if (!conn) return conn.error();
  HistoryDb db(std::move(*conn));
  auto version = db.db_.prepare("PRAGMA user_version");
  if (!version) return make_error(file.string() + ": " + version.error().message);
  if (auto row = version->step(); !row) return make_error(file.string() + ": " + row.error().message);
  const auto found = version->integer(0);
  version = sql::Statement();
  if (found > kHistorySchemaVersion)
    return make_error(fmt::format("{}: history schema version {} is newer than this cicada's ({})",
                                  file.string(), found, kHistorySchemaVersion));
  if (found == kHistorySchemaVersion) return db;
  // An older file is read as it is (a reader migrates nothing): the tables it lacks read as empty, which is
  // what its runs have there (no histograms, no stage marks...).
  for (const auto& t : kTables) {
    auto exists = db.db_.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?");
    if (!exists) return exists.error();
    exists->bind(1, t.name);
    auto row = exists->step();
    if (!row) return row.error();
    if (*row) continue;
    if (auto r = db.db_.exec(table_sql(t, true)); !r)
      return make_error(file.string() + ": " + r.error().message);
  }
  return db;
}

Result<void> HistoryDb::create_schema() {
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return tx.error();
  auto version = db_.prepare("PRAGMA user_version");
  if (!version) return version.error();
  if (auto row = version->step(); !row) return row.error();
  const auto found = version->integer(0);
  version = sql::Statement();  // finalize before COMMIT
  if (found > kHistorySchemaVersion)
    return make_error(fmt::format("history schema version {} is newer than this cicada's ({})", found,
                                  kHistorySchemaVersion));
  if (found == kHistorySchemaVersion) return tx->commit();
  std::string schema;
  for (const auto& t : kTables) schema += table_sql(t, false);
  if (auto r = db_.exec(schema + kIndexes); !r) return r;
  if (auto r = db_.exec(fmt::format("PRAGMA user_version = {}", kHistorySchemaVersion)); !r) return r;
  return tx->commit();
}

Result<void> HistoryDb::begin_run(const RunInfo& i) {
  auto st = db_.prepare(
      "INSERT INTO runs (id, started_at, status, machine, target_host, scenario_file, scenario_sha256, "
      "config_json, git_commit, users) VALUES (?,?,'running',?,?,?,?,?,?,?)");
  if (!st) return st.error();
  st->bind(1, i.id).bind(2, i.started_unix_s).bind(3, i.machine).bind(4, i.target_host);
  st->bind(5, i.scenario_file).bind(6, i.scenario_sha256).bind(7, i.config_json).bind(8, i.git_commit);
  st->bind(9, i.users);
  return st->run();  // one statement: its own transaction
}

Result<void> HistoryDb::write_new_seconds(const std::string& id, const stats::HistoryView& blocks) {
  auto next = db_.prepare("SELECT COALESCE(MAX(seq) + 1, 0) FROM run_seconds WHERE run_id = ?");
  if (!next) return next.error();
  next->bind(1, id);
  if (auto row = next->step(); !row) return row.error();
  // Seconds that left memory before they were written (stats/history_log.hpp) are skipped, not invented.
  const auto first = std::max(static_cast<std::size_t>(next->integer(0)), blocks.first());
  if (first >= blocks.size()) return {};
  auto st = db_.prepare(
      "INSERT INTO run_seconds (run_id, seq, timestamp, user_count, block_json) VALUES (?,?,?,?,?)");
  if (!st) return st.error();
  for (std::size_t i = first; i < blocks.size(); ++i) {
    const auto& b = *blocks[i];
    st->bind(1, id).bind(2, static_cast<std::int64_t>(i)).bind(3, b.timestamp).bind(4, b.user_count);
    st->bind(5, history_block_to_json(b));
    if (auto r = st->run(); !r) return r;
  }
  return {};
}

Result<void> HistoryDb::append_seconds(const std::string& id, const stats::HistoryView& blocks) {
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return tx.error();
  if (auto r = write_new_seconds(id, blocks); !r) return r;
  return tx->commit();
}

Result<void> HistoryDb::finish_run(const std::string& id, const stats::Snapshot& s,
                                   const std::vector<StoredThreshold>& thresholds, int exit_code,
                                   const std::string& verdict, double ended_unix_s, std::optional<int> users,
                                   const std::string& ended_by) {
  auto tx = sql::Transaction::begin(db_);
  if (!tx) return tx.error();
  {
    // Idempotent: a finish after a partial one (none today, but cheap) replaces rather than duplicates.
    for (const char* table :
         {"run_entries", "run_histograms", "run_stages", "run_counters", "run_streams", "run_failures",
          "run_exceptions", "run_thresholds", "run_end", "run_stats_start"}) {
      auto del = db_.prepare(fmt::format("DELETE FROM {} WHERE run_id = ?", table));
      if (!del) return del.error();
      del->bind(1, id);
      if (auto r = del->run(); !r) return r;
    }
    auto entry = db_.prepare("INSERT INTO run_entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!entry) return entry.error();
    auto histograms = db_.prepare("INSERT INTO run_histograms VALUES (?,?,?,?)");
    if (!histograms) return histograms.error();
    int position = 0;
    for (const auto& e : s.entries) {
      if (auto r = insert_histograms(*histograms, id, position, e); !r) return r;
      if (auto r = insert_entry(*entry, id, position++, e); !r) return r;
    }
    if (auto r = insert_histograms(*histograms, id, position, s.total); !r) return r;
    if (auto r = insert_entry(*entry, id, position, s.total); !r) return r;

    auto stage = db_.prepare("INSERT INTO run_stages VALUES (?,?,?,?)");
    if (!stage) return stage.error();
    position = 0;
    for (const auto& m : s.stages) {
      stage->bind(1, id).bind(2, position++).bind(3, m.start_unix_s).bind(4, m.label);
      if (auto r = stage->run(); !r) return r;
    }
    auto counter = db_.prepare("INSERT INTO run_counters VALUES (?,?,?)");
    if (!counter) return counter.error();
    const std::pair<const char*, std::int64_t> counters[] = {
        {"dropped_iterations", static_cast<std::int64_t>(s.dropped_iterations)},
        {"due_iterations", static_cast<std::int64_t>(s.due_iterations)},
        {"started_iterations", static_cast<std::int64_t>(s.started_iterations)},
        {"unanswered_requests", static_cast<std::int64_t>(s.unanswered_requests)},
        {"unanswered_counted", static_cast<std::int64_t>(s.unanswered_counted)},
        {"oldest_unanswered_us", s.oldest_unanswered_us}};
    for (const auto& [name, value] : counters) {
      counter->bind(1, id).bind(2, name).bind(3, value);
      if (auto r = counter->run(); !r) return r;
    }

    // When the stored figures began: the run's start, or its last stats reset (--reset-stats, the web UI's
    // reset, the end of a --warmup), which `runs.started_at` does not say.
    auto stats_start = db_.prepare("INSERT INTO run_stats_start VALUES (?,?)");
    if (!stats_start) return stats_start.error();
    stats_start->bind(1, id).bind(2, s.start_unix_s);
    if (auto r = stats_start->run(); !r) return r;

    if (!ended_by.empty()) {
      auto end = db_.prepare("INSERT INTO run_end VALUES (?,?)");
      if (!end) return end.error();
      end->bind(1, id).bind(2, ended_by);
      if (auto r = end->run(); !r) return r;
    }

    auto stream = db_.prepare("INSERT INTO run_streams VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!stream) return stream.error();
    position = 0;
    for (const auto& row : s.streams) {
      if (auto r = insert_stream(*stream, id, position++, row); !r) return r;
    }

    auto failure = db_.prepare("INSERT INTO run_failures VALUES (?,?,?,?,?,?)");
    if (!failure) return failure.error();
    position = 0;
    for (const auto& f : s.failures) {
      failure->bind(1, id).bind(2, position++).bind(3, f.method).bind(4, f.name).bind(5, f.error);
      failure->bind(6, f.occurrences);
      if (auto r = failure->run(); !r) return r;
    }
    auto exception = db_.prepare("INSERT INTO run_exceptions VALUES (?,?,?,?,?,?)");
    if (!exception) return exception.error();
    position = 0;
    for (const auto& e : s.exceptions) {
      exception->bind(1, id).bind(2, position++).bind(3, e.count).bind(4, e.message).bind(5, e.traceback);
      exception->bind(6, e.nodes);
      if (auto r = exception->run(); !r) return r;
    }
    auto threshold = db_.prepare("INSERT INTO run_thresholds VALUES (?,?,?,?,?,?,?,?,?)");
    if (!threshold) return threshold.error();
    position = 0;
    for (const auto& t : thresholds) {
      threshold->bind(1, id).bind(2, position++).bind(3, t.threshold).bind(4, t.entry).bind(5, t.actual);
      threshold->bind(6, t.limit).bind(7, t.actual_text).bind(8, t.limit_text).bind(9, t.passed ? 1 : 0);
      if (auto r = threshold->run(); !r) return r;
    }
    auto run = db_.prepare(
        "UPDATE runs SET status = 'complete', ended_at = ?, exit_code = ?, verdict = ?, "
        "users = COALESCE(?, users) WHERE id = ?");
    if (!run) return run.error();
    run->bind(1, ended_unix_s).bind(2, exit_code).bind(3, verdict).bind(4, users).bind(5, id);
    if (auto r = run->run(); !r) return r;
  }
  if (auto r = write_new_seconds(id, s.history); !r) return r;
  return tx->commit();
}

std::string make_run_id(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  std::random_device rd;
  return fmt::format("{}-{:04x}", stamp, rd() & 0xffffu);
}

}  // namespace cicada::report
