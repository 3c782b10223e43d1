// Streamed responses in the reports: thresholds on ttfb/ttft/itl, the console table and _streams.csv.
#include <gtest/gtest.h>

#include "report/html_report.hpp"
#include "report/stream_tables.hpp"
#include "report/thresholds.hpp"
#include "stats/stream_stats.hpp"
#include "stats/thread_stats.hpp"

using namespace cicada;
using namespace cicada::report;

namespace {

// Two chat streams: TTFT 50 and 70 ms, gaps of 10 ms (x3) and 20 ms.
stats::Snapshot streamed() {
  stats::ThreadStats t;
  const std::vector<std::int64_t> a = {10'000, 10'000, 10'000}, b = {20'000};
  auto sample = [](std::int64_t ttft, const std::vector<std::int64_t>& gaps) {
    stats::StreamSample s;
    s.ttfb_us = 2'000;
    s.ttft_us = ttft;
    s.gaps_us = gaps;
    s.events = s.tokens = gaps.size() + 1;
    s.tokens_after_first = gaps.size();
    for (auto g : gaps) s.token_span_us += g;
    s.total_us = ttft + s.token_span_us;
    return s;
  };
  t.on_stream("POST", "chat", sample(50'000, a));
  t.on_stream("POST", "chat", sample(70'000, b));
  stats::StreamAggregate aggregate;
  aggregate.merge(t.take_delta().streams);
  stats::Snapshot snap;
  snap.streams = aggregate.snapshot();
  return snap;
}

}  // namespace

TEST(StreamThresholds, ParseTheSeriesWordAndOnlyTimeMetrics) {
  auto t = parse_threshold("ttft p95 < 500ms");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->series, ThresholdSeries::kTtft);
  EXPECT_EQ(t->percentile_index, 5u);
  EXPECT_DOUBLE_EQ(t->limit, 500'000);
  auto i = parse_threshold("POST chat: itl p99 < 50ms");
  ASSERT_TRUE(i) << i.error().message;
  EXPECT_EQ(i->series, ThresholdSeries::kItl);
  EXPECT_EQ(i->name, "chat");
  EXPECT_EQ(parse_threshold("p95 < 1s")->series, ThresholdSeries::kLatency);
  EXPECT_FALSE(parse_threshold("ttft rps > 5").ok());
  EXPECT_FALSE(parse_threshold("itl < 5ms").ok());
}

TEST(StreamThresholds, JudgedOnTheStreamRows) {
  const auto snap = streamed();
  auto ts = parse_thresholds({"ttft p100 < 60ms", "itl max <= 20ms", "POST chat: ttfb p50 < 3ms",
                              "other: ttft p50 < 1s", "itl avg < 12ms"})
                .value();
  auto results = evaluate_thresholds(ts, snap);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_FALSE(results[0].passed);  // 70 ms
  EXPECT_DOUBLE_EQ(results[0].actual, 70'000);
  EXPECT_TRUE(results[1].passed);
  EXPECT_EQ(results[1].entry, "Aggregated");
  EXPECT_TRUE(results[2].passed);
  EXPECT_EQ(results[2].entry, "POST chat");
  EXPECT_TRUE(results[3].no_data);
  EXPECT_FALSE(results[3].passed);
  EXPECT_FALSE(results[4].passed);  // mean gap 12.5 ms
  // Nothing streamed: a stream threshold fails for lack of data.
  auto none = evaluate_thresholds(ts, stats::Snapshot{});
  EXPECT_TRUE(none[0].no_data);
}

TEST(StreamTables, ConsoleAndCsvRowsAndNothingWithoutStreams) {
  const auto snap = streamed();
  const std::string table = console_streams_table(snap);
  EXPECT_NE(table.find("Streamed responses"), std::string::npos);
  EXPECT_NE(table.find("POST     chat"), std::string::npos) << table;
  const std::string csv = streams_csv(snap);
  const auto first_line = csv.substr(0, csv.find('\n'));
  EXPECT_TRUE(
      first_line.starts_with("Type,Name,Streams,Events,Tokens,Tokens/s,Average TTFT,Average ITL,TTFB 50%"));
  EXPECT_NE(csv.find("\nPOST,chat,2,6,6,80.000,60.000,12.500,2.000,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n,Aggregated,2,"), std::string::npos) << csv;
  // The last column counts the streams the end cut: none here, one in a run that ended during a stream.
  EXPECT_TRUE(first_line.ends_with(",Total 100%,Streams cut")) << first_line;
  const auto row = csv.substr(csv.find("\nPOST,chat,") + 1);
  EXPECT_TRUE(row.substr(0, row.find('\n')).ends_with(",0")) << csv;
  stats::ThreadStats t;
  const std::vector<std::int64_t> gaps = {10'000};
  stats::StreamSample cut;
  cut.ttfb_us = 2'000;
  cut.ttft_us = 40'000;
  cut.gaps_us = gaps;
  cut.events = cut.tokens = 2;
  cut.total_us = -1;
  t.on_cut_stream("POST", "chat", 60'000, 5'000, cut);
  stats::StreamAggregate aggregate;
  aggregate.merge(t.take_delta().streams);
  stats::Snapshot with_cut = snap;
  with_cut.streams = aggregate.snapshot();
  const std::string cut_csv = streams_csv(with_cut);
  EXPECT_NE(cut_csv.find("\nPOST,chat,1,2,2,"), std::string::npos) << cut_csv;
  const auto cut_row = cut_csv.substr(cut_csv.find("\nPOST,chat,") + 1);
  EXPECT_TRUE(cut_row.substr(0, cut_row.find('\n')).ends_with(",1")) << cut_csv;
  EXPECT_TRUE(console_streams_table(stats::Snapshot{}).empty());
  EXPECT_TRUE(streams_csv(stats::Snapshot{}).empty());
}

TEST(StreamTables, HtmlSectionHasTheKeyColumnsAndChartsOverTime) {
  auto snap = streamed();
  // Two seconds of history, the first before any stream: the charts start at the second.
  for (std::int64_t second : {1'795'000'000, 1'795'000'001}) {
    auto block = std::make_shared<stats::HistoryBlock>();
    block->timestamp = second;
    if (second == 1'795'000'001)
      block->streams = stats::StreamSecond{2, 2, 4, {50'000, 70'000, 70'000}, {10'000, 20'000, 20'000}};
    snap.history.push_back(std::move(block));
  }
  const std::string html = html_streams_section(snap);
  EXPECT_NE(html.find("<h2 id=\"streams\">Streamed responses</h2>"), std::string::npos);
  for (const auto& c : kStreamKeyColumns)
    EXPECT_NE(html.find(std::string(c.label) + " (ms)"), std::string::npos) << c.label;
  // POST chat: 2 streams, 6 events, 6 tokens, 80 tokens/s, TTFB p50 and p95 2 ms, TTFT p50 70 ms (Locust's
  // rank: sample floor(2 x 0.5) of 2).
  EXPECT_NE(html.find("<td class=\"text\">POST</td><td class=\"text\">chat</td><td>2</td><td>6</td><td>6</td>"
                      "<td>80.0</td><td>2.00</td><td>2.00</td><td>70.00</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"text\">Aggregated</td>"), std::string::npos);
  EXPECT_NE(html.find("Time to first token, last ~10 s"), std::string::npos);
  EXPECT_NE(html.find("Inter-token latency, last ~10 s"), std::string::npos);
  // The whole report has the section; a report of a run without streams has none of it.
  ReportInfo info;
  EXPECT_NE(html_report(snap, info).find(html), std::string::npos);
  stats::Snapshot plain;
  EXPECT_TRUE(html_streams_section(plain).empty());
  EXPECT_EQ(html_report(plain, info).find("Streamed responses"), std::string::npos);
  EXPECT_EQ(html_report(plain, info).find("Time to first token"), std::string::npos);
}

TEST(StreamTables, OneValueForEveryView) {
  const auto snap = streamed();
  const auto& chat = snap.streams[0];
  EXPECT_EQ(stream_value_us(chat, StreamSeries::ttft, 10), 70'000);  // p100: the max, exact
  EXPECT_EQ(stream_samples(chat, StreamSeries::itl), 4u);
  stats::StreamSnapshot no_token = chat;
  no_token.ttft_count = 0;
  EXPECT_FALSE(stream_value_us(no_token, StreamSeries::ttft, 5).has_value());
  EXPECT_TRUE(stream_value_us(no_token, StreamSeries::ttfb, 5).has_value());
}
