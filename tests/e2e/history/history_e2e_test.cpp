// Run history, thresholds, compare and report as a user runs them: the cicada binary against the real
// model server, each run a couple of seconds, every database a real SQLite file in a temp folder.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "history_e2e_fixture.hpp"
#include "support/csv_rows.hpp"
#include "support/json_file.hpp"
#include "support/text_count.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace cicada::testing::history;
using cicada::testing::ChildProcess;
using cicada::testing::count_occurrences;
using cicada::testing::read_csv;
using cicada::testing::read_file;
using cicada::testing::read_json_file;
using cicada::testing::source;

TEST_F(HistoryE2e, RunsAreRecordedJudgedComparedAndReported) {
  auto pass = load_test({"--threshold", "p95 < 5s"});
  ASSERT_EQ(pass->wait(30s), 0) << pass->err();
  EXPECT_NE(pass->out().find("PASS"), std::string::npos) << pass->out();
  EXPECT_TRUE(fs::exists(dir_.path() / ".cicada/history.db"));

  auto fail = load_test(
      {"--threshold", "GET /health: p50 < 1us", "--threshold", "rps > 1000000", "--html", "live.html"});
  ASSERT_EQ(fail->wait(30s), 3) << fail->err();
  EXPECT_NE(fail->out().find("FAIL"), std::string::npos);
  EXPECT_NE(fail->out().find("GET /health: p50 < 1us"), std::string::npos) << fail->out();
  EXPECT_NE(fail->out().find("(limit < 0.001ms)"), std::string::npos) << fail->out();

  auto [list_code, list] = sub({"history", "list"});
  ASSERT_EQ(list_code, 0) << list;
  EXPECT_EQ(count_occurrences(list, "health.yaml"), 2u) << list;
  EXPECT_NE(list.find(" pass"), std::string::npos) << list;
  EXPECT_NE(list.find(" fail"), std::string::npos) << list;

  auto [show_code, show] = sub({"history", "show", "latest"});
  ASSERT_EQ(show_code, 0) << show;
  EXPECT_NE(show.find("Status     complete"), std::string::npos) << show;
  EXPECT_NE(show.find("Exit code  3"), std::string::npos) << show;
  EXPECT_NE(show.find("\"thresholds\":[\"GET /health: p50 < 1us\",\"rps > 1000000\"]"), std::string::npos);
  EXPECT_NE(show.find("Aggregated"), std::string::npos);

  auto [export_code, exported] = sub({"history", "export", "previous", "--csv", "old"});
  ASSERT_EQ(export_code, 0) << exported;
  for (const char* f : {"old_stats.csv", "old_stats_history.csv", "old_failures.csv", "old_exceptions.csv"})
    EXPECT_TRUE(fs::exists(dir_.path() / f)) << f;
  EXPECT_NE(read_file(dir_.path() / "old_stats.csv").find("GET,/health,"), std::string::npos);

  auto [cmp_code, cmp] = sub({"compare", "previous", "latest"});
  EXPECT_TRUE(cmp_code == 0 || cmp_code == 1) << cmp;  // two 2 s runs may or may not differ beyond noise
  EXPECT_NE(cmp.find("GET /health"), std::string::npos) << cmp;
  EXPECT_NE(cmp.find("p95"), std::string::npos);
  EXPECT_EQ(cmp.find("warning"), std::string::npos) << cmp;  // the same scenario and target
  // Two runs' latencies on a machine loaded by other builds differ by any factor (p95 0.27 ms then 8 ms,
  // beyond even a 1000% tolerance): the JSON of those two only says whether they did, and a run compared
  // with itself is the one comparison whose answer is known.
  auto [json_code, json] = sub({"compare", "previous", "latest", "--json"});
  EXPECT_TRUE(json_code == 0 || json_code == 1) << json;
  EXPECT_NE(json.find(json_code == 0 ? "\"regression\": false" : "\"regression\": true"), std::string::npos)
      << json;
  auto [same_code, same] = sub({"compare", "latest", "latest", "--json"});
  EXPECT_EQ(same_code, 0) << same;
  EXPECT_NE(same.find("\"regression\": false"), std::string::npos) << same;

  auto [html_code, html_out] = sub({"report", "--html", "trend.html", "previous", "latest"});
  ASSERT_EQ(html_code, 0) << html_out;
  const auto html = read_file(dir_.path() / "trend.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("GET /health"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "self-contained, no script";

  // One run: its full report again, from the stored histograms: the same tables as the run's --html.
  auto [single_code, single_out] = sub({"report", "--html", "single.html", "latest"});
  ASSERT_EQ(single_code, 0) << single_out;
  const auto single = read_file(dir_.path() / "single.html");
  const auto live = read_file(dir_.path() / "live.html");
  auto tables = [](const std::string& page) {
    const auto from = page.find("<h2>Request Statistics</h2>"), to = page.find("<h2>Charts</h2>");
    return from == std::string::npos || to == std::string::npos ? "" : page.substr(from, to - from);
  };
  ASSERT_FALSE(tables(live).empty()) << live;
  EXPECT_EQ(tables(single), tables(live));
  EXPECT_NE(single.find("Latency histogram"), std::string::npos);
  EXPECT_NE(single.find("spawn rate 10/s"), std::string::npos);

  auto [bad_code, bad] = sub({"compare", "latest", "nosuchrun"});
  EXPECT_EQ(bad_code, 2) << bad;

  auto [del_code, del] = sub({"history", "delete", "latest"});
  ASSERT_EQ(del_code, 0) << del;
  auto [list2_code, list2] = sub({"history", "list"});
  EXPECT_EQ(count_occurrences(list2, "health.yaml"), 1u) << list2;
}

TEST_F(HistoryE2e, ComparingRunsOfDifferentScenariosWarns) {
  // The figures are still printed (a user may mean it), with a warning: a load test compared with a run
  // of another scenario said "No regression" and "+13196.8% better" without one (a docs probe).
  {
    std::ifstream in(dir_.path() / "health.yaml");
    std::ofstream out(dir_.path() / "other.yaml");
    out << in.rdbuf() << "\n# another scenario\n";
  }
  ASSERT_EQ(load_test({}, "1s")->wait(30s), 0);
  ASSERT_EQ(load_test({"-f", "other.yaml"}, "1s")->wait(30s), 0);
  auto [code, out] = sub({"compare", "previous", "latest"});
  EXPECT_TRUE(code == 0 || code == 1) << out;
  EXPECT_NE(out.find("warning: the runs are of different scenarios (health.yaml and other.yaml)"),
            std::string::npos)
      << out;
}

TEST_F(HistoryE2e, ReadmeSectionUpdateIsIdempotentAndLeavesTheRestAlone) {
  ASSERT_EQ(load_test({})->wait(30s), 0);
  const std::string before =
      "# Title\n\nText above.\n\n<!-- cicada:results:start -->\nstale\n"
      "<!-- cicada:results:end -->\n\nText below.\n";
  std::ofstream(dir_.path() / "README.md") << before;
  auto [code, out] = sub({"report", "--markdown", "--readme", "README.md"});
  ASSERT_EQ(code, 0) << out;
  const auto once = read_file(dir_.path() / "README.md");
  EXPECT_TRUE(once.starts_with("# Title\n\nText above.\n\n<!-- cicada:results:start -->\n")) << once;
  EXPECT_TRUE(once.ends_with("\n<!-- cicada:results:end -->\n\nText below.\n")) << once;
  EXPECT_EQ(once.find("stale"), std::string::npos);
  EXPECT_NE(once.find("| GET | /health |"), std::string::npos) << once;
  ASSERT_EQ(sub({"report", "--markdown", "--readme", "README.md"}).first, 0);
  EXPECT_EQ(read_file(dir_.path() / "README.md"), once);
}

TEST_F(HistoryE2e, UnknownEntryOrMetricIsAUsageErrorBeforeAnyLoad) {
  auto entry = load_test({"--threshold", "POST /nope: p95 < 1s"});
  ASSERT_EQ(entry->wait(20s), 2);
  EXPECT_NE(entry->err().find("no request entry 'POST /nope'"), std::string::npos) << entry->err();
  EXPECT_NE(entry->err().find("GET /health"), std::string::npos) << "lists the entries: " << entry->err();
  auto metric = load_test({"--threshold", "p97 < 1s"});
  ASSERT_EQ(metric->wait(20s), 2);
  EXPECT_NE(metric->err().find("unknown metric 'p97'"), std::string::npos) << metric->err();
  EXPECT_FALSE(fs::exists(dir_.path() / ".cicada/history.db")) << "nothing ran, nothing recorded";
}

TEST_F(HistoryE2e, ThresholdsFromTheConfigFileAndAbortOnThreshold) {
  std::ofstream(dir_.path() / "cicada.conf")
      << "threshold = p50 < 1us; fail_ratio < 1%\nabort-on-threshold = true\n";
  const auto began = std::chrono::steady_clock::now();
  auto run = load_test({}, "20s");
  ASSERT_EQ(run->wait(30s), 3) << run->err();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 10s) << "stopped early, not after 20 s";
  EXPECT_NE(run->err().find("stopping the test (--abort-on-threshold)"), std::string::npos) << run->err();
  EXPECT_NE(run->out().find("p50 < 1us"), std::string::npos) << run->out();
}

