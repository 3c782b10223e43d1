#include "http/client/event_stream.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>

namespace cicada::http {
void EventStream::reset(MonoTime due) {
  kind_ = Kind::kNone;
  due_ = due;
  first_byte_set_ = false;
  after_cr_ = false;
  at_start_ = true;
  bom_held_ = 0;
  line_.clear();
  data_.clear();
  event_has_data_ = false;
  gaps_us_.clear();
  events_ = tokens_ = first_event_tokens_ = 0;
  have_token_ = false;
}

void EventStream::first_byte(MonoTime now) {
  if (first_byte_set_) return;
  first_byte_ = last_byte_ = now;
  first_byte_set_ = true;
}

void EventStream::feed(std::string_view bytes, MonoTime now) {
  if (kind_ == Kind::kNone) return;
  if (!bytes.empty()) last_byte_ = now;
  // The event stream format ignores one leading byte order mark (a "data:" line after it was not seen).
  if (at_start_) {
    while (!bytes.empty() && bom_held_ < kBom.size() && bytes.front() == kBom[bom_held_]) {
      ++bom_held_;
      bytes.remove_prefix(1);
    }
    if (bytes.empty() && bom_held_ < kBom.size()) return;  // all of it may still be the mark
    at_start_ = false;
    if (bom_held_ < kBom.size()) scan(kBom.substr(0, bom_held_), now);  // not a mark: text after all
  }
  scan(bytes, now);
}

void EventStream::scan(std::string_view bytes, MonoTime now) {
  if (after_cr_ && !bytes.empty() && bytes.front() == '\n') bytes.remove_prefix(1);
  after_cr_ = false;
  while (!bytes.empty()) {
    const auto end = bytes.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      line_.append(bytes);
      return;
    }
    if (line_.empty()) {
      on_line(bytes.substr(0, end), now);
    } else {
      line_.append(bytes.substr(0, end));
      on_line(line_, now);
      line_.clear();
    }
    const bool cr = bytes[end] == '\r';
    bytes.remove_prefix(end + 1);
    if (cr) {
      if (bytes.empty())
        after_cr_ = true;
      else if (bytes.front() == '\n')
        bytes.remove_prefix(1);
    }
  }
}

void EventStream::on_line(std::string_view line, MonoTime now) {
  if (kind_ == Kind::kLines) {
    if (!line.empty()) dispatch(line, now);
    return;
  }
  if (line.empty()) {  // end of an event
    if (event_has_data_) dispatch(data_, now);
    data_.clear();
    event_has_data_ = false;
    return;
  }
  if (!line.starts_with("data")) return;  // comments (":") and other fields
  std::string_view value = line.substr(4);
  if (!value.empty() && value.front() != ':') return;  // "database: x" is another field
  if (!value.empty()) value.remove_prefix(1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (event_has_data_) data_ += '\n';
  data_.append(value);
  event_has_data_ = true;
}

void EventStream::dispatch(std::string_view data, MonoTime now) {
  if (data == "[DONE]") return;  // OpenAI's end marker: not an event
  ++events_;
  // An event with empty data (bare "data:" lines: a keep-alive) is dispatched by the SSE rules but carries
  // no token: no stream sends an empty token, so it counts as an event, not as a token or a gap.
  if (data.find_first_not_of('\n') == std::string_view::npos) return;
  const std::uint64_t tokens = tokens_in(data);
  if (tokens == 0) return;
  if (!have_token_) {
    have_token_ = true;
    first_token_ = now;
    first_event_tokens_ = tokens;
  } else {
    gaps_us_.push_back(micros_between(last_token_, now));
  }
  last_token_ = now;
  tokens_ += tokens;
}

std::uint64_t EventStream::tokens_in(std::string_view data) const {
  if (counting_ == nullptr || counting_->json_pointer.empty()) return 1;
  // One parser per thread: its buffers are reused, so a warm parse allocates nothing.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(data.data(), data.size()).get(doc) != simdjson::SUCCESS) return 0;
  simdjson::dom::element value;
  if (doc.at_pointer(counting_->json_pointer).get(value) != simdjson::SUCCESS) return 0;
  if (value.is_string()) return value.get_string().value_unsafe().empty() ? 0 : 1;
  if (value.is_array()) return value.get_array().value_unsafe().size();
  double number = 0;
  if (value.is_number() && value.get_double().get(number) == simdjson::SUCCESS && std::isfinite(number) &&
      number > 0) {
    return static_cast<std::uint64_t>(std::llround(std::min(number, 1e12)));
  }
  return 0;
}

void EventStream::finish(MonoTime now, StreamSample& sample) {
  if (at_start_ && bom_held_ > 0) {  // the body ended inside what could have been a mark: it was text
    at_start_ = false;
    scan(kBom.substr(0, bom_held_), now);
  }
  if (!line_.empty()) {
    on_line(line_, now);
    line_.clear();
  }
  if (kind_ == Kind::kEvents && event_has_data_) {
    dispatch(data_, now);
    data_.clear();
    event_has_data_ = false;
  }
  fill(now, sample);
}

std::int64_t EventStream::cut(MonoTime now, StreamSample& sample) {
  fill(now, sample);
  sample.total_us = -1;
  return micros_between(first_byte_set_ ? last_byte_ : due_, now);
}

void EventStream::fill(MonoTime now, StreamSample& sample) const {
  sample = {};
  sample.ttfb_us = first_byte_set_ ? micros_between(due_, first_byte_) : micros_between(due_, now);
  sample.ttft_us = have_token_ ? micros_between(due_, first_token_) : -1;
  sample.gaps_us = gaps_us_;
  sample.events = events_;
  sample.tokens = tokens_;
  sample.tokens_after_first = have_token_ ? tokens_ - first_event_tokens_ : 0;
  sample.token_span_us = have_token_ ? micros_between(first_token_, last_token_) : 0;
  sample.total_us = micros_between(due_, now);
}

}  // namespace cicada::http
