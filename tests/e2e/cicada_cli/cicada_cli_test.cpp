// The cicada binary as a user runs it: against the real model server, with real CSV files.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "model_server.hpp"
#include "support/child_process.hpp"
#include "support/csv_rows.hpp"
#include "support/pem_files.hpp"
#include "support/scripted_server.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cicada::testing::binary;
using cicada::testing::ChildProcess;
using cicada::testing::find_row;
using cicada::testing::ModelServer;
using cicada::testing::read_csv;
using cicada::testing::read_file;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

ModelServer* g_server = nullptr;

class CicadaCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { g_server = new ModelServer(); }
  static void TearDownTestSuite() {
    delete g_server;
    g_server = nullptr;
  }

  std::unique_ptr<ChildProcess> start(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return ::cicada::testing::start_cicada(std::move(args), dir_.path(), std::move(env));
  }

  TempDir dir_;
};

}  // namespace

TEST_F(CicadaCli, HealthScenarioRunsAndWritesLocustCsvs) {
  auto run = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                    "-u", "5", "-r", "5", "-t", "3s", "--csv", "out", "--only-summary"});
  ASSERT_EQ(run->wait(30s), 0) << run->err();
  for (auto suffix : {"_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv"}) {
    EXPECT_TRUE(fs::exists(dir_.path() / (std::string("out") + suffix))) << suffix;
  }
  auto stats = read_csv(dir_.path() / "out_stats.csv");
  ASSERT_GE(stats.size(), 3u);
  EXPECT_EQ(stats[0].size(), 22u);
  EXPECT_EQ(stats.back()[1], "Aggregated");
  auto* health = find_row(stats, "GET", "/health");
  ASSERT_NE(health, nullptr);
  EXPECT_GT(std::stoi((*health)[2]), 0);  // requests
  EXPECT_EQ((*health)[3], "0");           // failures
  // The final table is printed with the Locust layout.
  EXPECT_NE(run->out().find("Aggregated"), std::string::npos);
}

TEST_F(CicadaCli, RandomizedScenarioInvalidPayloadsGet400AndCountAsSuccess) {
  auto run = start({"-f", source("examples/randomized-max.yaml").string(), "--host", g_server->url(),
                    "--headless", "-u", "4", "-r", "4", "-t", "3s", "--csv", "out", "--only-summary"});
  ASSERT_EQ(run->wait(30s), 0) << run->out() << run->err();
  auto stats = read_csv(dir_.path() / "out_stats.csv");
  long requests = 0;
  for (const auto& r : stats) {
    if (r.size() > 3 && r[0] == "POST") {
      requests += std::stol(r[2]);
      EXPECT_EQ(r[3], "0") << "failures in " << r[1];
    }
  }
  EXPECT_GT(requests, 100);
}