TEST_F(HistoryE2e, TwoRunsWritingOneDatabaseAtOnceBothLand) {
  auto a = load_test({"--history-db", "shared.db"}, "3s");
  auto b = load_test({"--history-db", "shared.db"}, "3s");
  ASSERT_EQ(a->wait(30s), 0) << a->err();
  ASSERT_EQ(b->wait(30s), 0) << b->err();
  EXPECT_EQ(a->err().find("run history ("), std::string::npos) << a->err();
  EXPECT_EQ(b->err().find("run history ("), std::string::npos) << b->err();
  auto [code, list] = sub({"history", "list", "--history-db", "shared.db"});
  ASSERT_EQ(code, 0) << list;
  EXPECT_EQ(count_occurrences(list, "health.yaml"), 2u) << list;
  EXPECT_EQ(count_occurrences(list, "incomplete"), 0u) << list;
}

TEST_F(HistoryE2e, AKilledRunLeavesAReadableDatabaseWithTheRunIncomplete) {
  kill_a_run_once_it_kept_seconds([&] { return sub({"history", "show", "latest"}).second; });
  if (HasFatalFailure()) return;
  auto [code, list] = sub({"history", "list"});
  ASSERT_EQ(code, 0) << list;
  EXPECT_EQ(count_occurrences(list, "incomplete"), 1u) << list;
  auto [show_code, show] = sub({"history", "show", "latest"});
  ASSERT_EQ(show_code, 0) << show;
  EXPECT_NE(show.find("incomplete"), std::string::npos);
  EXPECT_EQ(show.find("Seconds    0\n"), std::string::npos) << "per-second rows were kept: " << show;
  EXPECT_NE(show.find("the run never recorded its end"), std::string::npos) << show;
  // Its figures are those of the last second it kept (they read 0 requests): the ground truth is that
  // second's row in its own _stats_history.csv, and the stats and JSON say the same.
  auto [export_code, exported] =
      sub({"history", "export", "latest", "--csv", "killed", "--json", "killed.json"});
  ASSERT_EQ(export_code, 0) << exported;
  const auto seconds = read_csv(dir_.path() / "killed_stats_history.csv");
  ASSERT_GE(seconds.size(), 2u);
  const auto& header = seconds.front();
  const auto column = std::find(header.begin(), header.end(), "Total Request Count") - header.begin();
  const std::string last_count = seconds.back()[static_cast<std::size_t>(column)];
  ASSERT_GT(std::stol(last_count), 0) << read_file(dir_.path() / "killed_stats_history.csv");
  const auto stats = read_csv(dir_.path() / "killed_stats.csv");
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats.back()[1], "Aggregated");
  EXPECT_EQ(stats.back()[2], last_count);
  const auto json = read_json_file(dir_.path() / "killed.json");
  ASSERT_TRUE(json);
  EXPECT_EQ((*json)["total"]["requests"].get<long>(), std::stol(last_count));
  EXPECT_FALSE((*json)["run"]["complete"].get<bool>());
  EXPECT_GT((*json)["total"]["rps"].get<double>(), 0);
  // The next run works on the same file; compare skips the unfinished run for `previous`, and compares it
  // when named, by those figures, saying so.
  ASSERT_EQ(load_test({})->wait(30s), 0);
  auto [cmp_code, cmp] = sub({"compare", id_of_line_with(list, "incomplete"), "latest"});
  EXPECT_TRUE(cmp_code == 0 || cmp_code == 1) << cmp;
  EXPECT_NE(cmp.find("warning: run " + id_of_line_with(list, "incomplete") + " is incomplete"),
            std::string::npos)
      << cmp;
  EXPECT_NE(cmp.find("Aggregated"), std::string::npos) << cmp;
}

