// A C++ scenario is compiled on every worker from the text the master sends. A worker that cannot
// compile it (here: its CICADA_CXX is a compiler that always fails) reports the compiler's first error;
// the master drops it and goes on with the others, or exits 2 naming them all when none can run it.
// Real master and worker processes on loopback, runs bounded by -t and deadlines.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "fleet.hpp"
#include "support/csv_rows.hpp"
#include "support/scripted_server.hpp"

using namespace std::chrono_literals;
using namespace cicada::testing;

namespace {

constexpr const char* kScenario = R"cpp(#include <cicada/cicada.hpp>
                                        using cicada::Task;
                                        class Getter : public cicada::User {
                                         public:
                                          Task<> get_x() { co_await client().get("/x"); }
                                        };
                                        CICADA_SCENARIO(scenario) {
                                          scenario.user<Getter>("Getter").wait(cicada::constant(0.05)).task("get_x", &Getter::get_x);
                                        }
)cpp";

// A "compiler" that knows its version (the compile cache asks) and fails every compilation.
std::filesystem::path write_failing_compiler(const std::filesystem::path& dir) {
  const auto path = dir / "broken-cxx";
  std::ofstream(path) << "#!/bin/sh\n"
                         "if [ \"$1\" = \"--version\" ]; then echo broken-cxx 1.0; exit 0; fi\n"
                         "echo 'fleet.cpp:3:1: error: simulated: no usable compiler on this worker' >&2\n"
                         "echo 'fleet.cpp:9:1: error: a later error' >&2\n"
                         "exit 1\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

class CppCompileError : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.set_fallback(ScriptedReply::respond(200, "ok"));
    scenario_ = dir_.path() / "fleet.cpp";
    std::ofstream(scenario_) << kScenario;
    broken_ = write_failing_compiler(dir_.path());
  }
  std::vector<std::string> env(bool broken) const {
    std::vector<std::string> e{"XDG_CACHE_HOME=" + (dir_.path() / "cache").string()};
    if (broken) e.push_back("CICADA_CXX=" + broken_.string());
    return e;
  }
  std::unique_ptr<ChildProcess> master(int workers) {
    return std::make_unique<ChildProcess>(
        master_argv(scenario_, server_.url(), port_, workers,
                    {"-u", "4", "-r", "100", "-t", "4s", "--stop-timeout", "2", "--csv", "run"}),
        dir_.path(), env(false));
  }
  std::unique_ptr<ChildProcess> worker(bool broken) {
    return std::make_unique<ChildProcess>(worker_argv(port_), dir_.path(), env(broken));
  }
  // Waits for the master's end; its stderr, after checking its exit code.
  static std::string expect_exit(ChildProcess& m, int code) {
    const auto got = m.wait(std::chrono::seconds(120));
    EXPECT_EQ(got, std::optional<int>(code)) << m.err();
    return m.err();
  }
  static std::string id_part(const ChildProcess& p) { return "_" + std::to_string(p.pid()) + "_"; }

  ScriptedServer server_;
  TempDir dir_;
  std::filesystem::path scenario_, broken_;
  int port_ = ScriptedServer::closed_port();
};

TEST_F(CppCompileError, NoWorkerCanCompileTheMasterExits2NamingThem) {
  auto m = master(2);
  auto w1 = worker(true);
  auto w2 = worker(true);
  const std::string err = expect_exit(*m, 2);
  EXPECT_NE(err.find("No worker could run the test"), std::string::npos) << err;
  EXPECT_NE(err.find(id_part(*w1)), std::string::npos) << err;
  EXPECT_NE(err.find(id_part(*w2)), std::string::npos) << err;
  EXPECT_NE(err.find("error: simulated: no usable compiler"), std::string::npos) << err;
  EXPECT_EQ(server_.request_count(), 0u);
  // The master told them to quit: they exit at once rather than after --master-timeout.
  EXPECT_EQ(w1->wait(10s), std::optional<int>(0)) << w1->err();
  EXPECT_EQ(w2->wait(10s), std::optional<int>(0)) << w2->err();
}

TEST_F(CppCompileError, OneWorkerFailsTheOtherRunsTheTest) {
  auto m = master(2);
  auto good = worker(false);
  auto bad = worker(true);
  const std::string err = expect_exit(*m, 0);
  EXPECT_NE(err.find("1 of 2 workers could not run the test"), std::string::npos) << err;
  EXPECT_NE(err.find(id_part(*bad)), std::string::npos) << err;
  EXPECT_NE(err.find("Sharing 4 users over 1 workers: 4"), std::string::npos) << err;
  const auto rows = read_csv(dir_.path() / "run_stats.csv");
  const auto* row = find_row(rows, "", "Aggregated");
  ASSERT_NE(row, nullptr);
  EXPECT_GT(std::stoull((*row)[2]), 20u);  // 4 users x ~20/s over a few seconds, all on the good worker
  EXPECT_EQ(std::stoull((*row)[2]), server_.request_count());
}

}  // namespace
