// HistoryDb: the reads (list, resolve, load) and delete. Writes are in history_db.cpp.
#include <fmt/format.h>

#include "report/history_codec.hpp"
#include "report/history_db.hpp"
#include "report/kept_seconds.hpp"
#include "report/unanswered.hpp"

namespace cicada::report {
namespace {

constexpr const char* kRunColumns =
    "r.id, r.started_at, r.ended_at, r.status, r.machine, r.target_host, r.scenario_file, "
    "r.scenario_sha256, r.config_json, r.git_commit, r.users, r.exit_code, r.verdict, "
    "COALESCE((SELECT ended_by FROM run_end WHERE run_id = r.id), ''), "  // none: '' (before v5)
    "(SELECT unix_s FROM run_stats_start WHERE run_id = r.id)";           // none: NULL (before v6)
constexpr int kRunColumnCount = 15;

RunInfo read_run(const sql::Statement& st) {
  RunInfo i;
  i.id = st.text(0);
  i.started_unix_s = st.real(1);
  if (!st.is_null(2)) i.ended_unix_s = st.real(2);
  i.complete = st.text(3) == "complete";
  i.machine = st.text(4);
  i.target_host = st.text(5);
  i.scenario_file = st.text(6);
  i.scenario_sha256 = st.text(7);
  i.config_json = st.text(8);
  i.git_commit = st.text(9);
  i.users = static_cast<int>(st.integer(10));
  if (!st.is_null(11)) i.exit_code = static_cast<int>(st.integer(11));
  i.verdict = st.text(12);
  i.ended_by = st.text(13);
  i.stats_started_unix_s = st.is_null(14) ? i.started_unix_s : st.real(14);
  return i;
}

constexpr const char* kEntryColumns =
    "e.method, e.name, e.num_requests, e.num_failures, e.median_us, e.avg_us, e.min_us, e.max_us, "
    "e.avg_content_size, e.total_rps, e.total_fail_per_s, e.current_rps, e.current_fail_per_s, "
    "e.percentiles_json, e.current_percentiles_json";

// Reads the entry columns starting at column `c`.
Result<stats::EntrySnapshot> read_entry(const sql::Statement& st, int c) {
  stats::EntrySnapshot e;
  e.method = st.text(c);
  e.name = st.text(c + 1);
  e.num_requests = static_cast<std::uint64_t>(st.integer(c + 2));
  e.num_failures = static_cast<std::uint64_t>(st.integer(c + 3));
  e.median_us = st.integer(c + 4);
  e.avg_us = st.real(c + 5);
  e.min_us = st.integer(c + 6);
  e.max_us = st.integer(c + 7);
  e.avg_content_size = st.real(c + 8);
  e.total_rps = st.real(c + 9);
  e.total_fail_per_s = st.real(c + 10);
  e.current_rps = st.real(c + 11);
  e.current_fail_per_s = st.real(c + 12);
  auto p = percentiles_from_json(st.text(c + 13));
  if (!p) return p.error();
  e.percentiles_us = *p;
  auto cp = percentiles_from_json(st.text(c + 14));
  if (!cp) return cp.error();
  e.current_percentiles_us = *cp;
  // Histograms are in run_histograms (load() reads them); empty, never null, until then, and for the
  // list (which does not need them) and v1 runs (which have none).
  e.latency = std::make_shared<const stats::Histogram>();
  e.uncorrected_latency = e.latency;
  return e;
}

// Sets an entry's histograms from its run_histograms row, and the uncorrected figures derived from them
// (the way stats::Aggregate computes them, so they match the run's own).
Result<void> read_histograms(const sql::Statement& st, stats::EntrySnapshot& e) {
  auto latency = histogram_from_json(st.text(1));
  if (!latency) return latency.error();
  auto uncorrected = histogram_from_json(st.text(2));
  if (!uncorrected) return uncorrected.error();
  e.uncorrected_avg_us = uncorrected->mean();
  e.uncorrected_max_us = uncorrected->max();
  uncorrected->values_at_quantiles(stats::kReportedQuantiles, e.uncorrected_percentiles_us);
  e.latency = std::make_shared<const stats::Histogram>(std::move(*latency));
  e.uncorrected_latency = std::make_shared<const stats::Histogram>(std::move(*uncorrected));
  return {};
}

// A run_streams row (columns method, name, streams, events, tokens, tokens_per_s and the four histograms'
// JSON): every figure the run's own snapshot had, recomputed from its histograms the way
// stats::StreamAggregate computes them.
Result<stats::StreamSnapshot> read_stream(const sql::Statement& st) {
  stats::StreamSnapshot s;
  s.method = st.text(0);
  s.name = st.text(1);
  s.streams = static_cast<std::uint64_t>(st.integer(2));
  s.events = static_cast<std::uint64_t>(st.integer(3));
  s.tokens = static_cast<std::uint64_t>(st.integer(4));
  s.tokens_per_s = st.real(5);
  std::shared_ptr<const stats::Histogram>* histograms[] = {&s.ttfb, &s.ttft, &s.itl, &s.total};
  stats::Percentiles* percentiles[] = {&s.ttfb_us, &s.ttft_us, &s.itl_us, &s.total_us};
  for (int i = 0; i < 4; ++i) {
    auto h = histogram_from_json(st.text(6 + i));
    if (!h) return h.error();
    if (h->count() != 0) h->values_at_quantiles(stats::kReportedQuantiles, *percentiles[i]);
    *histograms[i] = std::make_shared<const stats::Histogram>(std::move(*h));
  }
  s.ttft_avg_us = s.ttft->mean();
  s.itl_avg_us = s.itl->mean();
  s.ttft_count = s.ttft->count();
  s.itl_count = s.itl->count();
  return s;
}

stats::EntrySnapshot empty_total() {
  stats::EntrySnapshot e;
  e.name = "Aggregated";
  e.latency = std::make_shared<const stats::Histogram>();
  e.uncorrected_latency = e.latency;
  return e;
}

}  // namespace

Result<std::vector<RunSummary>> HistoryDb::list(std::size_t limit) const {
  std::string q = std::string("SELECT ") + kRunColumns + ", " + kEntryColumns +
                  " FROM runs r LEFT JOIN run_entries e ON e.run_id = r.id AND e.method = '' AND "
                  "e.name = 'Aggregated' ORDER BY r.started_at DESC, r.id DESC";
  if (limit) q += " LIMIT " + std::to_string(limit);
  auto st = db_.prepare(q);
  if (!st) return st.error();
  std::vector<RunSummary> out;
  auto r = st->each_row([&]() -> Result<void> {
    RunSummary s{read_run(*st), empty_total()};
    if (!st->is_null(kRunColumnCount)) {
      auto total = read_entry(*st, kRunColumnCount);
      if (!total) return total.error();
      s.total = std::move(*total);
    }
    out.push_back(std::move(s));
    return {};
  });
  if (!r) return r.error();
  for (auto& s : out) {  // never finished: the figures of the seconds it kept, as load() gives them
    if (s.info.complete) continue;
    stats::Snapshot snap;
    snap.total = std::move(s.total);
    auto seconds = read_seconds(s.info.id);
    if (!seconds) return seconds.error();
    snap.history = std::move(*seconds);
    summarize_kept_seconds(snap, s.info.started_unix_s);
    s.total = std::move(snap.total);
  }
  return out;
}

Result<std::string> HistoryDb::resolve(const std::string& ref, bool complete_only) const {
  if (ref == "latest" || ref == "previous") {
    auto st = db_.prepare(std::string("SELECT id FROM runs ") +
                          (complete_only ? "WHERE status = 'complete' " : "") +
                          "ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?");
    if (!st) return st.error();
    st->bind(1, ref == "latest" ? 0 : 1);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) {
      std::string what = ref == "latest" ? "no recorded run yet" : "no run before the latest one";
      if (complete_only) {  // say so when there are runs, only none that finished (killed, or still running)
        auto all = db_.prepare("SELECT count(*) FROM runs WHERE status != 'complete'");
        if (!all) return all.error();
        auto counted = all->step();
        if (counted && *counted && all->integer(0) > 0)
          what =
              fmt::format("{} ({} incomplete: killed, or still running; `cicada history list`)",
                          ref == "latest" ? "no run that finished" : "no finished run before the latest one",
                          all->integer(0));
      }
      return make_error(what);
    }
    return st->text(0);
  }
  auto st = db_.prepare("SELECT id FROM runs WHERE id = ?1 OR substr(id, 1, length(?1)) = ?1 LIMIT 3");
  if (!st) return st.error();
  st->bind(1, ref);
  std::vector<std::string> ids;
  auto r = st->each_row([&]() -> Result<void> {
    ids.push_back(st->text(0));
    return {};
  });
  if (!r) return r.error();
  for (const auto& id : ids) {
    if (id == ref) return id;
  }
  if (ids.empty()) return make_error("no run '" + ref + "' in the history (see `cicada history list`)");
  if (ids.size() > 1) return make_error("'" + ref + "' matches several runs: give more of the id");
  return ids.front();
}

