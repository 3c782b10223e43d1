// Reading a run history this process may not write: a CI artifact, a file on read-only media, another
// user's database (docs/history.md, "Reading a history you may not write"). Tests run as root, whom
// mode bits do not stop, so the reader is `nobody` (setpriv); as another user the modes alone do it.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <sstream>
#include <thread>

#include "history_e2e_fixture.hpp"
#include "support/json_file.hpp"
#include "support/text_count.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace cicada::testing::history;
using cicada::testing::ChildProcess;
using cicada::testing::cicada_argv;
using cicada::testing::count_occurrences;
using cicada::testing::read_file;
using cicada::testing::read_json_file;
using cicada::testing::TempDir;

namespace {

constexpr const char* kSetpriv = "/usr/bin/setpriv";

// The words before cicada's that make it a process that may not write the history: none when this test
// is not root (the modes set by the test refuse it), `setpriv` to user nobody when it is.
std::optional<std::vector<std::string>> reader_prefix() {
  if (geteuid() != 0) return std::vector<std::string>{};
  if (!fs::exists(kSetpriv)) return std::nullopt;
  return std::vector<std::string>{kSetpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"};
}

class HistoryAccessE2e : public HistoryE2e {
 protected:
  void SetUp() override {
    HistoryE2e::SetUp();
    auto prefix = reader_prefix();
    if (!prefix)
      GTEST_SKIP() << "running as root without " << kSetpriv << ": no way to read as a user "
                   << "who may not write, so nothing to test here";
    prefix_ = *prefix;
    // The reader's own folder for what it writes (exports), and its working directory.
    fs::permissions(out_.path(), fs::perms::all);
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                     fs::perms::others_read | fs::perms::others_exec);
  }
  // Writable again, so the temp folders can be removed (by a user other than root too).
  void TearDown() override {
    std::error_code ec;
    fs::permissions(db().parent_path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::path db() const { return dir_.path() / ".cicada/history.db"; }
  // Runs `cicada ARGS --history-db DB` as the reader; returns (exit code, stdout + stderr).
  std::pair<int, std::string> read(std::vector<std::string> args) {
    args.push_back("--history-db");
    args.push_back(db().string());
    std::vector<std::string> argv = prefix_;
    for (auto& word : cicada_argv(std::move(args))) argv.push_back(std::move(word));
    ChildProcess p(argv, out_.path());
    auto code = p.wait(30s);
    return {code.value_or(-1), p.out() + p.err()};
  }
  // The history folder and file as the reader finds them: readable, not writable.
  void make_read_only() {
    const auto read_only = fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
    const auto exec = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
    fs::permissions(db(), read_only);
    fs::permissions(db().parent_path(), read_only | exec);
  }
  std::string folder_listing() const {
    std::ostringstream out;
    for (const auto& f : fs::directory_iterator(db().parent_path()))
      out << f.path().filename().string() << " ";
    return out.str();
  }

  std::vector<std::string> prefix_;
  TempDir out_;
};

// Req/s of the `history list` line that holds `word`: the sixth field from the end (Req/s, p50, p95, p99,
// Fail %, Verdict).
double list_rps(const std::string& list, const std::string& word) {
  const auto at = list.find(word);
  if (at == std::string::npos) return -1;
  const auto start = list.rfind('\n', at) + 1;
  std::istringstream line(list.substr(start, list.find('\n', at) - start));
  std::vector<std::string> fields;
  for (std::string f; line >> f;) fields.push_back(f);
  return fields.size() < 6 ? -1 : std::atof(fields[fields.size() - 6].c_str());
}

}  // namespace

TEST_F(HistoryAccessE2e, AHistoryTheReaderMayNotWriteIsReadAndLeftAsItWas) {
  ASSERT_EQ(load_test({"--threshold", "p95 < 5s"}, "1s")->wait(30s), 0);
  // The writer closed: the whole database is the file, no -wal or -shm beside it (a CI artifact).
  ASSERT_EQ(folder_listing(), "history.db ") << folder_listing();
  make_read_only();
  const std::string before = read_file(db());

  auto [list_code, list] = read({"history", "list"});
  ASSERT_EQ(list_code, 0) << list;
  EXPECT_EQ(count_occurrences(list, "health.yaml"), 1u) << list;
  EXPECT_NE(list.find(" pass"), std::string::npos) << list;
  auto [show_code, show] = read({"history", "show", "latest"});
  ASSERT_EQ(show_code, 0) << show;
  EXPECT_NE(show.find("Status     complete"), std::string::npos) << show;
  EXPECT_NE(show.find("/health"), std::string::npos) << show;
  auto [export_code, exported] =
      read({"history", "export", "latest", "--json", "run.json", "--csv", "run", "--junit", "run.xml"});
  ASSERT_EQ(export_code, 0) << exported;
  const auto json = read_json_file(out_.path() / "run.json");
  ASSERT_TRUE(json) << read_file(out_.path() / "run.json");
  EXPECT_GT((*json)["total"]["requests"].get<long>(), 0);
  EXPECT_NE(read_file(out_.path() / "run_stats.csv").find("GET,/health,"), std::string::npos);
  auto [cmp_code, cmp] = read({"compare", "latest", "latest"});
  EXPECT_EQ(cmp_code, 0) << cmp;
  auto [md_code, md] = read({"report", "--markdown"});
  EXPECT_EQ(md_code, 0) << md;
  EXPECT_NE(md.find("| GET | /health |"), std::string::npos) << md;
  auto [html_code, html] = read({"report", "--html", "run.html"});
  EXPECT_EQ(html_code, 0) << html;

  // Deleting writes: refused, and the run is still there.
  auto [del_code, del] = read({"history", "delete", "latest"});
  EXPECT_NE(del_code, 0) << del;
  EXPECT_EQ(count_occurrences(read({"history", "list"}).second, "health.yaml"), 1u);
  EXPECT_EQ(read_file(db()), before) << "reading changed the file";
  EXPECT_EQ(folder_listing(), "history.db ") << "reading left files beside it";
}

TEST_F(HistoryAccessE2e, AnotherUsersLiveThenKilledRunIsRead) {
  if (prefix_.empty()) GTEST_SKIP() << "not root: no second user to write the history while this one reads";
  // The writer (root) holds the -wal and -shm; the reader (nobody) may write neither nor the folder, and
  // reads the live run, then the killed one.
  kill_a_run_once_it_kept_seconds(
      [&] {
        return read({"history", "show", "latest"}).second;
      },
      [&] { make_read_only(); });
  if (HasFatalFailure()) return;
  // kill -9 left the -wal (the last transactions may be only there) and the -shm, both the writer's.
  ASSERT_TRUE(fs::exists(db().string() + "-wal")) << folder_listing();
  ASSERT_TRUE(fs::exists(db().string() + "-shm")) << folder_listing();
  auto [list_code, list] = read({"history", "list"});
  ASSERT_EQ(list_code, 0) << list;
  EXPECT_EQ(count_occurrences(list, "incomplete"), 1u) << list;
  EXPECT_GT(list_rps(list, "incomplete"), 0) << list;

  // Without the -shm, the -wal cannot be read from a folder the reader may not write: a clear error.
  fs::remove(db().string() + "-shm");
  auto [lost_code, lost] = read({"history", "list"});
  EXPECT_EQ(lost_code, 2) << lost;
  EXPECT_NE(lost.find("history.db-wal"), std::string::npos) << lost;
  EXPECT_NE(lost.find("copy both files"), std::string::npos) << lost;
}

// --reset-stats: the exported figures are those since the reset, and so is their stated start, as in the
// run's own --json (a CI probe found the run's start there, making every rate read too low).
TEST_F(HistoryE2e, ExportStatesWhenTheExportedStatsStarted) {
  auto run = start({"-f", "health.yaml", "--host", g_server->url(), "--headless", "-u", "2", "-r", "1", "-t",
                    "3s", "--only-summary", "--reset-stats", "--json", "live.json"});
  ASSERT_EQ(run->wait(30s), 0) << run->err();
  auto [code, out] = sub({"history", "export", "latest", "--json", "again.json"});
  ASSERT_EQ(code, 0) << out;
  const auto live = read_json_file(dir_.path() / "live.json");
  const auto again = read_json_file(dir_.path() / "again.json");
  ASSERT_TRUE(live && again);
  const double started = (*live)["run"]["started_unix_s"].get<double>();
  const double stats_start = (*live)["stats_start_unix_s"].get<double>();
  // Two users at 1/s: the reset comes once the second has started, a second or more after the start.
  ASSERT_GT(stats_start, started + 0.5) << live->dump();
  EXPECT_DOUBLE_EQ((*again)["stats_start_unix_s"].get<double>(), stats_start) << again->dump();
  EXPECT_EQ((*again)["total"]["requests"], (*live)["total"]["requests"]);
}