// A CI job's run killed by its timeout: `compare previous latest` compares the two runs before it (they
// finished), and says the newest was skipped instead of passing without a word.
TEST_F(HistoryE2e, CompareOfLatestSaysWhenTheNewestRunNeverFinished) {
  ASSERT_EQ(load_test({}, "1s")->wait(30s), 0);
  ASSERT_EQ(load_test({}, "1s")->wait(30s), 0);
  auto [list_code, complete_list] = sub({"history", "list"});
  ASSERT_EQ(list_code, 0) << complete_list;
  kill_a_run_once_it_kept_seconds([&] { return sub({"history", "show", "latest"}).second; });
  if (HasFatalFailure()) return;
  auto [code, list] = sub({"history", "list"});
  const std::string killed = id_of_line_with(list, "incomplete");
  ASSERT_FALSE(killed.empty()) << list;
  auto [cmp_code, cmp] = sub({"compare", "previous", "latest"});
  EXPECT_TRUE(cmp_code == 0 || cmp_code == 1) << cmp;
  EXPECT_NE(cmp.find("warning: the newest run, " + killed + ", never finished"), std::string::npos) << cmp;
  // Named, it is compared (by the seconds it kept), and the warning is not needed.
  auto [named_code, named] = sub({"compare", "previous", killed});
  EXPECT_EQ(named.find("warning: the newest run"), std::string::npos) << named;
}

