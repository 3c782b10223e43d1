#include "distributed/stats_codec.hpp"

namespace cicada::distributed::detail {
namespace {

// Array elements, checked: a short array is a type error rather than a read past the end.
const msgpack::object* items(const msgpack::object& obj, std::uint32_t at_least) {
  if (obj.type != msgpack::type::ARRAY || obj.via.array.size < at_least) throw msgpack::type_error();
  return obj.via.array.ptr;
}

// [count, sum_us, min_us, max_us, [index, count, index, count, ...]]
void pack_histogram(Packer& pk, const stats::SparseHistogram& h) {
  pk.pack_array(5);
  pk.pack(h.count);
  pk.pack(h.sum_us);
  pk.pack(h.min_us);
  pk.pack(h.max_us);
  pk.pack_array(static_cast<std::uint32_t>(h.buckets.size() * 2));
  for (const auto& b : h.buckets) {
    pk.pack(b.index);
    pk.pack(b.count);
  }
}

stats::SparseHistogram read_histogram(const msgpack::object& obj) {
  const auto* f = items(obj, 5);
  stats::SparseHistogram h;
  f[0].convert(h.count);
  f[1].convert(h.sum_us);
  f[2].convert(h.min_us);
  f[3].convert(h.max_us);
  const auto* b = items(f[4], 0);
  const std::uint32_t n = f[4].via.array.size;
  if (n % 2 != 0) throw msgpack::type_error();
  h.buckets.reserve(n / 2);
  for (std::uint32_t i = 0; i < n; i += 2) {
    stats::HistogramBucket bucket;
    b[i].convert(bucket.index);
    b[i + 1].convert(bucket.count);
    h.buckets.push_back(bucket);
  }
  return h;
}

template <class T, class Fn>
void pack_list(Packer& pk, const std::vector<T>& list, Fn&& pack_one) {
  pk.pack_array(static_cast<std::uint32_t>(list.size()));
  for (const auto& item : list) pack_one(item);
}

template <class T, class Fn>
std::vector<T> read_list(const msgpack::object& obj, Fn&& read_one) {
  const auto* f = items(obj, 0);
  std::vector<T> out;
  out.reserve(obj.via.array.size);
  for (std::uint32_t i = 0; i < obj.via.array.size; ++i) out.push_back(read_one(f[i]));
  return out;
}

}  // namespace

// [taken_at_unix_s, entries, failures, exceptions, dropped_iterations, streams, unanswered_requests,
//  oldest_unanswered_us, due_iterations, started_iterations]
void pack_delta(Packer& pk, const stats::StatsDelta& d) {
  pk.pack_array(10);
  pk.pack(d.taken_at_unix_s);
  pack_list(pk, d.entries, [&](const stats::EntryDelta& e) {
    pk.pack_array(7);
    pk.pack(e.method);
    pk.pack(e.name);
    pk.pack(e.num_requests);
    pk.pack(e.num_failures);
    pk.pack(e.content_bytes);
    pack_histogram(pk, e.latency);
    pack_histogram(pk, e.uncorrected_latency);
  });
  pack_list(pk, d.failures, [&](const stats::FailureDelta& f) {
    pk.pack_array(4);
    pk.pack(f.method);
    pk.pack(f.name);
    pk.pack(f.error);
    pk.pack(f.occurrences);
  });
  pack_list(pk, d.exceptions, [&](const stats::ExceptionDelta& e) {
    pk.pack_array(3);
    pk.pack(e.message);
    pk.pack(e.where);
    pk.pack(e.count);
  });
  pk.pack(d.dropped_iterations);
  pack_list(pk, d.streams, [&](const stats::StreamDelta& e) {
    pk.pack_array(11);
    pk.pack(e.method);
    pk.pack(e.name);
    pk.pack(e.streams);
    pk.pack(e.events);
    pk.pack(e.tokens);
    pk.pack(e.tokens_after_first);
    pk.pack(e.token_span_us);
    pack_histogram(pk, e.ttfb);
    pack_histogram(pk, e.ttft);
    pack_histogram(pk, e.itl);
    pack_histogram(pk, e.total);
  });
  pk.pack(d.unanswered_requests);
  pk.pack(d.oldest_unanswered_us);
  pk.pack(d.due_iterations);
  pk.pack(d.started_iterations);
}

stats::StatsDelta read_delta(const msgpack::object& obj) {
  const auto* f = items(obj, 5);
  stats::StatsDelta d;
  f[0].convert(d.taken_at_unix_s);
  d.entries = read_list<stats::EntryDelta>(f[1], [](const msgpack::object& o) {
    const auto* e = items(o, 7);
    stats::EntryDelta entry;
    e[0].convert(entry.method);
    e[1].convert(entry.name);
    e[2].convert(entry.num_requests);
    e[3].convert(entry.num_failures);
    e[4].convert(entry.content_bytes);
    entry.latency = read_histogram(e[5]);
    entry.uncorrected_latency = read_histogram(e[6]);
    return entry;
  });
  d.failures = read_list<stats::FailureDelta>(f[2], [](const msgpack::object& o) {
    const auto* e = items(o, 4);
    stats::FailureDelta failure;
    e[0].convert(failure.method);
    e[1].convert(failure.name);
    e[2].convert(failure.error);
    e[3].convert(failure.occurrences);
    return failure;
  });
  d.exceptions = read_list<stats::ExceptionDelta>(f[3], [](const msgpack::object& o) {
    const auto* e = items(o, 3);
    stats::ExceptionDelta exception;
    e[0].convert(exception.message);
    e[1].convert(exception.where);
    e[2].convert(exception.count);
    return exception;
  });
  f[4].convert(d.dropped_iterations);
  if (obj.via.array.size > 5) {  // streamed responses (a worker without them sends five fields)
    d.streams = read_list<stats::StreamDelta>(f[5], [](const msgpack::object& o) {
      const auto* e = items(o, 11);
      stats::StreamDelta stream;
      e[0].convert(stream.method);
      e[1].convert(stream.name);
      e[2].convert(stream.streams);
      e[3].convert(stream.events);
      e[4].convert(stream.tokens);
      e[5].convert(stream.tokens_after_first);
      e[6].convert(stream.token_span_us);
      stream.ttfb = read_histogram(e[7]);
      stream.ttft = read_histogram(e[8]);
      stream.itl = read_histogram(e[9]);
      stream.total = read_histogram(e[10]);
      return stream;
    });
  }
  if (obj.via.array.size > 7) {  // unanswered requests at the end (older workers send six fields)
    f[6].convert(d.unanswered_requests);
    f[7].convert(d.oldest_unanswered_us);
  }
  if (obj.via.array.size > 9) {  // iterations due and started (open model)
    f[8].convert(d.due_iterations);
    f[9].convert(d.started_iterations);
  }
  return d;
}

}  // namespace cicada::distributed::detail
