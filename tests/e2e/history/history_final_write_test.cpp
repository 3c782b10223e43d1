// The history's last write, refused: the CI files a run wrote just before it said the run was recorded. A
// trigger in the database refuses that write deterministically (SQLite's RAISE), as a full disk or a lock
// held past the busy timeout would by chance.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "history_e2e_fixture.hpp"
#include "support/json_file.hpp"

using namespace std::chrono_literals;
using namespace cicada::testing::history;
using cicada::testing::read_file;
using cicada::testing::read_json_file;

namespace {

void exec(const std::filesystem::path& db, const char* sql) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(handle, sql, nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(handle);
}

}  // namespace

TEST_F(HistoryE2e, ReportsSayTheRunIsNotRecordedWhenTheHistorysFinalWriteFails) {
  auto first = load_test({}, "1s");  // makes the database, as any earlier run did
  ASSERT_EQ(first->wait(30s), 0) << first->err();
  exec(dir_.path() / ".cicada/history.db",
       "CREATE TRIGGER refuse_the_end BEFORE UPDATE OF status ON runs WHEN NEW.status = 'complete' "
       "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");

  auto run = load_test({"--json", "run.json", "--junit", "run.xml"}, "1s");
  ASSERT_EQ(run->wait(30s), 0) << run->err();  // the history's failure only logs: the test went on
  EXPECT_NE(run->err().find("refused by the test"), std::string::npos) << run->err();
  EXPECT_NE(run->err().find("this run is no longer recorded"), std::string::npos) << run->err();
  const auto j = read_json_file(dir_.path() / "run.json");
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ((*j)["run"]["recorded"], false) << j->dump(2);
  EXPECT_EQ((*j)["run"]["exit_code"], 0);
  EXPECT_NE(read_file(dir_.path() / "run.xml").find(R"(<property name="recorded" value="false")"),
            std::string::npos);
}
