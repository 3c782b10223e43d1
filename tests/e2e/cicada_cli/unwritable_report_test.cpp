// A report the user asked for that cannot be written at the end of the run (a full disk) fails the run
// with exit 2 and says which, leaves no temporary file, and the reports that were written say exit 2.
// The full disk is /dev/full, where the report's temporary name leads (a symbolic link): every write there
// fails with ENOSPC. (Only for files written once: the failed write removes the link.)
#include <gtest/gtest.h>

#include <filesystem>

#include "support/child_process.hpp"
#include "support/json_file.hpp"
#include "support/scripted_server.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cicada::testing::ChildProcess;
using cicada::testing::read_file;
using cicada::testing::read_json_file;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;
using cicada::testing::source;
using cicada::testing::start_cicada;
using cicada::testing::TempDir;

namespace {

class UnwritableReport : public ::testing::Test {
 protected:
  UnwritableReport() { server_.set_fallback(ScriptedReply::respond(200, "OK")); }

  // `file`'s temporary name leads to /dev/full.
  void fill_disk_for(const std::string& file) {
    fs::create_symlink("/dev/full", dir_.path() / (file + ".tmp"));
  }
  // A clean 1 s run (exit 0 if every report is written) with these report flags.
  std::optional<int> run(std::vector<std::string> reports) {
    std::vector<std::string> args{"-f",
                                  source("examples/health.yaml").string(),
                                  "--host",
                                  server_.url(),
                                  "--headless",
                                  "-u",
                                  "1",
                                  "-t",
                                  "1s",
                                  "--only-summary",
                                  "--history-db",
                                  "h.db"};
    args.insert(args.end(), reports.begin(), reports.end());
    last_ = start_cicada(std::move(args), dir_.path());
    return last_->wait(60s);
  }
  bool logged(const std::string& text) const { return last_->err().find(text) != std::string::npos; }

  ScriptedServer server_;
  TempDir dir_;
  std::unique_ptr<ChildProcess> last_;
};

}  // namespace

TEST_F(UnwritableReport, AJsonSummaryOnAFullDiskFailsTheRunAndTheOtherReportsSaySo) {
  fill_disk_for("run.json");
  ASSERT_EQ(run({"--json", "run.json", "--junit", "run.xml"}), 2) << last_->err();
  EXPECT_TRUE(logged("--json: cannot write run.json.tmp (disk full?)")) << last_->err();
  EXPECT_TRUE(logged("Shutting down (exit code 2)")) << last_->err();
  EXPECT_FALSE(fs::exists(dir_.path() / "run.json"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir_.path() / "run.json.tmp")))
      << "the temporary file is removed";
  // The JUnit report and the history carry the code the process exits with.
  EXPECT_NE(read_file(dir_.path() / "run.xml").find("<property name=\"exit_code\" value=\"2\"/>"),
            std::string::npos)
      << read_file(dir_.path() / "run.xml");
  auto show = start_cicada({"history", "show", "latest", "--history-db", "h.db"}, dir_.path());
  ASSERT_EQ(show->wait(30s), 0) << show->err();
  EXPECT_NE(show->out().find("Exit code  2\n"), std::string::npos) << show->out();
}

TEST_F(UnwritableReport, FinalCsvFilesThatCannotBeWrittenFailTheRunAndTheJsonSaysSo) {
  // A folder with the name of a CSV file: every write of it fails at the rename, the last one too.
  fs::create_directory(dir_.path() / "out_stats.csv");
  ASSERT_EQ(run({"--csv", "out", "--json", "run.json"}), 2) << last_->err();
  EXPECT_TRUE(logged("--csv: writing CSV files: cannot rename out_stats.csv.tmp to out_stats.csv"))
      << last_->err();
  EXPECT_TRUE(logged("--csv: the final CSV files could not be written")) << last_->err();
  EXPECT_FALSE(fs::exists(dir_.path() / "out_stats.csv.tmp")) << "the temporary file is removed";
  const auto json = read_json_file(dir_.path() / "run.json");
  ASSERT_TRUE(json) << last_->err();
  EXPECT_EQ((*json)["run"]["exit_code"], 2);
}

TEST_F(UnwritableReport, AnHtmlReportOnAFullDiskFailsTheRun) {
  fill_disk_for("report.html");
  ASSERT_EQ(run({"--html", "report.html"}), 2) << last_->err();
  EXPECT_TRUE(logged("--html: cannot write report.html.tmp (disk full?)")) << last_->err();
  EXPECT_FALSE(fs::exists(dir_.path() / "report.html"));
}
