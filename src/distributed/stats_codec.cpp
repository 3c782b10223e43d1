#include "distributed/stats_codec.hpp"

#include <stdexcept>
#include <string>
#include <type_traits>

namespace cicada::distributed::detail {
namespace {

// Each record's fields are listed once, in order, in fields(); the same list packs and reads it, so the
// two cannot drift apart (as codec.cpp does for the message bodies). Records travel as positional arrays,
// not maps: deltas are the bulk of the traffic. Fields added within a protocol version go at the end,
// after io.later(): a reader given an array that ends there (an older worker) keeps their defaults, and
// an array shorter than that is not a record (msgpack::type_error, caught by decode()).

// [count, sum_us, min_us, max_us, [index, count, index, count, ...]]
template <class Io>
void fields(Io& io, stats::SparseHistogram& h) {
  io(h.count);
  io(h.sum_us);
  io(h.min_us);
  io(h.max_us);
  io(h.buckets);
}
template <class Io>
void fields(Io& io, stats::EntryDelta& e) {
  io(e.method);
  io(e.name);
  io(e.num_requests);
  io(e.num_failures);
  io(e.content_bytes);
  io(e.latency);
  io(e.uncorrected_latency);
}
template <class Io>
void fields(Io& io, stats::FailureDelta& f) {
  io(f.method);
  io(f.name);
  io(f.error);
  io(f.occurrences);
}
template <class Io>
void fields(Io& io, stats::ExceptionDelta& e) {
  io(e.message);
  io(e.where);
  io(e.count);
}
template <class Io>
void fields(Io& io, stats::StreamDelta& s) {
  io(s.method);
  io(s.name);
  io(s.streams);
  io(s.events);
  io(s.tokens);
  io(s.tokens_after_first);
  io(s.token_span_us);
  io(s.ttfb);
  io(s.ttft);
  io(s.itl);
  io(s.total);
}
template <class Io>
void fields(Io& io, stats::StatsDelta& d) {
  io(d.taken_at_unix_s);
  io(d.entries);
  io(d.failures);
  io(d.exceptions);
  io(d.dropped_iterations);
  io.later();  // added within version 2: streamed responses, unanswered requests, open-model iterations
  io(d.streams);
  io(d.unanswered_requests);
  io(d.oldest_unanswered_us);
  io(d.due_iterations);
  io(d.started_iterations);
  io(d.unanswered_counted);  // later still: an older worker's delta has none (0)
}

struct Counter;
template <class T>
concept Record = requires(Counter& c, T& t) {
  fields(c, t);
};

// How many fields a record has, and how many an older sender sends at least.
struct Counter {
  std::uint32_t n = 0;
  std::uint32_t required = 0;
  bool in_later = false;
  template <class T>
  void operator()(const T&) {
    ++n;
    if (!in_later) ++required;
  }
  void later() { in_later = true; }
};

template <Record T>
Counter count_fields(T& record) {
  Counter c;
  fields(c, record);
  return c;
}

struct Writer {
  Packer& pk;
  void later() {}
  template <class T>
  void operator()(const T& value) {
    pk.pack(value);
  }
  template <Record T>
  void operator()(T& record) {
    pk.pack_array(count_fields(record).n);
    fields(*this, record);
  }
  template <Record T>
  void operator()(std::vector<T>& list) {
    pk.pack_array(static_cast<std::uint32_t>(list.size()));
    for (auto& item : list) (*this)(item);
  }
  // Buckets flattened: [index, count, index, count, ...] is about a third smaller than nested pairs.
  void operator()(const std::vector<stats::HistogramBucket>& buckets) {
    pk.pack_array(static_cast<std::uint32_t>(buckets.size() * 2));
    for (const auto& b : buckets) {
      pk.pack(b.index);
      pk.pack(b.count);
    }
  }
};

// The elements of an array, checked: anything else is a type error rather than a read past the end.
const msgpack::object* array_items(const msgpack::object& obj) {
  if (obj.type != msgpack::type::ARRAY) throw msgpack::type_error();
  return obj.via.array.ptr;
}

void read_value(const msgpack::object& obj, auto& value);

// Reads a record's fields in order from its array; fields past the array's end keep their defaults.
struct Reader {
  const msgpack::object* items;
  std::uint32_t size;
  std::uint32_t next = 0;
  void later() {}
  template <class T>
  void operator()(T& value) {
    if (next < size) read_value(items[next++], value);
  }
};

// A delta comes off the network from whatever reaches the master's port, so what the master merges must
// hold the invariants its histograms and totals rely on: a count its buckets did not add up to made the
// master's next reset() write out of bounds (a probe's single message crashed it), and 2^63 requests or
// failures above requests went straight into the reports. Each record is checked as it is read.
constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 40;  // ~10^12: no worker records more in a report

[[noreturn]] void not_a_delta(const char* why) { throw std::invalid_argument(std::string("stats: ") + why); }

void check_count(std::uint64_t n) {
  if (n > kMaxCount) not_a_delta("a count above 2^40");
}

template <class T>
void check(const T&) {}

void check(const stats::SparseHistogram& h) {
  std::uint64_t sum = 0;  // at most kBucketCount buckets of at most 2^40 each: no overflow
  for (std::size_t i = 0; i < h.buckets.size(); ++i) {
    const auto& b = h.buckets[i];
    if (b.index >= stats::Histogram::kBucketCount) not_a_delta("a histogram bucket out of range");
    if (i > 0 && b.index <= h.buckets[i - 1].index) not_a_delta("histogram buckets out of order");
    if (b.count == 0) not_a_delta("an empty histogram bucket");
    check_count(b.count);
    sum += b.count;
  }
  if (sum != h.count) not_a_delta("a histogram's count is not the sum of its buckets");
  if (h.count > 0 && (h.min_us < 0 || h.min_us > h.max_us)) not_a_delta("a histogram's min above its max");
}

void check(const stats::EntryDelta& e) {
  if (e.latency.count != e.num_requests) not_a_delta("an entry's latencies do not match its requests");
  if (!e.uncorrected_latency.empty() && e.uncorrected_latency.count != e.num_requests)
    not_a_delta("an entry's uncorrected latencies do not match its requests");
  if (e.num_failures > e.num_requests) not_a_delta("an entry with more failures than requests");
  check_count(e.num_requests);
}

void check(const stats::FailureDelta& f) { check_count(f.occurrences); }
void check(const stats::ExceptionDelta& e) { check_count(e.count); }

void check(const stats::StatsDelta& d) {
  for (const std::uint64_t n :
       {d.due_iterations, d.started_iterations, d.dropped_iterations, d.unanswered_requests})
    check_count(n);
  // A subset: the JSON's count of requests the target received subtracts it from unanswered_requests.
  if (d.unanswered_counted > d.unanswered_requests)
    not_a_delta("more unanswered requests counted as failures than unanswered requests");
}

template <Record T>
void read_record(const msgpack::object& obj, T& record) {
  const auto* items = array_items(obj);
  if (obj.via.array.size < count_fields(record).required) throw msgpack::type_error();
  Reader reader{items, obj.via.array.size};
  fields(reader, record);
  check(record);
}

template <class T>
void read_list(const msgpack::object& obj, std::vector<T>& list) {
  const auto* items = array_items(obj);
  list.clear();
  list.reserve(obj.via.array.size);
  for (std::uint32_t i = 0; i < obj.via.array.size; ++i) read_value(items[i], list.emplace_back());
}

void read_buckets(const msgpack::object& obj, std::vector<stats::HistogramBucket>& buckets) {
  const auto* items = array_items(obj);
  const std::uint32_t n = obj.via.array.size;
  if (n % 2 != 0) throw msgpack::type_error();
  buckets.clear();
  buckets.reserve(n / 2);
  for (std::uint32_t i = 0; i < n; i += 2) {
    auto& bucket = buckets.emplace_back();
    items[i].convert(bucket.index);
    items[i + 1].convert(bucket.count);
  }
}

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

void read_value(const msgpack::object& obj, auto& value) {
  using T = std::remove_cvref_t<decltype(value)>;
  if constexpr (std::is_same_v<T, std::vector<stats::HistogramBucket>>)
    read_buckets(obj, value);
  else if constexpr (Record<T>)
    read_record(obj, value);
  else if constexpr (IsVector<T>::value)
    read_list(obj, value);
  else
    obj.convert(value);
}

}  // namespace

void pack_delta(Packer& pk, const stats::StatsDelta& delta) {
  Writer writer{pk};
  // The visitor's field list takes records by reference for both directions; packing only reads them.
  writer(const_cast<stats::StatsDelta&>(delta));
}

stats::StatsDelta read_delta(const msgpack::object& obj) {
  stats::StatsDelta delta;
  read_record(obj, delta);
  return delta;
}

}  // namespace cicada::distributed::detail