TEST_F(CicadaCli, SigintMidRunStillWritesCompleteCsvs) {
  auto run = start({"-f", source("examples/randomized-max.yaml").string(), "--host", g_server->url(),
                    "--headless", "-u", "4", "-r", "4", "-t", "60s", "--csv", "out", "--only-summary"});
  ASSERT_TRUE(run->wait_for_output("All users spawned", 20s)) << run->err();
  // Interrupt once two seconds are in the history file (watched, not guessed from a sleep: a loaded
  // machine writes them later).
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (read_csv(dir_.path() / "out_stats_history.csv").size() < 3 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  run->signal(SIGINT);
  ASSERT_EQ(run->wait(20s), 0) << run->err();
  auto stats = read_csv(dir_.path() / "out_stats.csv");
  ASSERT_GE(stats.size(), 3u);
  EXPECT_EQ(stats.back()[1], "Aggregated");
  EXPECT_GT(std::stol(stats.back()[2]), 0);
  auto history = read_csv(dir_.path() / "out_stats_history.csv");
  EXPECT_GE(history.size(), 3u);
  EXPECT_EQ(history[0].size(), 24u);
}

TEST_F(CicadaCli, FailuresSetTheExitCode) {
  // Port 9 on loopback: nothing listens there, every request is refused.
  auto run = start({"-f", source("examples/health.yaml").string(), "--host", "http://127.0.0.1:9",
                    "--headless", "-u", "2", "-r", "2", "-t", "2s", "--csv", "out", "--only-summary",
                    "--exit-code-on-error", "3"});
  ASSERT_EQ(run->wait(30s), 3) << run->err();
  auto failures = read_csv(dir_.path() / "out_failures.csv");
  ASSERT_GE(failures.size(), 2u);
  EXPECT_EQ(failures[0], (std::vector<std::string>{"Method", "Name", "Error", "Occurrences"}));
  EXPECT_NE(failures[1][2].find("refused"), std::string::npos) << failures[1][2];
}

TEST_F(CicadaCli, BadScenarioIsAUsageErrorWithFileAndLine) {
  std::ofstream(dir_.path() / "bad.yaml") << "users:\n  - name: U\n    tasks: 12\n";
  auto run = start({"-f", "bad.yaml", "--host", g_server->url(), "--headless", "-t", "1s"});
  ASSERT_EQ(run->wait(20s), 2);
  EXPECT_NE(run->err().find("bad.yaml:"), std::string::npos) << run->err();
}

TEST_F(CicadaCli, AUserTypesUnloadableTlsFileIsAUsageErrorAtStartNamingTheType) {
  std::ofstream(dir_.path() / "ca.pem") << "not a certificate\n";
  std::ofstream(dir_.path() / "tls.yaml") << "user_types:\n  Partner:\n    client:\n      ca_bundle: ca.pem\n"
                                             "    tasks: {t: [{get: /health}]}\n";
  auto run = start({"-f", "tls.yaml", "--host", g_server->url(), "--headless", "-t", "5s"});
  ASSERT_EQ(run->wait(20s), 2) << run->err();
  EXPECT_NE(run->err().find("user type Partner (client settings):"), std::string::npos) << run->err();
  EXPECT_NE(run->err().find("ca.pem"), std::string::npos) << run->err();
  EXPECT_EQ(run->out().find("Aggregated"), std::string::npos) << run->out();  // no load ran
}

TEST_F(CicadaCli, SettingsPrecedenceFlagsOverEnvOverFile) {
  std::ofstream(dir_.path() / "cicada.conf")
      << "# comment\nusers = 3\nspawn-rate = 50\nrun_time = 1s\nheadless = true\n";
  auto from_file =
      start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--only-summary"});
  ASSERT_EQ(from_file->wait(30s), 0) << from_file->err();
  EXPECT_NE(from_file->err().find("Ramping to 3 users"), std::string::npos) << from_file->err();

  auto from_env =
      start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--only-summary"},
            {"CICADA_USERS=4"});
  ASSERT_EQ(from_env->wait(30s), 0);
  EXPECT_NE(from_env->err().find("Ramping to 4 users"), std::string::npos) << from_env->err();

  auto from_flag = start(
      {"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--only-summary", "-u", "5"},
      {"CICADA_USERS=4"});
  ASSERT_EQ(from_flag->wait(30s), 0);
  EXPECT_NE(from_flag->err().find("Ramping to 5 users"), std::string::npos) << from_flag->err();

  // A mistyped variable is not a silent default: the run goes on (the environment is shared with other
  // programs) and says what it ignored, with the name meant. The toolchain's own variables are not warned of.
  auto env_typo = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(),
                         "--only-summary", "-t", "1s"},
                        {"CICADA_USER=4", "CICADA_CONFIG=x.conf", "CICADA_INCLUDE_DIR=/nowhere"});
  ASSERT_EQ(env_typo->wait(30s), 0) << env_typo->err();
  EXPECT_NE(
      env_typo->err().find("cicada: warning: CICADA_USER sets nothing: cicada has no such setting; did you "
                           "mean CICADA_USERS? It is ignored."),
      std::string::npos)
      << env_typo->err();
  EXPECT_NE(
      env_typo->err().find("CICADA_CONFIG sets nothing: cicada has no such setting (a config file is given "
                           "with --config)"),
      std::string::npos)
      << env_typo->err();
  EXPECT_EQ(env_typo->err().find("CICADA_INCLUDE_DIR"), std::string::npos) << env_typo->err();
  EXPECT_NE(env_typo->err().find("Ramping to 3 users"), std::string::npos) << env_typo->err();  // the file's
  // -f's Locust name works as a variable too (CICADA_LOCUSTFILE, as LOCUST_LOCUSTFILE), unwarned.
  auto by_alias = start({"--host", g_server->url(), "--only-summary", "-t", "1s"},
                        {"CICADA_LOCUSTFILE=" + source("examples/health.yaml").string()});
  ASSERT_EQ(by_alias->wait(30s), 0) << by_alias->err();
  EXPECT_EQ(by_alias->err().find("sets nothing"), std::string::npos) << by_alias->err();

  std::ofstream(dir_.path() / "cicada.conf") << "userz = 3\n";
  auto typo = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url()});
  ASSERT_EQ(typo->wait(20s), 2);
  EXPECT_NE(typo->err().find("cicada.conf:1: unknown setting 'userz' (did you mean 'users'?"),
            std::string::npos)
      << typo->err();
}

