// The exit code a CI job reads in the reports (--json's run.exit_code, --junit's exit_code property, the
// history) is the code the process exits with, also when a locustfile changes it after the test: its
// quitting listeners (environment.process_exit_code) or a listener that raised (exit 2).
#include <gtest/gtest.h>

#include <fstream>

#include "support/child_process.hpp"
#include "support/json_file.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using cicada::testing::ChildProcess;
using cicada::testing::read_file;
using cicada::testing::read_json_file;
using cicada::testing::ScriptedReply;
using cicada::testing::ScriptedServer;
using cicada::testing::start_cicada;
using cicada::testing::TempDir;

namespace {

constexpr const char* kUser =
    "class U(HttpUser):\n"
    "    wait_time = constant(0.1)\n"
    "    @task\n"
    "    def t(self):\n"
    "        self.client.get('/health')\n";

class ReportedExitCode : public ::testing::Test {
 protected:
  ReportedExitCode() { server_.set_fallback(ScriptedReply::respond(200, "OK")); }

  // Runs the locustfile (`listeners` + one user) for 2 s with --json, --junit and a history; the exit code.
  std::optional<int> run(const std::string& listeners) {
    std::ofstream(dir_.path() / "locustfile.py") << "from locust import HttpUser, constant, events, task\n"
                                                 << listeners << kUser;
    last_ = start_cicada(
        {"-f", "locustfile.py", "--host", server_.url(), "--headless", "-u", "1", "-r", "1", "-t", "2s",
         "--only-summary", "--json", "run.json", "--junit", "run.xml", "--history-db", "h.db"},
        dir_.path());
    return last_->wait(60s);
  }
  // What every report says the exit code was.
  void expect_reported(int code) {
    const std::string log = last_->out() + last_->err();
    const auto json = read_json_file(dir_.path() / "run.json");
    ASSERT_TRUE(json) << log;
    EXPECT_EQ((*json)["run"]["exit_code"], code) << log;
    EXPECT_NE(read_file(dir_.path() / "run.xml")
                  .find("<property name=\"exit_code\" value=\"" + std::to_string(code) + "\"/>"),
              std::string::npos)
        << read_file(dir_.path() / "run.xml");
    auto show = start_cicada({"history", "show", "latest", "--history-db", "h.db"}, dir_.path());
    ASSERT_EQ(show->wait(30s), 0) << show->err();
    EXPECT_NE(show->out().find("Exit code  " + std::to_string(code) + "\n"), std::string::npos)
        << show->out();
  }

  ScriptedServer server_;
  TempDir dir_;
  std::unique_ptr<ChildProcess> last_;
};

}  // namespace

TEST_F(ReportedExitCode, AQuittingListenersProcessExitCodeIsTheReportedOne) {
  ASSERT_EQ(run("@events.quitting.add_listener\n"
                "def on_quitting(environment, **kwargs):\n"
                "    environment.process_exit_code = 5\n"),
            5)
      << last_->err();
  expect_reported(5);
}

TEST_F(ReportedExitCode, ARequestListenerThatRaisedIsTheReportedTwo) {
  ASSERT_EQ(run("@events.request.add_listener\n"
                "def on_request(**kwargs):\n"
                "    raise RuntimeError('listener bug')\n"),
            2)
      << last_->err();
  expect_reported(2);
}
