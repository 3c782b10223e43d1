#pragma once
// Streamed-response statistics (server-sent events and other chunked token streams; docs/protocols.md):
// per request stats entry (method, name), how long until the first response byte and the first token,
// the gaps between tokens, and how many events and tokens came. They sit beside the request entries
// rather than in them, so Locust's rows and CSV files stay exactly as they are; only entries that ever
// streamed have a row.
//
//   StreamRecorder  one per event loop thread, inside ThreadStats: the hot path (no lock; after an
//                   entry's first stream, no allocation)
//   StreamDelta     one entry's streams during one interval (what take_delta() hands over)
//   StreamAggregate the runner's totals, merged from deltas; snapshot() gives the rows reports read
//
// Every time is in microseconds from when the request was due (its scheduled start under arrival-rate
// load, the call otherwise), like the request latency: a late start counts against the stream.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/request_record.hpp"
#include "stats/histogram.hpp"
#include "stats/history_block.hpp"
#include "stats/snapshot.hpp"

namespace cicada::stats {

// One streamed response as the client measured it (base/request_record.hpp).
using StreamSample = cicada::StreamSample;

// One entry's streams during an interval.
struct StreamDelta {
  std::string method;
  std::string name;
  // Streamed responses measured: the entry's requests that streamed, and the streams the end of the test
  // cut while they arrived (among the unanswered requests, not the entry's; they have no total sample).
  std::uint64_t streams = 0;
  std::uint64_t events = 0;              // events over those streams
  std::uint64_t tokens = 0;              // tokens over those streams
  std::uint64_t tokens_after_first = 0;  // tokens after each stream's first token event
  std::int64_t token_span_us = 0;        // sum of each stream's first -> last token event time
  SparseHistogram ttfb;                  // one sample per stream
  SparseHistogram ttft;                  // one sample per stream that had a token
  SparseHistogram itl;                   // one sample per gap between token events
  SparseHistogram total;                 // one sample per stream not cut by the end: due -> last byte
};

class StreamRecorder {
 public:
  StreamRecorder();
  ~StreamRecorder();
  StreamRecorder(const StreamRecorder&) = delete;
  StreamRecorder& operator=(const StreamRecorder&) = delete;

  void record(std::string_view method, std::string_view name, const StreamSample& sample);
  // Entries with streams since the previous call; the interval starts over.
  std::vector<StreamDelta> take_delta();

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> entries_;  // few streaming entries: a linear scan is enough
};

class StreamAggregate {
 public:
  void merge(std::vector<StreamDelta>&& deltas);
  void reset();
  // Entries sorted by name, then method; the Aggregated row last. Empty when nothing streamed.
  std::vector<StreamSnapshot> snapshot() const;
  // Ends the current second: the Aggregated figures for its history block (the window is the last
  // kWindowSeconds closed seconds). None while nothing has streamed since start or the last reset.
  std::optional<StreamSecond> close_second();

  static constexpr std::size_t kWindowSeconds = 10;

 private:
  struct Accum;
  Histogram open_ttft_, open_itl_;  // the Aggregated samples merged since the last close_second()
  std::vector<std::pair<SparseHistogram, SparseHistogram>> recent_;  // (ttft, itl) per closed second
  Histogram window_;                                                 // scratch for close_second()
  std::vector<std::shared_ptr<Accum>> entries_;                      // sorted by (name, method)
  std::shared_ptr<Accum> total_;
};

}  // namespace cicada::stats