// A value cicada refuses names where it came from: `LOCUST_USERS=abc cicada ...` said only "-u,--users:
// Value abc could not be converted", a flag the user never typed (a CI probe).
TEST_F(CicadaCli, ABadValueFromTheEnvironmentOrAFileNamesItsSourceAndValue) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"LOCUST_USERS", "abc"},         {"LOCUST_SPAWN_RATE", "fast"}, {"LOCUST_RUN_TIME", "soon"},
      {"LOCUST_USERS", "-3"},          {"LOCUST_STOP_TIMEOUT", "x"},  {"LOCUST_EXPECT_WORKERS", "0"},
      {"LOCUST_MASTER_PORT", "70000"}, {"CICADA_USERS", "many"},      {"CICADA_THREADS", "-1"},
  };
  for (const auto& [variable, value] : bad) {
    // No -t: it would win over LOCUST_RUN_TIME. Each is refused before any load (the wait bounds it).
    auto run = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless"},
                     {variable + "=" + value});
    ASSERT_EQ(run->wait(20s), 2) << variable << "=" << value << ": " << run->err();
    EXPECT_NE(run->err().find(variable + ": '" + value + "' is not a valid value for --"), std::string::npos)
        << variable << "=" << value << ": " << run->err();
  }
  std::ofstream(dir_.path() / "cicada.conf") << "# a comment\nusers = many\n";
  auto file = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless"});
  ASSERT_EQ(file->wait(20s), 2) << file->err();
  EXPECT_NE(file->err().find("cicada.conf:2: 'many' is not a valid value for --users"), std::string::npos)
      << file->err();
}

// Values CLI11 takes but a check after parsing refuses (a stage's syntax, a token rule, the warm-up against
// the run time) name where they came from too, and the flag they stand for.
TEST_F(CicadaCli, AValueACheckAfterParsingRefusesNamesItsSource) {
  struct Bad {
    std::string variable, value, expected;
  };
  const std::vector<Bad> bad = {
      {"CICADA_STAGES", "10s:5:x", "CICADA_STAGES (--stages): stage '10s:5:x': users must be a whole number"},
      {"CICADA_STREAM_TOKENS", "nonsense:", "CICADA_STREAM_TOKENS (--stream-tokens): token counting must be"},
      {"LOCUST_WARMUP", "5s", "LOCUST_WARMUP (--warmup) (5s) must be shorter than --run-time (2s)"},
  };
  for (const auto& b : bad) {
    auto run = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                      "-u", "1", "-t", "2s"},
                     {b.variable + "=" + b.value});
    ASSERT_EQ(run->wait(20s), 2) << b.variable << ": " << run->err();
    EXPECT_NE(run->err().find(b.expected), std::string::npos) << b.variable << ": " << run->err();
  }
}

TEST_F(CicadaCli, WarmupIsLoadedButNotRecorded) {
  // 100 iterations/s for 4 s, the first 2 s a warm-up: about 200 requests are recorded, not 400.
  auto run = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                    "--arrival-rate", "100", "-t", "4s", "--warmup", "2s", "--csv", "out", "--only-summary"});
  ASSERT_EQ(run->wait(30s), 0) << run->err();
  EXPECT_NE(run->err().find("Warm-up over"), std::string::npos) << run->err();
  auto stats = read_csv(dir_.path() / "out_stats.csv");
  ASSERT_GE(stats.size(), 2u);
  const long recorded = std::stol(stats.back()[2]);
  EXPECT_GT(recorded, 100) << "the load after the warm-up is recorded";
  EXPECT_LT(recorded, 300) << "the warm-up's requests are not";
}

