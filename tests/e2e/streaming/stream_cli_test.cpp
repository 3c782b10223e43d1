// `cicada` against the streaming test target, as a user runs it: the streamed-response table on the
// console, PREFIX_streams.csv beside Locust's four unchanged files, thresholds on ttft and itl, and the
// HTML report's "Streamed responses" section; then from the run history (recorded by default) the same
// table in `history show`, the section in `report --html`, and `history export`'s _streams.csv.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "support/child_process.hpp"
#include "support/csv_rows.hpp"
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
  // 8 tokens per answer (max_tokens), each event one token; a stream cut by the end of the run is a
  // failed request and not measured.
  EXPECT_EQ(std::stol(rows[1][4]), 8 * streams);
  EXPECT_EQ(rows[2][1], "Aggregated");
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
                    "--stream-tokens", "json:/choices/0/finish_reason"},
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
  const auto [run_streams, run_tokens] = streams_tokens["run-rule"];
  const auto [event_streams, event_tokens] = streams_tokens["events"];
  const auto [content_streams, content_tokens] = streams_tokens["content"];
  EXPECT_EQ(run_tokens, run_streams);  // one finish_reason per answer
  EXPECT_EQ(events["run-rule"], 5 * run_streams);
  EXPECT_EQ(event_tokens, 5 * event_streams);
  EXPECT_EQ(content_tokens, 3 * content_streams);
}

}  // namespace
