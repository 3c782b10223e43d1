#pragma once
// Shared by the locustfile tests: one model server per suite, a fresh folder per test, and a headless
// `cicada -f` run of a locustfile from tests/locustfiles.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "e2e/cicada_cli/model_server.hpp"
#include "support/child_process.hpp"
#include "support/csv_rows.hpp"

namespace cicada::testing {

class LocustfileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ModelServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // A file of tests/locustfiles, or an absolute path as is (a locustfile a test wrote).
  static std::string locustfile(const std::string& file) {
    return file.front() == '/' ? file : source("tests/locustfiles/" + file).string();
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto path = dir_.path() / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::unique_ptr<ChildProcess> cicada(std::vector<std::string> args) {
    return ::cicada::testing::start_cicada(std::move(args), dir_.path(),
                                           {"PAYLOAD=" + source("data/payload.json").string()});
  }

  // `cicada -f FILE CLASSES... --headless -u users -r users -t seconds --csv out`, waited for.
  int run(const std::string& file, std::vector<std::string> classes, int users, int seconds,
          std::vector<std::string> extra = {}) {
    return run_on(server_->url(), file, std::move(classes), users, seconds, std::move(extra));
  }
  // The same against another host (a test's own ScriptedServer).
  int run_on(const std::string& host, const std::string& file, std::vector<std::string> classes, int users,
             int seconds, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"-f", locustfile(file)};
    args.insert(args.end(), classes.begin(), classes.end());
    for (const std::string& a :
         {std::string("--host"), host, std::string("--headless"), std::string("-u"), std::to_string(users),
          std::string("-r"), std::to_string(users), std::string("-t"), std::to_string(seconds) + "s",
          std::string("--csv"), std::string("out"), std::string("--only-summary"),
          std::string("--no-history")})
      args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    last_ = cicada(std::move(args));
    auto code = last_->wait(std::chrono::seconds(seconds + 60));
    return code ? *code : -1;
  }
  std::string log() const { return last_ ? last_->out() + last_->err() : ""; }
  CsvRows csv(const std::string& kind) const { return read_csv(dir_.path() / ("out_" + kind + ".csv")); }

  static ModelServer* server_;
  TempDir dir_;
  std::unique_ptr<ChildProcess> last_;
};

inline ModelServer* LocustfileTest::server_ = nullptr;

}  // namespace cicada::testing