TEST_F(CicadaCli, WarmupAsLongAsTheRunIsAUsageError) {
  auto run = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                    "-u", "1", "-t", "2s", "--warmup", "2s"});
  ASSERT_EQ(run->wait(20s), 2);
  EXPECT_NE(run->err().find("--warmup (2s) must be shorter than --run-time (2s)"), std::string::npos)
      << run->err();
}

TEST_F(CicadaCli, PoissonArrivalsAreForTheOpenModelAndNamedWhereTheLoadIsDescribed) {
  auto closed = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                       "-u", "1", "-t", "2s", "--arrival-distribution", "poisson"});
  ASSERT_EQ(closed->wait(20s), 2) << closed->err();
  EXPECT_NE(closed->err().find("--arrival-distribution: for the open model only"), std::string::npos)
      << closed->err();
  auto user_stages = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(),
                            "--headless", "--stages", "2s:1", "--arrival-distribution", "poisson"});
  ASSERT_EQ(user_stages->wait(20s), 2) << user_stages->err();
  EXPECT_NE(user_stages->err().find("for the open model only"), std::string::npos) << user_stages->err();
  auto open = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                     "--arrival-rate", "50", "-t", "1s", "--arrival-distribution", "poisson", "--json",
                     "summary.json"});
  ASSERT_EQ(open->wait(20s), 0) << open->err();
  EXPECT_NE(open->err().find("arrival rate 50/s (Poisson arrivals)"), std::string::npos) << open->err();
  const std::string summary = read_file(dir_.path() / "summary.json");
  EXPECT_NE(summary.find("arrival rate 50/s (Poisson arrivals, max in-flight 1000)"), std::string::npos)
      << summary;
  // The scenario's arrival_distribution is for its open-model runs: a run of users does not carry it (its
  // record, and workers that would be refused for an option the run does not use).
  {
    std::ifstream in(source("examples/health.yaml"));
    std::ofstream(dir_.path() / "poisson.yaml") << "arrival_distribution: poisson\n" << in.rdbuf();
  }
  auto users = start({"-f", (dir_.path() / "poisson.yaml").string(), "--host", g_server->url(), "--headless",
                      "-u", "1", "-t", "1s", "--json", "users.json"});
  ASSERT_EQ(users->wait(20s), 0) << users->err();
  const auto users_summary = nlohmann::json::parse(read_file(dir_.path() / "users.json"));
  EXPECT_EQ(users_summary["run"]["config"]["poisson_arrivals"], false) << users_summary.dump();
}

