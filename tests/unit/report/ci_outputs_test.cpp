// --json and --junit documents built from a stored run with exact figures: every field a CI job reads,
// and the JUnit file validated against tests/unit/report/junit.xsd with xmllint (Debian libxml2-utils).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "report/junit_xml.hpp"
#include "report/run_summary_json.hpp"
#include "stats/aggregate.hpp"
#include "stats/stream_stats.hpp"
#include "stats/thread_stats.hpp"
#include "support/child_process.hpp"
#include "support/text_count.hpp"
#include "synthetic_entry.hpp"

using namespace std::chrono_literals;
using cicada::report::StoredRun;
using cicada::report::test::synthetic_entry;
using cicada::testing::ChildProcess;
using cicada::testing::count_occurrences;
using cicada::testing::source;
using cicada::testing::TempDir;

namespace {

StoredRun sample_run() {
  StoredRun run;
  auto& i = run.info;
  i.id = "20261203T104500Z-abcd";
  i.started_unix_s = 1'796'294'700;
  i.ended_unix_s = i.started_unix_s + 30.5;
  i.complete = true;
  i.machine = "ci-box";
  i.target_host = "http://127.0.0.1:8000";
  i.scenario_file = "health.yaml";
  i.config_json = R"({"users":10,"spawn_rate":2,"arrival_rate":0})";
  i.users = 10;
  i.exit_code = 3;
  i.verdict = "fail";
  auto& s = run.snapshot;
  s.entries.push_back(synthetic_entry("GET", "/health", 1000, 0, 2000, 33.3));
  // A name with XML specials and bytes that are not UTF-8, as a hostile target can produce.
  s.entries.push_back(synthetic_entry("POST", "/predict?a=1&b=<2>", 500, 25, 8000, 16.6));
  s.total = synthetic_entry("", "Aggregated", 1500, 25, 3000, 49.9);
  s.total.uncorrected_percentiles_us.fill(1500);
  s.failures.push_back({"POST", "/predict?a=1&b=<2>", "HTTPError('500 Server Error \xff\x01')", 20});
  s.failures.push_back({"POST", "/predict?a=1&b=<2>", "ConnectionResetError", 5});
  s.exceptions.push_back({2, "ValueError: bad \"payload\"", "PredictUser.predict", "local"});
  s.due_iterations = 107;
  s.started_iterations = 100;
  s.dropped_iterations = 7;
  run.thresholds.push_back({"p95 < 20ms", "Aggregated", 9000, 20000, "9.00ms", "< 20.00ms", true});
  run.thresholds.push_back({"fail_ratio < 1%", "Aggregated", 0.0167, 0.01, "1.67%", "< 1.00%", false});
  return run;
}

// xmllint's exit code and messages for the document against the schema.
std::pair<int, std::string> validate(const std::string& xml) {
  TempDir dir;
  const auto file = dir.path() / "junit.xml";
  std::ofstream(file, std::ios::binary) << xml;
  ChildProcess p({"/usr/bin/xmllint", "--noout", "--schema", source("tests/unit/report/junit.xsd").string(),
                  file.string()});
  const auto code = p.wait(30s);
  return {code.value_or(-1), p.out() + p.err()};
}

}  // namespace

