#pragma once
// EventStream: times a streamed response body as it arrives, for the streamed-response statistics
// (stats/stream_stats.hpp, docs/protocols.md).
//
// Which responses: `text/event-stream` (server-sent events: "data:" lines, an event ends at a blank line,
// "data: [DONE]" ends an OpenAI-style stream and is not an event) and newline-delimited JSON
// (`application/x-ndjson`, `application/jsonl`: every non-empty line is an event). Other responses are
// not streams and cost one clock read per socket read.
//
// Counting tokens (TokenCounting): one per event whose data is not empty, or the value at a JSON pointer
// inside each event's data: a number counts that many, a non-empty string or array counts one (or its
// length), anything else (absent, null, "") none. `/choices/0/delta/content` counts OpenAI chat chunks, whose
// first chunk only carries the role and so is not the first token.
//
// Parsing follows the SSE rules that matter for timing (lines end in LF, CRLF or CR; "data:" lines of one
// event are joined; comments and other fields are ignored). It reads untrusted bytes: tests/fuzz has a
// target. Buffers keep their capacity, so a warm scanner allocates nothing.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.hpp"
#include "base/clock.hpp"
#include "base/request_record.hpp"
#include "base/result.hpp"
#include "base/token_counting.hpp"

namespace cicada::http {

using cicada::TokenCounting;  // base/token_counting.hpp

class EventStream {
 public:
  enum class Kind { kNone, kEvents, kLines };
  // The stream kind a Content-Type value announces.
  // Inline: the response parser asks too (a stream's bytes past the body limit), without linking this file.
  static Kind kind_of(std::string_view content_type) {
    while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
    if (starts_with_nocase(content_type, "text/event-stream")) return Kind::kEvents;
    if (starts_with_nocase(content_type, "application/x-ndjson") ||
        starts_with_nocase(content_type, "application/jsonl"))
      return Kind::kLines;
    return Kind::kNone;
  }

  // A new response: due is when its request was due (times are measured from it).
  void reset(MonoTime due);
  void set_counting(const TokenCounting* counting) { counting_ = counting; }
  // The response's first bytes arrived at now.
  void first_byte(MonoTime now);
  // Headers are known: starts measuring when kind is not kNone.
  void start(Kind kind) { kind_ = kind; }
  bool active() const { return kind_ != Kind::kNone; }
  bool started() const { return first_byte_set_; }
  // More decoded body bytes, received at now.
  void feed(std::string_view bytes, MonoTime now);
  // The body ended at now (a last event without its blank line still counts). Fills sample; its gaps
  // view stays valid until the next reset().
  void finish(MonoTime now, StreamSample& sample);
  // The body was cut at now before its end (the test ended while it arrived): fills sample with what
  // came until then (an event not yet complete does not count) and total_us -1, as the stream has no
  // end. Returns how long nothing had arrived, microseconds.
  std::int64_t cut(MonoTime now, StreamSample& sample);

 private:
  void fill(MonoTime now, StreamSample& sample) const;
  void on_line(std::string_view line, MonoTime now);
  void dispatch(std::string_view data, MonoTime now);
  std::uint64_t tokens_in(std::string_view data) const;

  const TokenCounting* counting_ = nullptr;
  Kind kind_ = Kind::kNone;
  MonoTime due_{};
  MonoTime first_byte_{};
  MonoTime last_byte_{};  // when bytes last arrived (valid once first_byte_set_)
  bool first_byte_set_ = false;
  bool after_cr_ = false;  // the previous chunk ended in CR: a following LF belongs to it
  // A UTF-8 byte order mark at the start is not part of a line; it may come split across reads, so its
  // bytes are held (bom_held_ of them) until the mark is whole or proves not to be one.
  bool at_start_ = true;
  std::size_t bom_held_ = 0;
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  void scan(std::string_view bytes, MonoTime now);  // feed() past the mark
  std::string line_;                                // a line cut by the end of a read
  std::string data_;                                // data lines of the event being read
  bool event_has_data_ = false;
  std::vector<std::int64_t> gaps_us_;
  std::uint64_t events_ = 0, tokens_ = 0, first_event_tokens_ = 0;
  MonoTime first_token_{}, last_token_{};
  bool have_token_ = false;
};

}  // namespace cicada::http