TEST_F(CicadaCli, CapacityUsageErrorsExitTwoAndSayWhatIsWanted) {
  // CLI11's own exit code for a value out of range is 105, and its PositiveNumber message prints every
  // digit of the largest double: cicada says what it wants and exits 2 for every usage error.
  struct Case {
    std::vector<std::string> flags;
    const char* says;
  };
  for (const Case& c :
       {Case{{"--start", "0"}, "--start: must be a number above 0, got 0"},
        Case{{"--precision", "-1"}, "--precision"}, Case{{"--mode", "bogus"}, "--mode"},
        Case{{"--slo", "fail_ratio < 1"}, "as a percentage (1%) or a fraction below 1"},
        Case{{"--stable-windows", "5", "--max-windows", "2"},
             "--max-windows 2 must be at least --stable-windows 5"},
        Case{{"--max-inflight", "0"}, "--max-inflight: must be a number above 0, got 0"},
        Case{{"--slo", ""}, "--slo: an empty value"}, Case{{"--json", ""}, "--json: an empty value"},
        Case{{"--arrival-distribution", "uniform"},
             "--arrival-distribution: uniform not in {constant,poisson}"},
        Case{{"--mode", "users", "--arrival-distribution", "poisson"}, "for --mode rate only"},
        // Found before the search, not after it.
        Case{{"--json", "no-such-dir/curve.json"}, "--json: cannot write no-such-dir/curve.json"},
        Case{{"--html", "no-such-dir/curve.html"}, "--html: cannot write no-such-dir/curve.html"}}) {
    std::vector<std::string> args = {"capacity",
                                     "-f",
                                     source("examples/health.yaml").string(),
                                     "--host",
                                     g_server->url(),
                                     "--headless",
                                     "--slo",
                                     "p95 < 50ms"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    auto run = start(args);
    EXPECT_EQ(run->wait(20s), 2) << c.flags[0] << ": " << run->err();
    EXPECT_NE(run->err().find(c.says), std::string::npos) << run->err();
    EXPECT_EQ(run->err().find("1797693"), std::string::npos) << run->err();
    EXPECT_EQ(run->out().find("Capacity search:"), std::string::npos) << "no search started: " << run->out();
  }
  // A host that is not a URL is refused before the search's header, as any other usage error.
  auto run = start({"capacity", "-f", source("examples/health.yaml").string(), "--host", "notaurl",
                    "--headless", "--slo", "p95 < 50ms"});
  EXPECT_EQ(run->wait(20s), 2) << run->err();
  EXPECT_NE(run->err().find("host 'notaurl' must start with http://"), std::string::npos) << run->err();
  EXPECT_EQ(run->out().find("Capacity search:"), std::string::npos) << run->out();
}

TEST_F(CicadaCli, ReportFilesThatCannotBeWrittenAreAUsageErrorBeforeTheRun) {
  // Before, the run measured its whole time, logged that it could not write, and exited 0: a CI job whose
  // out/ folder did not exist passed with no report.
  for (const auto& [flag, path, says] :
       {std::tuple{"--csv", "no-such-dir/run",
                   "--csv no-such-dir/run: the folder 'no-such-dir' does not exist"},
        {"--json", "no-such-dir/run.json",
         "--json no-such-dir/run.json: the folder 'no-such-dir' does not exist"},
        {"--junit", "no-such-dir/run.xml", "--junit no-such-dir/run.xml: the folder"},
        {"--html", "no-such-dir/run.html", "--html no-such-dir/run.html: the folder"},
        {"--json", ".", "--json .: is a folder"}}) {
    auto run = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                      "-u", "1", "-t", "30s", "--no-history", flag, path});
    EXPECT_EQ(run->wait(20s), 2) << flag << ": " << run->err();
    EXPECT_NE(run->err().find(says), std::string::npos) << run->err();
  }
}

// What an unset variable in a CI script gives (--json "$REPORT", --threshold "$LIMIT") was taken as "no
// report" or "no check", and the job passed without either; an exit code past 255 wrapped (256 exited 0,
// a pass, while the reports said 256). Each is a usage error before any load.
TEST_F(CicadaCli, BlankReportsOrThresholdsAndExitCodesPast255AreUsageErrors) {
  for (const auto& [flag, value, says] :
       {std::tuple{"--json", "", "--json: an empty value (an unset variable?)"},
        {"--junit", " ", "--junit: an empty value"},
        {"--html", "", "--html: an empty value"},
        {"--csv", "", "--csv: an empty value"},
        {"--threshold", "", "--threshold: an empty value"},
        {"--exit-code-on-error", "256", "--exit-code-on-error"},
        {"--exit-code-on-error", "-1", "--exit-code-on-error"}}) {
    auto run = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                      "-u", "1", "-t", "30s", "--no-history", flag, value});
    EXPECT_EQ(run->wait(20s), 2) << flag << " '" << value << "': " << run->err();
    EXPECT_NE(run->err().find(says), std::string::npos) << run->err();
  }
  // The same from the environment, as a CI job's variables arrive.
  auto run = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "--headless",
                    "-u", "1", "-t", "30s", "--no-history"},
                   {"CICADA_JSON="});
  EXPECT_EQ(run->wait(20s), 2) << run->err();
  EXPECT_NE(run->err().find("CICADA_JSON: '' is not a valid value for --json"), std::string::npos)
      << run->err();
  // Locust's own layers read a blank value as "none", as Locust does (templated configs leave them so).
  std::ofstream(dir_.path() / "locust.conf") << "csv =\nhtml =\n";
  auto locust_blank = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(),
                             "--headless", "-u", "1", "-t", "1s", "--no-history", "--only-summary"},
                            {"LOCUST_JSON=", "LOCUST_THRESHOLD= "});
  EXPECT_EQ(locust_blank->wait(30s), 0) << locust_blank->err();
  std::filesystem::remove(dir_.path() / "locust.conf");
}