TEST(RunSummaryJson, HoldsMetadataEntriesPercentilesFailuresThresholdsAndOpenModelFigures) {
  const auto run = sample_run();
  const auto j = nlohmann::json::parse(cicada::report::run_summary_text(run));
  EXPECT_EQ(j["format"], "cicada-run-summary");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["run"]["id"], "20261203T104500Z-abcd");
  EXPECT_EQ(j["run"]["recorded"], true);  // RunInfo's default: a run read from the history
  EXPECT_EQ(j["run"]["exit_code"], 3);
  EXPECT_EQ(j["run"]["verdict"], "fail");
  EXPECT_DOUBLE_EQ(j["run"]["duration_s"].get<double>(), 30.5);
  EXPECT_EQ(j["run"]["config"]["users"], 10);
  ASSERT_EQ(j["entries"].size(), 2u);
  EXPECT_EQ(j["entries"][1]["name"], "/predict?a=1&b=<2>");
  EXPECT_EQ(j["entries"][1]["failures"], 25);
  EXPECT_DOUBLE_EQ(j["entries"][1]["fail_ratio"].get<double>(), 0.05);
  EXPECT_EQ(j["entries"][0]["latency_us"]["p50"], 2000);
  EXPECT_EQ(j["entries"][0]["latency_us"]["p95"], 6000);
  EXPECT_EQ(j["entries"][0]["latency_us"]["p99"], 10000);
  EXPECT_TRUE(j["entries"][0]["latency_us"].contains("p99.99"));
  EXPECT_EQ(j["total"]["requests"], 1500);
  EXPECT_EQ(j["total"]["uncorrected_latency_us"]["p95"], 1500);
  EXPECT_EQ(j["open_model"]["dropped_iterations"], 7);
  ASSERT_EQ(j["failures"].size(), 2u);
  EXPECT_EQ(j["failures"][0]["occurrences"], 20);
  // The byte that is not UTF-8 is replaced rather than making the document unreadable.
  EXPECT_NE(j["failures"][0]["error"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  ASSERT_EQ(j["thresholds"].size(), 2u);
  EXPECT_EQ(j["thresholds"][1]["passed"], false);
  EXPECT_EQ(j["thresholds"][1]["actual_text"], "1.67%");
  EXPECT_EQ(j["exceptions"][0]["count"], 2);
}

// Streamed responses had no place in --json: the figures of the console's and _streams.csv's table, per
// entry and Aggregated, with their units in the key names, and null (never 0) for a figure without samples.
TEST(RunSummaryJson, HoldsTheStreamFiguresPerEntryAndInTotal) {
  auto run = sample_run();
  const auto none = nlohmann::json::parse(cicada::report::run_summary_text(run));
  EXPECT_TRUE(none["streams"]["total"].is_null());
  EXPECT_TRUE(none["streams"]["entries"].empty());

  cicada::stats::ThreadStats t;
  const std::int64_t gaps[] = {10'000, 30'000};
  cicada::StreamSample chat;
  chat.ttfb_us = 2'000;
  chat.ttft_us = 50'000;
  chat.gaps_us = gaps;
  chat.events = 4;  // one without a token
  chat.tokens = 3;
  chat.tokens_after_first = 2;
  chat.token_span_us = 40'000;
  chat.total_us = 95'000;
  t.on_stream("POST", "chat", chat);
  cicada::StreamSample silent;  // a stream without any token, cut by the end of the test
  silent.ttfb_us = 1'000;
  silent.events = 1;
  silent.total_us = -1;
  t.on_cut_stream("GET", "events", 400'000, 10'000, silent);
  auto delta = t.take_delta();
  cicada::stats::StreamAggregate aggregate;
  aggregate.merge(std::move(delta.streams));
  run.snapshot.streams = aggregate.snapshot();
  run.snapshot.unanswered_requests = delta.unanswered_requests;

  const auto j = nlohmann::json::parse(cicada::report::run_summary_text(run));
  const auto& entries = j["streams"]["entries"];
  ASSERT_EQ(entries.size(), 2u);
  const auto& c = entries[0];
  EXPECT_EQ(c["method"], "POST");
  EXPECT_EQ(c["name"], "chat");
  EXPECT_EQ(c["streams"], 1);
  EXPECT_EQ(c["streams_cut"], 0);
  EXPECT_EQ(c["events"], 4);
  EXPECT_EQ(c["tokens"], 3);
  EXPECT_DOUBLE_EQ(c["tokens_per_s"].get<double>(), 50.0);  // 2 tokens in 40 ms
  EXPECT_EQ(c["ttft_us"]["count"], 1);
  EXPECT_EQ(c["ttft_us"]["min"], 50'000);
  EXPECT_EQ(c["ttft_us"]["p50"], 50'000);
  EXPECT_EQ(c["itl_us"]["count"], 2);
  EXPECT_EQ(c["itl_us"]["min"], 10'000);
  EXPECT_EQ(c["itl_us"]["max"], 30'000);
  EXPECT_DOUBLE_EQ(c["itl_us"]["avg"].get<double>(), 20'000);
  EXPECT_EQ(c["itl_us"]["p100"], 30'000);
  EXPECT_TRUE(c["itl_us"].contains("p99.9"));
  EXPECT_EQ(c["ttfb_us"]["p50"], 2'000);
  EXPECT_EQ(c["total_us"]["p50"], 95'000);
  const auto& e = entries[1];
  EXPECT_EQ(e["name"], "events");
  EXPECT_EQ(e["streams_cut"], 1);
  EXPECT_EQ(e["ttfb_us"]["count"], 1);
  EXPECT_EQ(e["ttft_us"]["count"], 0);  // no token: no time to first token
  EXPECT_TRUE(e["ttft_us"]["p95"].is_null());
  EXPECT_TRUE(e["ttft_us"]["avg"].is_null());
  EXPECT_EQ(e["total_us"]["count"], 0);  // cut: no total
  EXPECT_TRUE(e["total_us"]["max"].is_null());
  const auto& total = j["streams"]["total"];
  EXPECT_EQ(total["method"], "");
  EXPECT_EQ(total["name"], "Aggregated");
  EXPECT_EQ(total["streams"], 2);
  EXPECT_EQ(total["streams_cut"], 1);
  EXPECT_EQ(total["events"], 5);
  EXPECT_EQ(total["tokens"], 3);
  EXPECT_EQ(total["ttfb_us"]["count"], 2);
  EXPECT_EQ(total["total_us"]["count"], 1);
  EXPECT_EQ(j["run"]["unanswered_requests"], 1);
  EXPECT_EQ(j["run"]["unanswered_streams_cut"], 1);
}

TEST(JunitXml, OneCasePerThresholdEntryAndExceptionWithTheFailuresMarked) {
  const auto xml = cicada::report::junit_xml(sample_run());
  // 2 thresholds + 2 entries + 1 exception + "requests were made", "the run finished" and "every due
  // iteration started" (7 dropped)
  EXPECT_EQ(count_occurrences(xml, "<testcase "), 8u) << xml;
  EXPECT_NE(xml.find(R"(tests="8" failures="3" errors="1")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("7 of 107 due iterations were dropped"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(name="fail_ratio &lt; 1% [Aggregated]")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("Aggregated: actual 1.67%, limit &lt; 1.00%"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(name="POST /predict?a=1&amp;b=&lt;2&gt;")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("25 of 500 requests failed (5.00%)"), std::string::npos) << xml;
  EXPECT_NE(xml.find("5 x ConnectionResetError"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<testcase classname="cicada.requests" name="GET /health" time="30.500"/>)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(timestamp="2026-12-03T10:45:00")"), std::string::npos) << xml;
  EXPECT_EQ(xml.find('\xff'), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

// What else fails a run's exit code fails a case of its own: a report exported from a run that was killed
// (numbers the history had saved so far), dropped iterations (exit 1), a lost worker (exit 1). Each
// was green in the JUnit report while the exit code said the run was not clean.
TEST(JunitXml, AnUnfinishedRunDroppedIterationsAndLostWorkersEachFailACase) {
  StoredRun run = sample_run();
  run.info.complete = false;
  run.snapshot.due_iterations = 61;
  run.snapshot.started_iterations = 18;
  run.snapshot.dropped_iterations = 43;
  run.snapshot.lost_workers = 1;
  const auto xml = cicada::report::junit_xml(run);
  EXPECT_NE(xml.find(R"(name="the run finished")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("the run never finished: the process ended before its results were complete"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(name="every due iteration started")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("43 of 61 due iterations were dropped"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(name="no worker was lost")"), std::string::npos) << xml;
  EXPECT_NE(xml.find("1 worker(s) lost during the run"), std::string::npos) << xml;
  // The 8 cases of sample_run (3 failing), "no worker was lost", and "the run finished" fails too.
  EXPECT_NE(xml.find(R"(tests="9" failures="5" errors="1")"), std::string::npos) << xml;
  auto [code, out] = validate(xml);
  EXPECT_EQ(code, 0) << out;
  // An open-model run that dropped nothing passes its case; a closed-model run has none.
  run = sample_run();
  run.snapshot.dropped_iterations = 0;
  run.snapshot.due_iterations = run.snapshot.started_iterations = 100;
  const auto clean = cicada::report::junit_xml(run);
  EXPECT_NE(clean.find(R"(<testcase classname="cicada.run" name="every due iteration started")"),
            std::string::npos)
      << clean;
  EXPECT_NE(clean.find(R"(tests="8" failures="2" errors="1")"), std::string::npos) << clean;
  run.snapshot.due_iterations = run.snapshot.started_iterations = 0;
  EXPECT_EQ(cicada::report::junit_xml(run).find("every due iteration"), std::string::npos);
}

TEST(JunitXml, ValidatesAgainstTheJunitSchema) {
  auto [code, out] = validate(cicada::report::junit_xml(sample_run()));
  EXPECT_EQ(code, 0) << out;
  StoredRun empty;  // an incomplete run with nothing in it is still a valid (failing) report
  empty.info.id = "x";
  const auto empty_xml = cicada::report::junit_xml(empty);
  EXPECT_NE(empty_xml.find("the run never finished"), std::string::npos) << empty_xml;
  auto [empty_code, empty_out] = validate(empty_xml);
  EXPECT_EQ(empty_code, 0) << empty_out;
}

TEST(JunitXml, TheSchemaRejectsACaseWithoutClassname) {
  // The validation above can fail: the same document with one required attribute removed does not pass.
  auto xml = cicada::report::junit_xml(sample_run());
  const auto at = xml.find(R"(classname="cicada.requests" )");
  ASSERT_NE(at, std::string::npos);
  xml.erase(at, std::string(R"(classname="cicada.requests" )").size());
  auto [code, out] = validate(xml);
  EXPECT_NE(code, 0) << out;
}

TEST(XmlText, KeepsValidUtf8AndReplacesWhatXmlForbids) {
  using cicada::report::xml_text;
  EXPECT_EQ(xml_text("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
  EXPECT_EQ(xml_text("a\x01z"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(xml_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(xml_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(xml_text("tab\there\nline"), "tab\there\nline");
  EXPECT_EQ(xml_text("<&\">"), "&lt;&amp;&quot;&gt;");
}

TEST(RunSummaryJson, CountsTheUnansweredFailuresWhoseTextWasFoldedIntoOtherErrors) {
  // /x already has its kMaxErrorsPerEntry distinct texts in this thread: the unanswered request that
  // waited past the limit is a failure filed under "(other errors)". Reading the NoResponse rows back
  // (as the JSON did) gave 0, and the target's count total + unanswered - counted read 2 too many.
  using namespace cicada::stats;
  ThreadStats thread;
  const EntryId x = thread.entry("GET", "/x");
  for (std::size_t i = 0; i < kMaxErrorsPerEntry; ++i)
    thread.record_failure(x, 1'000, 0, "HTTPError('500 for request " + std::to_string(i) + "')");
  thread.on_unanswered("GET", "/x", 2'000'000,
                       cicada::RequestSink::CutAt::kWaiting);  // waited past the limit: a failed request too
  thread.on_unanswered("GET", "/x", 5'000,
                       cicada::RequestSink::CutAt::kWaiting);  // cut short by the end: counted only
  // Another thread's NoResponse is a new text to the totals, which hold /x's texts already: folded there.
  ThreadStats other;
  other.on_unanswered("GET", "/x", 3'000'000, cicada::RequestSink::CutAt::kWaiting);
  Aggregate totals(1'700'000'000.0);
  totals.merge(thread.take_delta());
  totals.merge(other.take_delta());
  totals.close_second(1'700'000'001, 0);
  StoredRun run = sample_run();
  run.snapshot = totals.snapshot(1'700'000'002.0);
  for (const auto& f : run.snapshot.failures) EXPECT_NE(f.error, ThreadStats::kUnansweredError);
  const auto j = nlohmann::json::parse(cicada::report::run_summary_text(run));
  EXPECT_EQ(j["run"]["unanswered_requests"], 3);
  EXPECT_EQ(j["run"]["unanswered_counted"], 2);
  // The target got the 100 answered requests and the 3 unanswered ones.
  EXPECT_EQ(j["total"]["requests"].get<std::uint64_t>() +
                j["run"]["unanswered_requests"].get<std::uint64_t>() -
                j["run"]["unanswered_counted"].get<std::uint64_t>(),
            103u);
}
