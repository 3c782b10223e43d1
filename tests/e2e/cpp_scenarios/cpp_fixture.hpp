#pragma once
// Shared by the C++ scenario tests: one model server per suite, a fresh folder and compile cache per test.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "e2e/cicada_cli/model_server.hpp"
#include "support/child_process.hpp"
#include "support/csv_rows.hpp"

namespace cicada::testing {

class CppScenarioTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ModelServer();
    cache_ = new TempDir();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete cache_;
    server_ = nullptr;
    cache_ = nullptr;
  }

  // Runs `program args...` in the test's folder. The compile cache (XDG_CACHE_HOME) is shared by the
  // suite, so each scenario compiles once; set fresh_cache_ for a test that needs its own.
  std::unique_ptr<ChildProcess> start(const std::string& program, std::vector<std::string> args) {
    args.insert(args.begin(), program);
    const auto cache = fresh_cache_ ? dir_.path() / "cache" : cache_->path();
    return std::make_unique<ChildProcess>(args, dir_.path(),
                                          std::vector<std::string>{"XDG_CACHE_HOME=" + cache.string()});
  }
  std::unique_ptr<ChildProcess> cicada(std::vector<std::string> args) {
    return start(binary("apps/cicada/cicada").string(), std::move(args));
  }
  // A headless run of `scenario` against the model server writing out_*.csv.
  std::unique_ptr<ChildProcess> run_scenario(const std::string& scenario,
                                             std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"-f",         scenario, "--host", server_->url(),
                                  "--headless", "--csv",  "out",    "--only-summary"};
    args.insert(args.end(), extra.begin(), extra.end());
    return cicada(std::move(args));
  }
  CsvRows stats() const { return read_csv(dir_.path() / "out_stats.csv"); }

  // Milliseconds in "Loaded C++ scenario FILE in N ms (compiled|cached)", or -1.
  static double load_ms(const std::string& log, const std::string& how) {
    std::smatch m;
    if (!std::regex_search(log, m, std::regex("Loaded C\\+\\+ scenario .* in ([0-9]+) ms \\(" + how + "\\)")))
      return -1;
    return std::stod(m[1].str());
  }

  static ModelServer* server_;
  static TempDir* cache_;
  TempDir dir_;
  bool fresh_cache_ = false;
};

inline ModelServer* CppScenarioTest::server_ = nullptr;
inline TempDir* CppScenarioTest::cache_ = nullptr;

}  // namespace cicada::testing