// A history that cannot be written only logs (the run goes on), but what a CI step reads says the run is
// not in it: run.recorded false in --json (and the JUnit properties), where its id named no stored run.
TEST_F(CicadaCli, AReportSaysWhetherTheHistoryHoldsTheRun) {
  std::ofstream(dir_.path() / "broken.db") << "this is not an SQLite database, but it is in the way";
  const auto recorded = [&](std::vector<std::string> history_flags) {
    std::vector<std::string> args{"-f",         source("examples/health.yaml").string(),
                                  "--host",     g_server->url(),
                                  "--headless", "-u",
                                  "1",          "-t",
                                  "1s",         "--only-summary",
                                  "--json",     "run.json",
                                  "--junit",    "run.xml"};
    args.insert(args.end(), history_flags.begin(), history_flags.end());
    auto run = start(args);
    EXPECT_EQ(run->wait(30s), 0) << run->err();
    const auto xml = read_file(dir_.path() / "run.xml");
    const auto j = nlohmann::json::parse(read_file(dir_.path() / "run.json"));
    const bool in_json = j["run"]["recorded"].get<bool>();
    EXPECT_NE(xml.find(std::string(R"(<property name="recorded" value=")") + (in_json ? "true" : "false")),
              std::string::npos)
        << xml;
    return std::make_pair(in_json, run->err());
  };
  EXPECT_TRUE(recorded({"--history-db", "good.db"}).first);
  EXPECT_FALSE(recorded({"--no-history"}).first);
  const auto [broken, log] = recorded({"--history-db", "broken.db"});
  EXPECT_FALSE(broken);
  EXPECT_NE(log.find("this run is no longer recorded"), std::string::npos) << log;
}

TEST_F(CicadaCli, AWebUiPortInUseIsAUsageError) {
  // Exit 1 means failed requests (and, for capacity, no load met): a port in use is exit 2, with a hint.
  std::uint16_t port = 0;
  const int taken = cicada::testing::listen_on_loopback(port, "the test");
  for (const bool capacity : {false, true}) {
    std::vector<std::string> args = {"-f",         source("examples/health.yaml").string(),
                                     "--host",     g_server->url(),
                                     "--web-host", "127.0.0.1",
                                     "-P",         std::to_string(port)};
    if (capacity) {
      args.insert(args.begin(), "capacity");
      args.insert(args.end(), {"--slo", "p95 < 50ms"});
    }
    auto run = start(args);
    EXPECT_EQ(run->wait(20s), 2) << capacity << run->err();
    EXPECT_NE(run->err().find("(-P 0 picks a free port)"), std::string::npos) << run->err();
  }
  ::close(taken);
}

TEST_F(CicadaCli, CsvFilesExistFromTheStartAndFollowEachSecond) {
  auto run = start({"-f", source("examples/randomized-max.yaml").string(), "--host", g_server->url(),
                    "--headless", "-u", "2", "-r", "2", "-t", "30s", "--csv", "out", "--only-summary"});
  // The files are written before the run starts, as Locust does: a reader can open them at once.
  ASSERT_TRUE(run->wait_for_output("Starting cicada", 20s)) << run->err();
  auto first = read_csv(dir_.path() / "out_stats.csv");
  ASSERT_EQ(first.size(), 2u) << read_file(dir_.path() / "out_stats.csv");
  EXPECT_EQ(first[1][1], "Aggregated");
  EXPECT_TRUE(fs::exists(dir_.path() / "out_stats_history.csv"));
  EXPECT_TRUE(fs::exists(dir_.path() / "out_failures.csv"));
  // Then once a second: the history file grows one block at a time (a 5 s cadence would add five at once).
  std::vector<std::size_t> sizes;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline && sizes.size() < 4) {
    const auto rows = read_csv(dir_.path() / "out_stats_history.csv").size();
    if (rows > 1 && (sizes.empty() || rows != sizes.back())) sizes.push_back(rows);
    std::this_thread::sleep_for(50ms);
  }
  run->signal(SIGINT);
  ASSERT_EQ(run->wait(20s), 0) << run->err();
  ASSERT_GE(sizes.size(), 3u);
  std::size_t single_steps = 0;
  for (std::size_t i = 1; i < sizes.size(); ++i) single_steps += sizes[i] - sizes[i - 1] == 1 ? 1 : 0;
  EXPECT_GE(single_steps, 1u) << "history rows seen: " << ::testing::PrintToString(sizes);
}