Result<StoredRun> HistoryDb::load(const std::string& id) const {
  StoredRun run;
  {
    auto st = db_.prepare(std::string("SELECT ") + kRunColumns + " FROM runs r WHERE r.id = ?");
    if (!st) return st.error();
    st->bind(1, id);
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return make_error("no run '" + id + "' in the history");
    run.info = read_run(*st);
  }
  auto& snap = run.snapshot;
  snap.start_unix_s = run.info.stats_started_unix_s;
  snap.now_unix_s = run.info.ended_unix_s.value_or(run.info.started_unix_s);
  snap.total = empty_total();
  {
    auto st = db_.prepare(std::string("SELECT ") + kEntryColumns +
                          " FROM run_entries e WHERE e.run_id = ? ORDER BY e.position");
    if (!st) return st.error();
    st->bind(1, id);
    std::vector<stats::EntrySnapshot> rows;
    auto r = st->each_row([&]() -> Result<void> {
      auto e = read_entry(*st, 0);
      if (!e) return e.error();
      rows.push_back(std::move(*e));
      return {};
    });
    if (!r) return r.error();
    if (!rows.empty()) {  // the Aggregated row is written last
      snap.total = std::move(rows.back());
      rows.pop_back();
      snap.entries = std::move(rows);
    }
  }
  {
    auto st = db_.prepare(
        "SELECT position, latency_json, uncorrected_json FROM run_histograms WHERE run_id = ? ORDER BY "
        "position");
    if (!st) return st.error();
    st->bind(1, id);
    auto r = st->each_row([&]() -> Result<void> {
      const auto position = static_cast<std::size_t>(st->integer(0));
      if (position > snap.entries.size()) return make_error("history: histogram of no entry in run " + id);
      run.has_histograms = true;
      return read_histograms(*st, position == snap.entries.size() ? snap.total : snap.entries[position]);
    });
    if (!r) return r.error();
  }
  {
    auto st = db_.prepare("SELECT start_unix_s, label FROM run_stages WHERE run_id = ? ORDER BY position");
    if (!st) return st.error();
    st->bind(1, id);
    auto r = st->each_row([&]() -> Result<void> {
      snap.stages.push_back({st->real(0), st->text(1)});
      return {};
    });
    if (!r) return r.error();
  }
  bool has_unanswered_counted = false;
  {
    // Runs recorded before a counter existed lack its row: it stays 0 (unanswered_counted: below).
    auto st = db_.prepare("SELECT name, value FROM run_counters WHERE run_id = ?");
    if (!st) return st.error();
    st->bind(1, id);
    auto r = st->each_row([&]() -> Result<void> {
      const std::string name = st->text(0);
      const auto value = static_cast<std::uint64_t>(st->integer(1));
      if (name == "dropped_iterations") snap.dropped_iterations = value;
      if (name == "due_iterations") snap.due_iterations = value;
      if (name == "started_iterations") snap.started_iterations = value;
      if (name == "unanswered_requests") snap.unanswered_requests = value;
      if (name == "unanswered_counted") {
        snap.unanswered_counted = value;
        has_unanswered_counted = true;
      }
      if (name == "oldest_unanswered_us") snap.oldest_unanswered_us = st->integer(1);
      return {};
    });
    if (!r) return r.error();
  }
  {
    // Runs recorded before schema v4, or without streams, have no rows: no streamed responses.
    auto st = db_.prepare(
        "SELECT method, name, streams, events, tokens, tokens_per_s, ttfb_json, ttft_json, itl_json, "
        "total_json FROM run_streams WHERE run_id = ? ORDER BY position");
    if (!st) return st.error();
    st->bind(1, id);
    auto r = st->each_row([&]() -> Result<void> {
      auto row = read_stream(*st);
      if (!row) return row.error();
      snap.streams.push_back(std::move(*row));
      return {};
    });
    if (!r) return r.error();
  }
  {
    auto st = db_.prepare(
        "SELECT method, name, error, occurrences FROM run_failures WHERE run_id = ? ORDER BY position");
    if (!st) return st.error();
    st->bind(1, id);
    auto r = st->each_row([&]() -> Result<void> {
      snap.failures.push_back(
          {st->text(0), st->text(1), st->text(2), static_cast<std::uint64_t>(st->integer(3))});
      return {};
    });
    if (!r) return r.error();
    if (!has_unanswered_counted) snap.unanswered_counted = unanswered_counted_from_failure_rows(snap);
  }
  {
    auto st = db_.prepare(
        "SELECT count, message, traceback, nodes FROM run_exceptions WHERE run_id = ? ORDER BY position");
    if (!st) return st.error();
    st->bind(1, id);
    auto r = st->each_row([&]() -> Result<void> {
      snap.exceptions.push_back(
          {static_cast<std::uint64_t>(st->integer(0)), st->text(1), st->text(2), st->text(3)});
      return {};
    });
    if (!r) return r.error();
  }
  {
    auto seconds = read_seconds(id);
    if (!seconds) return seconds.error();
    snap.history = std::move(*seconds);
    if (!snap.history.empty()) snap.user_count = snap.history.back()->user_count;
  }
  // A run that never recorded its end has no final rows: its figures are those of the seconds it kept.
  if (!run.info.complete) summarize_kept_seconds(snap, run.info.started_unix_s);
  {
    auto st = db_.prepare(
        "SELECT threshold, entry, actual, limit_value, actual_text, limit_text, passed FROM run_thresholds "
        "WHERE run_id = ? ORDER BY position");
    if (!st) return st.error();
    st->bind(1, id);
    auto r = st->each_row([&]() -> Result<void> {
      run.thresholds.push_back({st->text(0), st->text(1), st->real(2), st->real(3), st->text(4), st->text(5),
                                st->integer(6) != 0});
      return {};
    });
    if (!r) return r.error();
  }
  return run;
}

Result<stats::HistoryView> HistoryDb::read_seconds(const std::string& id) const {
  auto st = db_.prepare("SELECT block_json FROM run_seconds WHERE run_id = ? ORDER BY seq");
  if (!st) return st.error();
  st->bind(1, id);
  stats::HistoryLog log;
  auto r = st->each_row([&]() -> Result<void> {
    auto block = history_block_from_json(st->text(0));
    if (!block) return block.error();
    log.append(std::make_shared<const stats::HistoryBlock>(std::move(*block)));
    return {};
  });
  if (!r) return r.error();
  return log.view();
}

Result<bool> HistoryDb::remove(const std::string& id) {
  auto st = db_.prepare("DELETE FROM runs WHERE id = ?");  // ON DELETE CASCADE removes the rest
  if (!st) return st.error();
  st->bind(1, id);
  if (auto r = st->run(); !r) return r.error();
  return db_.changes() > 0;
}

}  // namespace cicada::report
