// Locust's inspection flags on a locustfile, compared with what Locust 2.12 itself prints for the same
// file: -l/--list, --show-task-ratio and --show-task-ratio-json (nested task sets, weights, -u spread);
// -V/--version, -s as --stop-timeout and --logfile; Locust's config files and LOCUST_* variables under
// cicada's own.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "../../integration/http_server/raw_http.hpp"
#include "support/child_process.hpp"
#include "support/csv_rows.hpp"
#include "support/text_count.hpp"

namespace cicada::testing {
namespace {

struct Output {
  int code = -1;
  std::string out, err;
};

Output run_in(const std::filesystem::path& dir, std::vector<std::string> argv) {
  ChildProcess p(std::move(argv), dir);
  const auto code = p.wait(std::chrono::seconds(60));
  return {code ? *code : -1, p.out(), p.err()};
}

class LocustCommandLine : public ::testing::TestWithParam<std::vector<std::string>> {
 protected:
  Output cicada(std::vector<std::string> args) {
    return run_in(dir_.path(), ::cicada::testing::cicada_argv(std::move(args)));
  }
  Output locust(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/locust");
    return run_in(dir_.path(), std::move(args));
  }
  TempDir dir_;
};

// (Not with --tags: Locust 2.12's tables ignore them, cicada's leave out the tasks that will not run.)
// Each case: a locustfile of tests/locustfiles, then the flags; both programs must print the same stdout.
TEST_P(LocustCommandLine, PrintsWhatLocustPrints) {
  if (!std::filesystem::exists("/usr/bin/locust")) GTEST_SKIP() << "Debian's python3-locust is not installed";
  std::vector<std::string> args = GetParam();
  args[0] = source("tests/locustfiles/" + args[0]).string();
  args.insert(args.begin(), "-f");
  const Output expected = locust(args);
  const Output got = cicada(args);
  ASSERT_EQ(expected.code, 0) << expected.err;
  EXPECT_EQ(got.code, 0) << got.err;
  EXPECT_FALSE(expected.out.empty());
  EXPECT_EQ(got.out, expected.out) << got.err;
}

INSTANTIATE_TEST_SUITE_P(
    Flags, LocustCommandLine,
    ::testing::Values(std::vector<std::string>{"suite/weights_and_errors.py", "-l"},
                      std::vector<std::string>{"suite/nested_tasksets.py", "--list"},
                      std::vector<std::string>{"suite/nested_tasksets.py", "--show-task-ratio"},
                      std::vector<std::string>{"suite/nested_tasksets.py", "--show-task-ratio-json"},
                      std::vector<std::string>{"suite/weights_and_errors.py", "--show-task-ratio", "-u", "7"},
                      std::vector<std::string>{"suite/weights_and_errors.py", "--show-task-ratio-json"},
                      std::vector<std::string>{"suite/weights_and_errors.py", "--show-task-ratio-json",
                                               "Breaker"},
                      std::vector<std::string>{"anchors/golden.py", "--show-task-ratio"}));

TEST(LocustCommandLineFlags, TaskRatiosOfAYamlScenarioLeaveOutWhatTheTagsExclude) {
  // As a locustfile's do (and as the run would): -T invalid keeps predict_invalid alone, -E invalid drops it.
  TempDir dir;
  const std::string yaml = source("examples/randomized.yaml").string();
  const Output tagged = run_in(
      dir.path(), {binary("apps/cicada/cicada").string(), "-f", yaml, "--show-task-ratio", "-T", "invalid"});
  EXPECT_EQ(tagged.code, 0) << tagged.err;
  EXPECT_NE(tagged.out.find("predict_invalid"), std::string::npos) << tagged.out;
  EXPECT_EQ(tagged.out.find("predict_valid"), std::string::npos) << tagged.out;
  const Output excluded = run_in(dir.path(), {binary("apps/cicada/cicada").string(), "-f", yaml,
                                              "--show-task-ratio-json", "-E", "invalid"});
  EXPECT_EQ(excluded.code, 0) << excluded.err;
  EXPECT_NE(excluded.out.find("predict_valid"), std::string::npos) << excluded.out;
  EXPECT_EQ(excluded.out.find("predict_invalid"), std::string::npos) << excluded.out;
}

// Locust 2.12 loads several locustfiles (-f a.py,b.py) or a folder of them; cicada runs one, and says so
// (it said "FileNotFoundError: ... 'a.py,b.py'" and "unsupported scenario type ''").
TEST(LocustCommandLineFlags, SeveralLocustfilesOrAFolderAreRefusedAsSuch) {
  TempDir dir;
  const std::string health = source("tests/locustfiles/anchors/health.py").string();
  const Output several =
      run_in(dir.path(), {binary("apps/cicada/cicada").string(), "-f", health + "," + health, "--headless",
                          "-t", "1s", "--host", "http://127.0.0.1:9"});
  EXPECT_EQ(several.code, 2) << several.err;
  EXPECT_NE(several.err.find("several comma-separated locustfiles, as Locust loads them, are not supported"),
            std::string::npos)
      << several.err;
  const Output folder = run_in(dir.path(), {binary("apps/cicada/cicada").string(), "-f", dir.path().string(),
                                            "--headless", "-t", "1s", "--host", "http://127.0.0.1:9"});
  EXPECT_EQ(folder.code, 2) << folder.err;
  EXPECT_NE(folder.err.find(" is a folder: cicada runs one scenario file per run"), std::string::npos)
      << folder.err;
}

TEST(LocustCommandLineFlags, VersionIsPrintedAndTheProgramExits) {
  TempDir dir;
  for (const char* flag : {"-V", "--version"}) {
    const Output o = run_in(dir.path(), {binary("apps/cicada/cicada").string(), flag});
    EXPECT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(o.out.rfind("cicada ", 0), 0u) << o.out;
  }
}

TEST(LocustCommandLineFlags, LogfileTakesTheLogAndShortSIsStopTimeout) {
  TempDir dir;
  const auto file = dir.path() / "user.py";
  std::ofstream(file) << "from locust import User, task, constant\n"
                         "import logging\n"
                         "class Quiet(User):\n"
                         "    wait_time = constant(0.05)\n"
                         "    @task\n"
                         "    def nothing(self):\n"
                         "        logging.info('task ran')\n";
  const Output o =
      run_in(dir.path(), {binary("apps/cicada/cicada").string(), "-f", file.string(), "--headless", "-u", "1",
                          "-r", "1", "-t", "1s", "-s", "2", "--logfile", "run.log", "--host",
                          "http://127.0.0.1:9", "--no-history", "--only-summary"});
  EXPECT_EQ(o.code, 0) << o.err;
  const std::string log = read_file(dir.path() / "run.log");
  EXPECT_NE(log.find("task ran"), std::string::npos) << log;       // the locustfile's logging
  EXPECT_NE(log.find("Shutting down"), std::string::npos) << log;  // cicada's own log
  EXPECT_EQ(o.err.find("task ran"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("Aggregated"), std::string::npos) << o.out;  // the console table stays on stdout
}

TEST(LocustCommandLineFlags, LoglevelIsTheLevelOfTheLocustfilesLogging) {
  TempDir dir;
  std::ofstream(dir.path() / "user.py") << "from locust import User, task, constant\n"
                                           "import logging\n"
                                           "class Quiet(User):\n"
                                           "    wait_time = constant(0.2)\n"
                                           "    @task\n"
                                           "    def nothing(self):\n"
                                           "        logging.debug('debug line')\n"
                                           "        logging.warning('warning line')\n";
  for (const std::string level : {"DEBUG", "WARNING"}) {
    const Output o = run_in(
        dir.path(), {binary("apps/cicada/cicada").string(), "-f", "user.py", "--headless", "-u", "1", "-t",
                     "1s", "--host", "http://127.0.0.1:9", "--no-history", "--only-summary", "-L", level});
    EXPECT_EQ(o.code, 0) << o.err;
    EXPECT_NE(o.err.find("/WARNING/root: warning line"), std::string::npos) << o.err;
    EXPECT_EQ(o.err.find("/DEBUG/root: debug line") != std::string::npos, level == "DEBUG") << o.err;
  }
}

// A locustfile whose one user makes no request: for tests of how settings reach the run.
void write_quiet_locustfile(const std::filesystem::path& path) {
  std::ofstream(path) << "from locust import User, task, constant\n"
                         "class Quiet(User):\n"
                         "    wait_time = constant(0.05)\n"
                         "    @task\n"
                         "    def nothing(self):\n"
                         "        pass\n";
}

TEST(LocustCommandLineFlags, LocustConfigFilesAndVariablesLieUnderCicadasOwn) {
  TempDir dir;
  write_quiet_locustfile(dir.path() / "user.py");
  // ./locust.conf names the locustfile and wins over ~/.locust.conf; a key cicada does not know (the
  // locustfile's own argument, or a Locust-only setting) is not an error there.
  std::ofstream(dir.path() / "locust.conf")
      << "locustfile = user.py\nusers = 3\nrun-time = 1s\nheadless = true\n"
         "only-summary = true\nmy-own-option = 7\n";
  std::ofstream(dir.path() / ".locust.conf") << "users = 9\nspawn-rate = 3\n";
  auto ramp = [&](std::vector<std::string> env) {
    std::vector<std::string> argv{"/usr/bin/env", "HOME=" + dir.path().string()};
    argv.insert(argv.end(), env.begin(), env.end());
    for (const std::string& a : {binary("apps/cicada/cicada").string(), std::string("--no-history"),
                                 std::string("--host"), std::string("http://127.0.0.1:9")})
      argv.push_back(a);
    const Output o = run_in(dir.path(), argv);
    EXPECT_EQ(o.code, 0) << o.err;
    const auto at = o.err.find("Ramping to ");
    return at == std::string::npos ? o.err : o.err.substr(at, o.err.find('\n', at) - at);
  };
  EXPECT_EQ(ramp({}), "Ramping to 3 users at a rate of 3.00 per second");
  EXPECT_EQ(ramp({"LOCUST_USERS=4"}), "Ramping to 4 users at a rate of 3.00 per second");
  std::ofstream(dir.path() / "cicada.conf") << "users = 5\n";  // cicada's file wins over LOCUST_*
  EXPECT_EQ(ramp({"LOCUST_USERS=4"}), "Ramping to 5 users at a rate of 3.00 per second");
  EXPECT_EQ(ramp({"LOCUST_USERS=4", "CICADA_USERS=6", "LOCUST_SPAWN_RATE=2"}),
            "Ramping to 6 users at a rate of 2.00 per second");
}

// A ~/.locust.conf that cannot even be looked at (a $HOME the user may not enter, as under `docker run
// --user`; here a HOME whose path loops, which fails the same way for root) is absent, as for Locust: it
// ended the program with an uncaught filesystem_error (exit 134) before anything was read.
TEST(LocustCommandLineFlags, AHomeThatCannotBeLookedIntoIsNoConfigFileAndNoCrash) {
  TempDir dir;
  std::filesystem::create_symlink("loop", dir.path() / "loop");
  const Output o =
      run_in(dir.path(),
             {"/usr/bin/env", "HOME=" + (dir.path() / "loop").string(), binary("apps/cicada/cicada").string(),
              "-f", std::string(CICADA_SOURCE_DIR) + "/examples/health.yaml", "--headless", "--no-history",
              "--host", "http://127.0.0.1:9", "--threshold", "p96 < 1"});
  // The run got as far as its own checks: the threshold's usage error, after every config layer.
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find("unknown metric 'p96'"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("terminate called"), std::string::npos) << o.err;
}

// A CI script written for Locust passes its config file with --config (its `locustfile = ...` names the
// scenario) or the locustfile with --locustfile: both were usage errors ("unknown setting 'locustfile'",
// "argument was not expected").
TEST(LocustCommandLineFlags, ALocustConfigGivenWithConfigAndTheLocustfileFlagWork) {
  TempDir dir;
  write_quiet_locustfile(dir.path() / "user.py");
  std::ofstream(dir.path() / "ci.conf")
      << "locustfile = user.py\nusers = 2\nrun-time = 1s\nheadless = true\n";
  const std::string cicada = binary("apps/cicada/cicada").string();
  const Output with_config =
      run_in(dir.path(), {cicada, "--config", "ci.conf", "--no-history", "--host", "http://127.0.0.1:9"});
  EXPECT_EQ(with_config.code, 0) << with_config.err;
  EXPECT_NE(with_config.err.find("Ramping to 2 users"), std::string::npos) << with_config.err;
  const Output with_flag = run_in(dir.path(), {cicada, "--locustfile", "user.py", "--headless", "-u", "1",
                                               "-t", "1s", "--no-history", "--host", "http://127.0.0.1:9"});
  EXPECT_EQ(with_flag.code, 0) << with_flag.err;
  EXPECT_NE(with_flag.err.find("Ramping to 1 users"), std::string::npos) << with_flag.err;
}

// Locust's LOCUST_USERCLASS_PICKER turns the picker on (its name is not the flag's); the command line's
// user classes are then what the form shows picked, still checked before anything starts.
TEST(LocustCommandLineFlags, TheClassPickerTakesLocustsVariableAndChecksTheCommandLinesClasses) {
  TempDir dir;
  write_quiet_locustfile(dir.path() / "user.py");
  const std::string cicada = binary("apps/cicada/cicada").string();
  const Output on = run_in(dir.path(), {"/usr/bin/env", "LOCUST_USERCLASS_PICKER=true", cicada, "-f",
                                        "user.py", "--web-port", "0", "--autostart", "--autoquit", "0", "-u",
                                        "1", "-t", "1s", "--no-history", "--host", "http://127.0.0.1:9"});
  EXPECT_EQ(on.code, 0) << on.err;
  EXPECT_NE(on.err.find("Running with the UserClass Picker Enabled"), std::string::npos) << on.err;
  const Output unknown =
      run_in(dir.path(), {cicada, "-f", "user.py", "Nobody", "--class-picker", "--web-port", "0",
                          "--no-history", "--host", "http://127.0.0.1:9"});
  EXPECT_EQ(unknown.code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("Unknown User(s): Nobody"), std::string::npos) << unknown.err;
}

// Locust's flags that command lines and config files carry: --enable-rebalancing (what cicada's master
// always does), the deprecated --hatch-rate (the spawn rate, with Locust's warning), the hidden --headful
// (the web UI over a config file's headless), and --print-stats (a web UI run prints the stats every 2 s,
// and, as Locust, the summary when it quits). Each was "argument was not expected".
TEST(LocustCommandLineFlags, LocustsOtherRunFlagsAreTaken) {
  TempDir dir;
  write_quiet_locustfile(dir.path() / "user.py");
  const std::string cicada = binary("apps/cicada/cicada").string();
  const std::vector<std::string> run{cicada, "-f", "user.py",      "-u",     "2",
                                     "-t",   "1s", "--no-history", "--host", "http://127.0.0.1:9"};
  auto with = [&](std::vector<std::string> extra) {
    auto argv = run;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_in(dir.path(), argv);
  };
  const Output rebalancing = with({"--headless", "--enable-rebalancing"});
  EXPECT_EQ(rebalancing.code, 0) << rebalancing.err;
  const Output hatch = with({"--headless", "--hatch-rate", "3"});
  EXPECT_EQ(hatch.code, 0) << hatch.err;
  EXPECT_NE(hatch.err.find("[DEPRECATED] The --hatch-rate parameter has been renamed --spawn-rate"),
            std::string::npos)
      << hatch.err;
  EXPECT_NE(hatch.err.find("Ramping to 2 users at a rate of 3.00 per second"), std::string::npos)
      << hatch.err;
  // Given as the spawn rate: a scenario's own spawn_rate does not replace it.
  std::ofstream(dir.path() / "rate.yaml") << "spawn_rate: 1\nuser_types:\n  U:\n    tasks:\n"
                                             "      t:\n        - get: /x\n";
  const Output over =
      run_in(dir.path(), {cicada, "-f", "rate.yaml", "--headless", "-u", "2", "-t", "1s", "--hatch-rate", "3",
                          "--no-history", "--host", "http://127.0.0.1:9"});
  EXPECT_NE(over.err.find("Ramping to 2 users at a rate of 3.00 per second"), std::string::npos) << over.err;
  // A search by users over fixed counts alone would step past their sum: refused, saying why.
  std::ofstream(dir.path() / "fixed.yaml") << "user_types:\n  U:\n    fixed_count: 2\n    tasks:\n"
                                              "      t:\n        - get: /x\n";
  const Output capacity =
      run_in(dir.path(), {cicada, "capacity", "-f", "fixed.yaml", "--mode", "users", "--slo", "p95 < 50ms",
                          "--host", "http://127.0.0.1:9", "--no-history"});
  EXPECT_EQ(capacity.code, 2) << capacity.err;
  EXPECT_NE(capacity.err.find("has a fixed count"), std::string::npos) << capacity.err;
  std::ofstream(dir.path() / "cicada.conf") << "headless = true\n";
  const Output headful =
      with({"--headful", "--web-port", "0", "--autostart", "--autoquit", "0", "--print-stats", "-t", "3s"});
  EXPECT_EQ(headful.code, 0) << headful.err;
  EXPECT_NE(headful.out.find("cicada web UI: http://"), std::string::npos) << headful.out;
  // The 2-second table of a 3-second test, then the summary's when the UI quits (this user makes no
  // requests, so the summary has no percentiles table).
  EXPECT_GE(cicada::testing::count_occurrences(headful.out, "Type     Name"), 2u) << headful.out;
}

// --skip-log-setup (Locust's): the locustfile's own logging setup takes effect; without it, Locust's format
// is set up first, and a locustfile's basicConfig() finds a handler already there and does nothing.
TEST(LocustCommandLineFlags, SkipLogSetupLeavesLoggingToTheLocustfile) {
  TempDir dir;
  std::ofstream(dir.path() / "own_log.py") << "import logging, sys\n"
                                              "from locust import User, task, constant, events\n"
                                              "logging.basicConfig(stream=sys.stderr, level=logging.INFO,\n"
                                              "                    format='OWN %(levelname)s %(message)s')\n"
                                              "@events.test_start.add_listener\n"
                                              "def hello(**kwargs):\n"
                                              "    logging.getLogger('mine').info('hello')\n"
                                              "class Quiet(User):\n"
                                              "    wait_time = constant(0.05)\n"
                                              "    @task\n"
                                              "    def nothing(self):\n"
                                              "        pass\n";
  const std::vector<std::string> run{binary("apps/cicada/cicada").string(),
                                     "-f",
                                     "own_log.py",
                                     "--headless",
                                     "-u",
                                     "1",
                                     "-t",
                                     "1s",
                                     "--no-history",
                                     "--host",
                                     "http://127.0.0.1:9"};
  const Output locusts = run_in(dir.path(), run);
  EXPECT_EQ(locusts.code, 0) << locusts.err;
  EXPECT_NE(locusts.err.find("/INFO/mine: hello"), std::string::npos) << locusts.err;
  EXPECT_EQ(locusts.err.find("OWN INFO hello"), std::string::npos) << locusts.err;
  auto skipping = run;
  skipping.push_back("--skip-log-setup");
  const Output own = run_in(dir.path(), skipping);
  EXPECT_EQ(own.code, 0) << own.err;
  EXPECT_NE(own.err.find("OWN INFO hello"), std::string::npos) << own.err;
  EXPECT_EQ(own.err.find("/INFO/mine: hello"), std::string::npos) << own.err;
}

// --equal-weights (Locust's): every task as often as any other. A YAML scenario's task of weight 1 beside
// one of 99, and a locustfile's function of weight 1 beside a TaskSet of 99 (without the flag the set,
// never interrupted, keeps its user: Locust opens it into its tasks, which then run as the user's own).
TEST(LocustCommandLineFlags, EqualWeightsRunEveryTaskAsOftenAsAnyOther) {
  TempDir dir;
  std::ofstream(dir.path() / "weights.yaml") << "user_types:\n"
                                                "  Heavy:\n    wait_time: constant(0.01)\n    tasks:\n"
                                                "      often:\n        weight: 99\n        requests:\n"
                                                "          - get: /often\n"
                                                "      rare:\n        weight: 1\n        requests:\n"
                                                "          - get: /rare\n";
  std::ofstream(dir.path() / "weights.py") << "from locust import HttpUser, TaskSet, task, constant\n"
                                              "class Nested(TaskSet):\n"
                                              "    @task\n"
                                              "    def often(self):\n"
                                              "        self.client.get('/often')\n"
                                              "def rare(user):\n"
                                              "    user.client.get('/rare')\n"
                                              "class Heavy(HttpUser):\n"
                                              "    wait_time = constant(0.01)\n"
                                              "    tasks = {Nested: 99, rare: 1}\n";
  // The requests of /often and of /rare in a run's CSV (every request fails: nothing listens there).
  auto shares = [&](const std::string& file, bool equal) {
    std::vector<std::string> argv{binary("apps/cicada/cicada").string(),
                                  "-f",
                                  file,
                                  "--headless",
                                  "-u",
                                  "1",
                                  "-t",
                                  "2s",
                                  "--seed",
                                  "1",
                                  "--csv",
                                  "run",
                                  "--no-history",
                                  "--host",
                                  "http://127.0.0.1:9"};
    if (equal) argv.push_back("--equal-weights");
    const Output o = run_in(dir.path(), argv);
    EXPECT_EQ(o.code, 1) << o.err;  // the failed requests
    const auto rows = read_csv(dir.path() / "run_stats.csv");
    auto count = [&](const std::string& name) {
      const auto* row = find_row(rows, "GET", name);
      return row ? std::stoull((*row)[2]) : 0ull;
    };
    return std::make_pair(count("/often"), count("/rare"));
  };
  for (const std::string file : {"weights.yaml", "weights.py"}) {
    const auto [often, rare] = shares(file, true);
    EXPECT_GT(often + rare, 40u) << file;
    EXPECT_GT(rare * 4, often + rare)
        << file << ": " << often << " /often, " << rare << " /rare";  // over 25%
    EXPECT_GT(often * 4, often + rare) << file;
    const auto [often_weighted, rare_weighted] = shares(file, false);
    EXPECT_LT(rare_weighted * 10, often_weighted + rare_weighted) << file;  // under 10% by the weights
  }
}

// Flags Locust removed say what replaced them, as Locust says it (they were "argument was not expected").
TEST(LocustCommandLineFlags, RemovedLocustFlagsSayWhatReplacedThem) {
  TempDir dir;
  write_quiet_locustfile(dir.path() / "user.py");
  const std::string cicada = binary("apps/cicada/cicada").string();
  const Output slave = run_in(dir.path(), {cicada, "-f", "user.py", "--headless", "--expect-slaves", "2"});
  EXPECT_EQ(slave.code, 2) << slave.err;
  EXPECT_NE(slave.err.find("renamed --worker/--expect-workers"), std::string::npos) << slave.err;
  const Output step = run_in(dir.path(), {cicada, "-f", "user.py", "--headless", "--step-load",
                                          "--step-users", "10", "--step-time", "30s"});
  EXPECT_EQ(step.code, 2) << step.err;
  EXPECT_NE(step.err.find("removed in Locust 1.3: use --stages"), std::string::npos) << step.err;
}

TEST(LocustCommandLineFlags, AutoquitWithoutAutostartIsAUsageErrorAsInLocust) {
  // It was ignored: the UI served on, and a test started from it never quit the process.
  TempDir dir;
  const Output o = run_in(
      dir.path(), {binary("apps/cicada/cicada").string(), "-f", source("examples/health.yaml").string(),
                   "--host", "http://127.0.0.1:9", "--autoquit", "3", "--web-port", "0", "--no-history"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--autoquit is only meaningful in combination with --autostart"), std::string::npos)
      << o.err;
}

// The web UI's GET /tasks is the same task ratio table as --show-task-ratio-json (scenario::task_ratios,
// checked against Locust's above): two user types by weight for -u 4, a task set opened into its tasks.
TEST(LocustWebTasks, TheWebUisTaskRatiosAreTheCommandLinesOnes) {
  TempDir dir;
  const auto file = dir.path() / "two_types.py";
  std::ofstream(file) << "from locust import HttpUser, TaskSet, task\n"
                         "class Browse(TaskSet):\n"
                         "    @task(3)\n"
                         "    def list(self):\n"
                         "        pass\n"
                         "    @task(1)\n"
                         "    def leave(self):\n"
                         "        self.interrupt()\n"
                         "class Shopper(HttpUser):\n"
                         "    weight = 3\n"
                         "    tasks = {Browse: 2}\n"
                         "    @task\n"
                         "    def cart(self):\n"
                         "        pass\n"
                         "class Admin(HttpUser):\n"
                         "    @task\n"
                         "    def report(self):\n"
                         "        pass\n";
  const std::string cicada = binary("apps/cicada/cicada").string();
  const Output printed =
      run_in(dir.path(), {cicada, "-f", file.string(), "--show-task-ratio-json", "-u", "4"});
  ASSERT_EQ(printed.code, 0) << printed.err;
  ChildProcess ui({cicada, "-f", file.string(), "-u", "4", "--host", "http://127.0.0.1:9", "--web-host",
                   "127.0.0.1", "--web-port", "0", "--no-history"},
                  dir.path());
  ASSERT_TRUE(ui.wait_for_output("cicada web UI: ", std::chrono::seconds(30))) << ui.err();
  std::smatch m;
  const std::string out = ui.out();
  ASSERT_TRUE(std::regex_search(out, m, std::regex("cicada web UI: http://127\\.0\\.0\\.1:(\\d+)"))) << out;
  const auto answer = cicada::test::round_trip(static_cast<std::uint16_t>(std::stoi(m[1])),
                                               cicada::test::make_request("GET", "/tasks"));
  ASSERT_TRUE(answer && answer->status == 200);
  const auto expected = nlohmann::json::parse(printed.out);
  EXPECT_EQ(nlohmann::json::parse(answer->body), expected) << answer->body << "\n" << printed.out;
  EXPECT_EQ(expected["total"]["Shopper"]["tasks"]["Browse"]["tasks"]["list"]["ratio"], 0.75 * 2 / 3 * 0.75);
  // Keys sorted, as Flask's jsonify answers Locust's /tasks (the command line keeps the classes' order).
  EXPECT_LT(answer->body.find("\"Admin\""), answer->body.find("\"Shopper\"")) << answer->body;
  EXPECT_GT(printed.out.find("\"Admin\""), printed.out.find("\"Shopper\"")) << printed.out;
  ui.signal(SIGINT);
  EXPECT_EQ(ui.wait(std::chrono::seconds(20)), 0) << ui.err();
}

}  // namespace
}  // namespace cicada::testing