TEST_F(CicadaCli, AWebUiTlsIdentityItCannotUseIsAUsageErrorThatSaysWhy) {
  // Locust serves plain HTTP when only one of --tls-cert/--tls-key is given; cicada says so instead.
  const std::string cert = (dir_.path() / "ui.pem").string();
  std::ofstream(cert) << "not a certificate\n";
  for (const bool capacity : {false, true}) {
    for (const auto& [flags, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--tls-cert", cert},
              "needs both a certificate and its private key (--tls-cert and --tls-key)"},
             {{"--tls-cert", cert, "--tls-key", (dir_.path() / "none.key").string()},
              "cannot read the TLS private key " + (dir_.path() / "none.key").string() + ": No such file"},
             {{"--tls-cert", cert, "--tls-key", cert}, "cannot use " + cert + " as the TLS certificate"}}) {
      std::vector<std::string> args = {
          "-f", source("examples/health.yaml").string(), "--host", g_server->url(), "-P", "0"};
      if (capacity) {
        args.insert(args.begin(), "capacity");
        args.insert(args.end(), {"--slo", "p95 < 50ms"});
      }
      args.insert(args.end(), flags.begin(), flags.end());
      auto run = start(args);
      EXPECT_EQ(run->wait(20s), 2) << capacity << run->err();
      EXPECT_NE(run->err().find(expected), std::string::npos) << capacity << run->err();
      EXPECT_EQ(run->err().find("picks a free port"), std::string::npos) << run->err();
    }
  }
  // Locust's environment variable names the same setting.
  auto from_env = start({"-f", source("examples/health.yaml").string(), "--host", g_server->url(), "-P", "0"},
                        {"LOCUST_TLS_CERT=" + cert});
  EXPECT_EQ(from_env->wait(20s), 2) << from_env->err();
  EXPECT_NE(from_env->err().find("needs both a certificate"), std::string::npos) << from_env->err();
}

TEST_F(CicadaCli, TheModelServerServesHttpsWhichCicadaLoadsTrustingItsCertificate) {
  TempDir pki;
  cicada::testing::make_self_signed_pem(pki, "IP:127.0.0.1");
  const std::string pem = (pki.path() / "self.pem").string();
  ModelServer tls_server({"--tls-cert", pem, "--tls-key", (pki.path() / "self.key").string()});
  ASSERT_EQ(tls_server.url().rfind("https://127.0.0.1:", 0), 0u) << tls_server.url();
  auto run = start({"-f", source("examples/health.yaml").string(), "--host", tls_server.url(), "--headless",
                    "-u", "2", "-r", "10", "-t", "2s", "--ca-bundle", pem, "--csv", "tls", "--only-summary"});
  ASSERT_EQ(run->wait(30s), 0) << run->err();
  auto stats = read_csv(dir_.path() / "tls_stats.csv");
  auto* health = find_row(stats, "GET", "/health");
  ASSERT_NE(health, nullptr);
  EXPECT_GT(std::stoi((*health)[2]), 0);  // requests
  EXPECT_EQ((*health)[3], "0");           // failures

  // Not trusting it, every request fails, and says why.
  auto untrusted =
      start({"-f", source("examples/health.yaml").string(), "--host", tls_server.url(), "--headless", "-u",
             "1", "-r", "10", "-t", "1s", "--csv", "untrusted", "--only-summary"});
  EXPECT_EQ(untrusted->wait(30s), 1) << untrusted->err();
  const std::string failures = read_file(dir_.path() / "untrusted_failures.csv");
  EXPECT_NE(failures.find("certificate verify failed"), std::string::npos) << failures;
}
