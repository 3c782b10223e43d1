#include "capacity_history.hpp"

#include <unistd.h>

#include <array>
#include <chrono>

#include "history_run_info.hpp"
#include "report/history_db.hpp"

namespace cicada::app {
namespace {

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Result<std::string> record_capacity_search(const std::string& db_path, const CapacityRecord& record,
                                           const runner::CapacityResult& result, int exit_code) {
  if (!result.final_stats) return make_error("the search did not run");
  auto db = report::HistoryDb::open(db_path);
  if (!db) return db.error();
  report::RunInfo info;
  // The id is the start's second, as every run's (docs/history.md), though the search is recorded at its end.
  info.id = report::make_run_id(
      std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::duration<double>(record.started_unix_s))));
  info.started_unix_s = record.started_unix_s;
  std::array<char, 256> host{};
  info.machine = gethostname(host.data(), host.size() - 1) == 0 ? host.data() : "unknown";
  info.target_host = record.host;
  info.scenario_file = record.scenario_file;
  info.scenario_sha256 = sha256_of_file(record.scenario_file);
  info.config_json = record.config_json;
  info.git_commit = git_commit_of_working_dir();
  info.users = record.users;
  // All three writes at the end: the record of a search is its result, which exists only then.
  if (auto r = db->begin_run(info); !r) return r.error();
  if (auto r = db->append_seconds(info.id, result.final_stats->history); !r) return r.error();
  // A pass is the process's: a found limit (exit 0). A lower bound (3, 4) or an answer whose fail ratio
  // its requests could not show (5) is not one.
  if (auto r = db->finish_run(info.id, *result.final_stats, {}, exit_code, exit_code == 0 ? "pass" : "fail",
                              unix_now_s());
      !r)
    return r.error();
  return info.id;
}

}  // namespace cicada::app