// A history whose only run never finished: compare says that, not "no recorded run yet" beside a `history
// list` that shows the run.
TEST_F(HistoryE2e, CompareWithOnlyAnUnfinishedRunSaysSo) {
  kill_a_run_once_it_kept_seconds([&] { return sub({"history", "show", "latest"}).second; });
  if (HasFatalFailure()) return;
  auto [code, out] = sub({"compare", "latest", "latest"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("no run that finished (1 incomplete: killed, or still running"), std::string::npos)
      << out;
}

TEST_F(HistoryE2e, AWebUiTestIsRecordedAndJudgedWhenItEnds) {
  // No --headless: the UI on a free loopback port runs one test (--autostart) and quits after it.
  auto ui = start(
      {"-f", "health.yaml", "--host",        g_server->url(), "-u",         "2", "-r",          "10",
       "-t", "2s",          "--web-host",    "127.0.0.1",     "--web-port", "0", "--autostart", "--autoquit",
       "0",  "--threshold", "rps > 1000000", "--threshold",   "p95 < 5s"});
  ASSERT_TRUE(ui->wait(30s).has_value()) << ui->err();
  EXPECT_NE(ui->out().find("FAIL"), std::string::npos) << ui->out() << ui->err();
  EXPECT_NE(ui->out().find("rps > 1000000"), std::string::npos) << ui->out();

  auto [list_code, list] = sub({"history", "list"});
  ASSERT_EQ(list_code, 0) << list;
  EXPECT_EQ(count_occurrences(list, "health.yaml"), 1u) << list;
  EXPECT_NE(list.find(" fail"), std::string::npos) << list;
  auto [show_code, show] = sub({"history", "show", "latest"});
  ASSERT_EQ(show_code, 0) << show;
  EXPECT_NE(show.find("Status     complete"), std::string::npos) << show;
  EXPECT_NE(show.find("GET /health"), std::string::npos) << show;
  EXPECT_NE(show.find("p95 < 5s"), std::string::npos) << show;

  // A threshold naming an entry the scenario lacks is a usage error before the UI starts.
  auto bad = start({"-f", "health.yaml", "--web-port", "0", "--threshold", "GET /nope: p95 < 1s"});
  EXPECT_EQ(bad->wait(30s), 2) << bad->err();
}

TEST_F(HistoryE2e, ShowGivesTheShapeTheStagesAndTheUncorrectedLatencyOfAnArrivalRateRun) {
  auto run = start({"-f", "health.yaml", "--host", g_server->url(), "--headless", "--only-summary",
                    "--stages", "1s:50/s,1s:100/s", "--max-inflight", "20"});
  ASSERT_EQ(run->wait(30s), 0) << run->err();
  auto [code, shown] = sub({"history", "show", "latest"});
  ASSERT_EQ(code, 0) << shown;
  EXPECT_NE(shown.find(R"("stages":"1s:50/s,1s:100/s")"), std::string::npos) << shown;
  EXPECT_NE(shown.find(R"("max_inflight":20)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Stages (from the start of the run)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("stage 1/2: 50/s"), std::string::npos) << shown;
  EXPECT_NE(shown.find("stage 2/2: 100/s"), std::string::npos) << shown;
  EXPECT_NE(shown.find("uncorrected"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Dropped iterations (could not start in time): 0"), std::string::npos) << shown;

  // A closed-model run has neither.
  auto closed = load_test({});
  ASSERT_EQ(closed->wait(30s), 0) << closed->err();
  auto [code2, shown2] = sub({"history", "show", "latest"});
  ASSERT_EQ(code2, 0) << shown2;
  EXPECT_EQ(shown2.find("uncorrected"), std::string::npos) << shown2;
  EXPECT_EQ(shown2.find("Stages (from"), std::string::npos) << shown2;
}

TEST_F(HistoryE2e, JsonAndJunitFilesForCiFromTheRunAndFromTheHistory) {
  auto run = load_test({"--threshold", "p95 < 5s", "--threshold", "rps > 1000000", "--json", "run.json",
                        "--junit", "run.xml"});
  ASSERT_EQ(run->wait(30s), 3) << run->err();
  const auto json = read_file(dir_.path() / "run.json");
  const auto xml = read_file(dir_.path() / "run.xml");
  EXPECT_NE(json.find(R"("format": "cicada-run-summary")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("exit_code": 3)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("verdict": "fail")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("name": "/health")"), std::string::npos) << json;
  // The scenario's threshold, the two given here, the /health entry, "requests were made" and "the run
  // finished": one failure (rps).
  EXPECT_EQ(count_occurrences(xml, "<testcase "), 6u) << xml;
  EXPECT_NE(xml.find(R"(failures="1" errors="0")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("rps &gt; 1000000 [Aggregated]"), std::string::npos) << xml;
  ChildProcess lint({"/usr/bin/xmllint", "--noout", "--schema",
                     source("tests/unit/report/junit.xsd").string(), (dir_.path() / "run.xml").string()});
  EXPECT_EQ(lint.wait(30s), 0) << lint.out() << lint.err();

  // The same documents from the history; the run id ties them to `history show`.
  auto [code, out] = sub({"history", "export", "latest", "--json", "again.json", "--junit", "again.xml"});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(read_file(dir_.path() / "again.xml"), xml);
  const auto again = read_file(dir_.path() / "again.json");
  const auto id_at = json.find(R"("id": ")");
  ASSERT_NE(id_at, std::string::npos);
  EXPECT_NE(again.find(json.substr(id_at, 40)), std::string::npos) << again;
  auto [none_code, none] = sub({"history", "export", "latest"});
  EXPECT_EQ(none_code, 2) << none;

  // --no-history still writes the files.
  auto quiet = load_test({"--no-history", "--json", "quiet.json"});
  ASSERT_EQ(quiet->wait(30s), 0) << quiet->err();
  EXPECT_NE(read_file(dir_.path() / "quiet.json").find(R"("exit_code": 0)"), std::string::npos);
}

TEST_F(HistoryE2e, EveryReportDescribesTheRunByWhatDroveIt) {
  // One phrase per kind of run, the same in the live --html, --json, history show/list and report --html.
  // An open-model run's reports also show its corrected latency beside the uncorrected one.
  struct Case {
    std::vector<std::string> args;
    std::string phrase;
    bool open_model;
  };
  const std::vector<Case> cases = {
      {{"--stages", "1s:50/s,1s:100/s", "--max-inflight", "20"},
       "stages 1s:50/s,1s:100/s (max in-flight 20)",
       true},
      {{"--arrival-rate", "40", "-t", "2s"}, "arrival rate 40/s (max in-flight 1000)", true},
      {{"-u", "2", "-r", "10", "-t", "2s"}, "2 users (spawn rate 10/s)", false},
  };
  const std::string correction = "<h2>Latency correction (open model)</h2>";
  for (const auto& c : cases) {
    std::vector<std::string> args = {"-f",         "health.yaml",    "--host", g_server->url(),
                                     "--headless", "--only-summary", "--html", "live.html",
                                     "--json",     "run.json"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto run = start(args);
    ASSERT_EQ(run->wait(30s), 0) << run->err();
    EXPECT_NE(read_file(dir_.path() / "live.html").find("<dt>Load</dt><dd>" + c.phrase + "</dd>"),
              std::string::npos)
        << c.phrase;
    EXPECT_NE(read_file(dir_.path() / "run.json").find("\"load\": \"" + c.phrase + "\""), std::string::npos)
        << read_file(dir_.path() / "run.json");
    auto [show_code, show] = sub({"history", "show", "latest"});
    EXPECT_NE(show.find("Load       " + c.phrase + "\n"), std::string::npos) << show;
    auto [list_code, list] = sub({"history", "list", "-n", "1"});
    EXPECT_NE(list.find(c.phrase.substr(0, 20)), std::string::npos) << list;
    auto [report_code, report] = sub({"report", "--html", "stored.html"});
    ASSERT_EQ(report_code, 0) << report;
    EXPECT_NE(read_file(dir_.path() / "stored.html").find("<dt>Load</dt><dd>" + c.phrase + "</dd>"),
              std::string::npos)
        << c.phrase;
    for (const char* file : {"live.html", "stored.html"}) {
      const auto html = read_file(dir_.path() / file);
      EXPECT_EQ(html.find(correction) != std::string::npos, c.open_model) << file << ": " << c.phrase;
      // Its last chart counts iterations in flight, and says so.
      EXPECT_NE(html.find(c.open_model ? ">Iterations in flight (in flight)</text>"
                                       : ">Number of users (users)</text>"),
                std::string::npos)
          << file << ": " << c.phrase;
      // Locust's "Final ratio" section, filled in the file itself (not only by GET /stats/report).
      if (std::string(file) == "live.html") {
        EXPECT_NE(html.find("<h2>Final ratio</h2><ul"), std::string::npos);
      }
      if (c.open_model) {
        EXPECT_NE(html.find("<td class=\"text\">send (uncorrected)</td>"), std::string::npos) << file;
      }
    }
  }
  auto [md_code, md] = sub({"report", "--markdown"});
  EXPECT_NE(md.find("2 users (spawn rate 10/s)"), std::string::npos) << md;
  EXPECT_NE(md.find("arrival rate 40/s (max in-flight 1000)"), std::string::npos) << md;
}
