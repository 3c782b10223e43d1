// `cicada` against the streaming test target, as a user runs it: the streamed-response table on the
// console, PREFIX_streams.csv beside Locust's four unchanged files, thresholds on ttft and itl, and the
// HTML report's "Streamed responses" section; then from the run history (recorded by default) the same
// table in `history show`, the section in `report --html`, and `history export`'s _streams.csv.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "support/child_process.hpp"
#include "support/csv_rows.hpp"
#include "support/json_file.hpp"
#include "support/stream_target.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace cicada::testing;

namespace {

TEST(StreamCli, StreamedResponsesGetTheirTableCsvAndThresholds) {
  ScriptedServer target;
  serve_stream_target(target,
                      StreamPace{std::chrono::milliseconds(40), std::chrono::milliseconds(10), 6, true});
  TempDir dir;
  ChildProcess run({binary("apps/cicada/cicada").string(),
                    "-f",
                    source("examples/chat-stream.yaml").string(),
                    "--host",
                    target.url(),
                    "--headless",
                    "-u",
                    "2",
                    "-r",
                    "2",
                    "-t",
                    "3s",
                    "--only-summary",
                    "--csv",
                    "out",
                    "--html",
                    "report.html",
                    "--json",
                    "out.json",
                    "--stream-tokens",
                    "json:/choices/0/delta/content",
                    "--threshold",
                    "ttft p95 < 5s",
                    "--threshold",
                    "POST chat: itl p50 < 1ms"},
                   dir.path());
  // The itl limit cannot be met (tokens come every 10 ms): exit code 3, a threshold failed.
  ASSERT_EQ(run.wait(60s), 3) << run.out() << run.err();
  const std::string out = run.out();
  EXPECT_NE(out.find("Streamed responses"), std::string::npos) << out;
  EXPECT_NE(out.find("PASS ttft p95 < 5s"), std::string::npos) << out;
  EXPECT_NE(out.find("FAIL POST chat: itl p50 < 1ms"), std::string::npos) << out;

  const auto rows = read_csv(dir.path() / "out_streams.csv");
  ASSERT_EQ(rows.size(), 3u);  // header, chat, Aggregated
  EXPECT_EQ(rows[0][0], "Type");
  EXPECT_EQ(rows[1][0], "POST");
  EXPECT_EQ(rows[1][1], "chat");
  const long streams = std::stol(rows[1][2]);
  EXPECT_GT(streams, 5);
  // 8 tokens per answer (max_tokens), each event one token; a stream the end of the run cut while it
  // arrived (at most one per user; --json counts them) is measured as far as it came.
  const auto summary = read_json_file(dir.path() / "out.json");
  ASSERT_TRUE(summary);
  const auto& chat = (*summary)["streams"]["entries"][0];
  const long cut = chat["streams_cut"].get<long>();
  EXPECT_LE(cut, 2);
  EXPECT_GE(std::stol(rows[1][4]), 8 * (streams - cut));
  EXPECT_LE(std::stol(rows[1][4]), 8 * streams);
  EXPECT_EQ(rows[2][1], "Aggregated");
  // The JSON's streams are the CSV's (microseconds there, milliseconds here), per entry and in total.
  const auto column = [&](const std::string& header) {
    const auto at = std::find(rows[0].begin(), rows[0].end(), header);
    return static_cast<std::size_t>(at - rows[0].begin());
  };
  for (const auto& [row, json] :
       {std::pair{rows[1], chat}, std::pair{rows[2], (*summary)["streams"]["total"]}}) {
    EXPECT_EQ(json["name"], row[1]);
    EXPECT_EQ(json["streams"].get<long>(), std::stol(row[column("Streams")]));
    EXPECT_EQ(json["events"].get<long>(), std::stol(row[column("Events")]));
    EXPECT_EQ(json["tokens"].get<long>(), std::stol(row[column("Tokens")]));
    EXPECT_EQ(fmt::format("{:.3f}", json["tokens_per_s"].get<double>()), row[column("Tokens/s")]);
    for (const auto& [series, key] :
         {std::pair{"TTFB", "ttfb_us"}, std::pair{"TTFT", "ttft_us"}, std::pair{"ITL", "itl_us"}}) {
      for (const char* q : {"50", "95", "99", "100"}) {
        EXPECT_EQ(fmt::format("{:.3f}", json[key][std::string("p") + q].get<double>() / 1000.0),
                  row[column(fmt::format("{} {}%", series, q))])
            << key << " p" << q;
      }
    }
    // Each stream that ended had tokens (a cut one may have had none yet).
    EXPECT_GE(json["ttft_us"]["count"].get<long>(),
              std::stol(row[column("Streams")]) - json["streams_cut"].get<long>());
  }
  EXPECT_EQ((*summary)["run"]["unanswered_streams_cut"], (*summary)["streams"]["total"]["streams_cut"]);
  // Locust's stats file keeps its 22 columns and rows.
  const auto stats = read_csv(dir.path() / "out_stats.csv");
  ASSERT_FALSE(stats.empty());
  EXPECT_EQ(stats[0].size(), 22u);

  const std::string html = read_file(dir.path() / "report.html");
  EXPECT_NE(html.find("<h2 id=\"streams\">Streamed responses</h2>"), std::string::npos);
  // The table's chat row has the CSV's stream and token counts.
  EXPECT_NE(html.find(fmt::format("<td class=\"text\">chat</td><td>{}</td><td>{}</td><td>{}</td>", rows[1][2],
                                  rows[1][3], rows[1][4])),
            std::string::npos)
      << html.substr(html.find("Streamed responses"), 2000);
  EXPECT_NE(html.find("Time to first token, last ~10 s"), std::string::npos);

  auto cicada = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {binary("apps/cicada/cicada").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess sub(std::move(argv), dir.path());
    const int code = sub.wait(60s).value_or(-1);
    return std::pair{code, sub.out() + sub.err()};
  };
  const auto console_table = out.substr(out.find("Streamed responses"));
  auto [show_code, show] = cicada({"history", "show", "latest"});
  ASSERT_EQ(show_code, 0) << show;
  const auto shown = show.find("Streamed responses");
  ASSERT_NE(shown, std::string::npos) << show;
  // The table as the run printed it (its first lines: heading, columns, rule, the chat row).
  auto lines = [](const std::string& text, int n) {
    std::size_t at = 0;
    for (int i = 0; i < n && at != std::string::npos; ++i) at = text.find('\n', at + 1);
    return text.substr(0, at);
  };
  EXPECT_EQ(lines(show.substr(shown), 4), lines(console_table, 4));
  auto [report_code, report_out] = cicada({"report", "--html", "stored.html", "latest"});
  ASSERT_EQ(report_code, 0) << report_out;
  const std::string stored = read_file(dir.path() / "stored.html");
  const auto section = [](const std::string& page) {
    const auto from = page.find("<h2 id=\"streams\">");
    return from == std::string::npos ? std::string() : page.substr(from, page.find("<svg", from) - from);
  };
  EXPECT_FALSE(section(stored).empty());
  EXPECT_EQ(section(stored), section(html));  // the table is the run's own
  auto [export_code, export_out] = cicada({"history", "export", "latest", "--csv", "again"});
  ASSERT_EQ(export_code, 0) << export_out;
  EXPECT_EQ(read_file(dir.path() / "again_streams.csv"), read_file(dir.path() / "out_streams.csv"));
}

// A stream still arriving when the run ends (-t): each user's one answer takes 10 s, the run 2 s. It was
// a NoResponse failure once it was 1 s old (exit code 1), its first token and tokens lost. It answered:
// it is counted once, as unanswered and not failed, and its figures but the total are in every report.
TEST(StreamCli, AStreamCutByTheEndOfTheRunIsMeasuredAsFarAsItCameAndIsNoFailure) {
  ScriptedServer target;
  serve_stream_target(target,
                      StreamPace{std::chrono::milliseconds(30), std::chrono::milliseconds(20), 500, true});
  TempDir dir;
  std::ofstream(dir.path() / "long.yaml") << "user_types:\n"
                                             "  U:\n"
                                             "    wait_time: constant(0)\n"
                                             "    tasks:\n"
                                             "      t:\n"
                                             "        - post: /v1/chat/completions\n"
                                             "          name: chat\n"
                                             "          json: {stream: true}\n";
  ChildProcess run(
      {binary("apps/cicada/cicada").string(), "-f", "long.yaml", "--host", target.url(), "--headless", "-u",
       "2", "-r", "10", "-t", "2s", "--only-summary", "--csv", "out", "--json", "out.json"},
      dir.path());
  ASSERT_EQ(run.wait(60s), 0) << run.out() << run.err();
  EXPECT_NE(run.out().find("Requests without an answer when the test ended: 2 (the oldest waited "),
            std::string::npos)
      << run.out();
  EXPECT_NE(run.out().find("2 of them streams cut while their answer arrived, not failures"),
            std::string::npos)
      << run.out();
  const auto summary = read_json_file(dir.path() / "out.json");
  ASSERT_TRUE(summary);
  const auto& j = *summary;
  EXPECT_EQ(j["run"]["unanswered_requests"], 2);
  EXPECT_EQ(j["run"]["unanswered_counted"], 0);
  EXPECT_EQ(j["run"]["unanswered_streams_cut"], 2);
  EXPECT_GE(j["run"]["oldest_unanswered_us"].get<long>(), 1'000'000);
  EXPECT_EQ(j["total"]["requests"], 0);
  EXPECT_TRUE(j["failures"].empty()) << j["failures"].dump();
  // Every request the target received is accounted for once.
  EXPECT_EQ(j["total"]["requests"].get<long>() + j["run"]["unanswered_requests"].get<long>() -
                j["run"]["unanswered_counted"].get<long>(),
            static_cast<long>(target.requests().size()));
  const auto& s = j["streams"]["total"];
  EXPECT_EQ(s["streams"], 2);
  EXPECT_EQ(s["streams_cut"], 2);
  EXPECT_EQ(s["ttft_us"]["count"], 2);
  EXPECT_GE(s["ttft_us"]["min"].get<long>(), 30'000 * 98 / 100);  // not before the target's first token
  EXPECT_GE(s["tokens"].get<long>(), 2);
  EXPECT_LE(s["tokens"].get<long>(), 2 * 500);
  EXPECT_EQ(s["itl_us"]["count"].get<long>(), s["tokens"].get<long>() - 2);
  EXPECT_EQ(s["total_us"]["count"], 0);  // the streams did not end: no total, and null rather than 0
  EXPECT_TRUE(s["total_us"]["p50"].is_null());
  const auto rows = read_csv(dir.path() / "out_streams.csv");
  ASSERT_EQ(rows.size(), 3u);
  ASSERT_GE(rows[2].size(), 2u);
  EXPECT_EQ(rows[2][rows[2].size() - 2], "N/A");  // Total 100%: no sample
  EXPECT_EQ(rows[0].back(), "Streams cut");
  EXPECT_EQ(rows[2].back(), "2");  // both streams, as --json's streams_cut
  // The run history gives the same document back.
  ChildProcess exported(
      {binary("apps/cicada/cicada").string(), "history", "export", "latest", "--json", "again.json"},
      dir.path());
  ASSERT_EQ(exported.wait(60s), 0) << exported.out() << exported.err();
  const auto again = read_json_file(dir.path() / "again.json");
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["streams"], j["streams"]);
  EXPECT_EQ((*again)["run"]["unanswered_streams_cut"], 2);
}

// A YAML request's `stream_tokens:` overrides the run's --stream-tokens for that request only: three
// requests of one task to the same target (answers of 5 token events, finish_reason on the last one)
// count 1 (the run's rule, finish_reason), 5 (`event`) and 3 (content, 3-token answers) per stream.
TEST(StreamCli, EachRequestCountsTokensByItsOwnRule) {
  ScriptedServer target;
  serve_stream_target(target,
                      StreamPace{std::chrono::milliseconds(2), std::chrono::milliseconds(1), 5, true});
  TempDir dir;
  std::ofstream(dir.path() / "rules.yaml") << "user_types:\n"
                                              "  U:\n"
                                              "    wait_time: constant(0)\n"
                                              "    tasks:\n"
                                              "      t:\n"
                                              "        - post: /v1/chat/completions\n"
                                              "          name: run-rule\n"
                                              "          json: {stream: true}\n"
                                              "        - post: /v1/chat/completions\n"
                                              "          name: events\n"
                                              "          json: {stream: true}\n"
                                              "          stream_tokens: event\n"
                                              "        - post: /v1/chat/completions\n"
                                              "          name: content\n"
                                              "          json: {stream: true, max_tokens: 3}\n"
                                              "          stream_tokens: json:choices.0.delta.content\n";
  ChildProcess run({binary("apps/cicada/cicada").string(), "-f", "rules.yaml", "--host", target.url(),
                    "--headless", "-u", "1", "-r", "1", "-t", "2s", "--only-summary", "--csv", "out",
                    "--json", "out.json", "--stream-tokens", "json:/choices/0/finish_reason"},
                   dir.path());
  ASSERT_EQ(run.wait(60s), 0) << run.out() << run.err();
  std::map<std::string, std::pair<long, long>> streams_tokens;  // name -> (streams, tokens)
  std::map<std::string, long> events;
  for (const auto& row : read_csv(dir.path() / "out_streams.csv")) {
    if (row[0] == "Type") continue;
    streams_tokens[row[1]] = {std::stol(row[2]), std::stol(row[4])};
    events[row[1]] = std::stol(row[3]);
  }
  ASSERT_EQ(streams_tokens.size(), 4u);  // the three entries and Aggregated
  for (const char* name : {"run-rule", "events", "content"}) EXPECT_GT(streams_tokens[name].first, 0) << name;
  // The stream the end of the run cut (--json names its entry) counts what came before the cut.
  const auto summary = read_json_file(dir.path() / "out.json");
  ASSERT_TRUE(summary);
  std::map<std::string, long> cut;
  for (const auto& entry : (*summary)["streams"]["entries"])
    cut[entry["name"]] = entry["streams_cut"].get<long>();
  EXPECT_LE(cut["run-rule"] + cut["events"] + cut["content"], 1);  // one user
  const auto expect_per_stream = [&](const char* name, long counted, long per_stream) {
    const long streams = streams_tokens[name].first;
    EXPECT_GE(counted, per_stream * (streams - cut[name])) << name;
    EXPECT_LE(counted, per_stream * streams) << name;
  };
  expect_per_stream("run-rule", streams_tokens["run-rule"].second, 1);  // one finish_reason per answer
  expect_per_stream("run-rule", events["run-rule"], 5);
  expect_per_stream("events", streams_tokens["events"].second, 5);
  expect_per_stream("content", streams_tokens["content"].second, 3);
}

}  // namespace
