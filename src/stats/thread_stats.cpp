#include "stats/thread_stats.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>

namespace cicada::stats {

namespace {

// Hash/equality usable with both owning keys and string_view probes, so a lookup never builds a string
// (C++20 heterogeneous lookup for unordered containers).
struct EntryKey {
  std::string method;
  std::string name;
};
struct EntryProbe {
  std::string_view method;
  std::string_view name;
};
struct EntryHash {
  using is_transparent = void;
  std::size_t operator()(const EntryProbe& p) const {
    std::size_t h = std::hash<std::string_view>{}(p.name);
    return h ^ (std::hash<std::string_view>{}(p.method) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
  std::size_t operator()(const EntryKey& k) const { return (*this)(EntryProbe{k.method, k.name}); }
};
struct EntryEq {
  using is_transparent = void;
  static EntryProbe probe(const EntryKey& k) { return {k.method, k.name}; }
  static EntryProbe probe(const EntryProbe& p) { return p; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    auto pa = probe(a), pb = probe(b);
    return pa.method == pb.method && pa.name == pb.name;
  }
};

struct FailureKey {
  EntryId entry;
  std::string error;
};
struct FailureProbe {
  EntryId entry;
  std::string_view error;
};
struct FailureHash {
  using is_transparent = void;
  std::size_t operator()(const FailureProbe& p) const {
    return std::hash<std::string_view>{}(p.error) * 31 + p.entry;
  }
  std::size_t operator()(const FailureKey& k) const { return (*this)(FailureProbe{k.entry, k.error}); }
};
struct FailureEq {
  using is_transparent = void;
  static FailureProbe probe(const FailureKey& k) { return {k.entry, k.error}; }
  static FailureProbe probe(const FailureProbe& p) { return p; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    auto pa = probe(a), pb = probe(b);
    return pa.entry == pb.entry && pa.error == pb.error;
  }
};

// One entry's counters for the current interval. The histogram is allocated once, with the entry.
struct EntryState {
  std::string method;
  std::string name;
  std::uint64_t num_requests = 0;
  std::uint64_t num_failures = 0;
  std::uint64_t content_bytes = 0;
  Histogram latency;              // corrected (from the due time)
  Histogram uncorrected_latency;  // from the send; equal to latency unless some sample started late
  bool any_late = false;          // a sample of this interval had uncorrected != corrected
  std::size_t error_texts = 0;    // keys of this entry in Impl::failures, kOtherErrors excluded
};

}  // namespace

struct ThreadStats::Impl {
  std::deque<EntryState> entries;  // deque: EntryState addresses stay valid as entries are added
  std::unordered_map<EntryKey, EntryId, EntryHash, EntryEq> entry_index;
  // A key used in an interval is kept after take_delta() (with count 0), so an error text that repeats
  // every second never allocates again; one idle for a whole interval is dropped, so texts that never
  // repeat (ids, times) cannot pile up. At most kMaxErrorsPerEntry texts per entry: the rest are counted
  // under kOtherErrors.
  std::unordered_map<FailureKey, std::uint64_t, FailureHash, FailureEq> failures;
  // Off the hot path: first-seen order matters for the exceptions report.
  std::vector<ExceptionDelta> exceptions;
};

ThreadStats::ThreadStats() : impl_(new Impl) {}
ThreadStats::~ThreadStats() { delete impl_; }

EntryId ThreadStats::entry(std::string_view method, std::string_view name) {
  auto it = impl_->entry_index.find(EntryProbe{method, name});
  if (it != impl_->entry_index.end()) return it->second;
  if (impl_->entries.size() >= kMaxEntries && name != kOtherNames) return entry(method, kOtherNames);
  auto id = static_cast<EntryId>(impl_->entries.size());
  auto& e = impl_->entries.emplace_back();
  e.method = method;
  e.name = name;
  impl_->entry_index.emplace(EntryKey{std::string(method), std::string(name)}, id);
  return id;
}

void ThreadStats::record_success(EntryId id, std::int64_t latency_us, std::uint64_t content_bytes) {
  record_success(id, SampleLatency{latency_us, latency_us}, content_bytes);
}

void ThreadStats::record_failure(EntryId id, std::int64_t latency_us, std::uint64_t content_bytes,
                                 std::string_view error) {
  record_failure(id, SampleLatency{latency_us, latency_us}, content_bytes, error);
}

void ThreadStats::record_success(EntryId id, SampleLatency latency, std::uint64_t content_bytes) {
  EntryState& e = impl_->entries[id];
  ++recorded_;
  ++e.num_requests;
  e.content_bytes += content_bytes;
  e.latency.record(latency.corrected_us);
  e.uncorrected_latency.record(latency.uncorrected_us);
  e.any_late |= latency.uncorrected_us != latency.corrected_us;
}

void ThreadStats::record_failure(EntryId id, SampleLatency latency, std::uint64_t content_bytes,
                                 std::string_view error) {
  record_success(id, latency, content_bytes);
  EntryState& e = impl_->entries[id];
  ++e.num_failures;
  auto it = impl_->failures.find(FailureProbe{id, error});
  if (it != impl_->failures.end()) {
    ++it->second;
    return;
  }
  if (e.error_texts >= kMaxErrorsPerEntry) {
    it = impl_->failures.find(FailureProbe{id, kOtherErrors});
    if (it == impl_->failures.end())
      it = impl_->failures.emplace(FailureKey{id, std::string(kOtherErrors)}, 0).first;
    ++it->second;
    return;
  }
  ++e.error_texts;
  impl_->failures.emplace(FailureKey{id, std::string(error)}, 1);
}

EntryId ThreadStats::entry_of(std::string_view method, std::string_view name) {
  for (const auto& r : recent_)
    if (r.used && r.name == name && r.method == method) return r.id;
  RecentEntry& slot = recent_[recent_next_];
  recent_next_ = (recent_next_ + 1) % recent_.size();
  slot.method.assign(method);  // reuses the slot's capacity: no allocation once warm
  slot.name.assign(name);
  slot.id = entry(method, name);
  slot.used = true;
  return slot.id;
}

void ThreadStats::on_request(const RequestRecord& record) {
  const EntryId id = entry_of(record.method, record.name);
  const SampleLatency latency{record.response_time_us, record.uncorrected_response_time_us};
  if (record.failed())
    record_failure(id, latency, record.response_bytes, record.error);
  else
    record_success(id, latency, record.response_bytes);
}

void ThreadStats::on_unanswered(std::string_view method, std::string_view name, std::int64_t waited_us,
                                CutAt at) {
  ++unanswered_;
  oldest_unanswered_us_ = std::max(oldest_unanswered_us_, waited_us);
  if (waited_us < kUnansweredFailureAfterUs) return;
  // Counted here, not read back from the failure rows: an entry past kMaxErrorsPerEntry texts (here or in
  // the totals) files this one under kOtherErrors.
  ++unanswered_counted_;
  // One text for all, so they group in one failures row; the wait itself is the sample's response time
  // (the entry's max) and the oldest is reported beside the count.
  record_failure(entry(method, name), SampleLatency{waited_us, waited_us}, 0,
                 at == CutAt::kConnecting  ? kUnsentError
                 : at == CutAt::kReceiving ? kCutResponseError
                                           : kUnansweredError);
}

void ThreadStats::on_cut_stream(std::string_view method, std::string_view name, std::int64_t waited_us,
                                std::int64_t silent_us, const StreamSample& partial) {
  ++unanswered_;
  oldest_unanswered_us_ = std::max(oldest_unanswered_us_, waited_us);
  // The 1 s rule of on_unanswered, on what the stream was waiting for: its next byte.
  if (silent_us >= kUnansweredFailureAfterUs) {
    ++unanswered_counted_;
    record_failure(entry(method, name), SampleLatency{waited_us, waited_us}, 0, kStalledStreamError);
    return;
  }
  streams_.record(method, name, partial);
}

void ThreadStats::record_exception(std::string_view message, std::string_view where) {
  if (impl_->exceptions.size() >= kMaxExceptions) {
    message = kOtherExceptions;
    where = {};
  }
  for (auto& ex : impl_->exceptions) {
    if (ex.message == message && ex.where == where) {
      ++ex.count;
      return;
    }
  }
  impl_->exceptions.push_back(ExceptionDelta{std::string(message), std::string(where), 1});
}

StatsDelta ThreadStats::take_delta() {
  StatsDelta d;
  d.taken_at_unix_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (auto& e : impl_->entries) {
    if (e.num_requests == 0) continue;
    d.entries.push_back(EntryDelta{
        e.method, e.name, e.num_requests, e.num_failures, e.content_bytes, e.latency.to_sparse(), {}});
    // Closed-model intervals (no late sample) send one histogram: the receiver reuses it as uncorrected.
    if (e.any_late) d.entries.back().uncorrected_latency = e.uncorrected_latency.to_sparse();
    e.num_requests = e.num_failures = e.content_bytes = 0;
    e.any_late = false;
    e.latency.reset();
    e.uncorrected_latency.reset();
  }
  for (auto it = impl_->failures.begin(); it != impl_->failures.end();) {
    EntryState& e = impl_->entries[it->first.entry];
    if (it->second == 0) {  // idle for a whole interval: forget the text
      if (it->first.error != kOtherErrors) --e.error_texts;
      it = impl_->failures.erase(it);
      continue;
    }
    d.failures.push_back(FailureDelta{e.method, e.name, it->first.error, it->second});
    it->second = 0;
    ++it;
  }
  d.due_iterations = std::exchange(due_iterations_, 0);
  d.started_iterations = std::exchange(started_iterations_, 0);
  d.dropped_iterations = std::exchange(dropped_iterations_, 0);
  d.streams = streams_.take_delta();
  d.unanswered_requests = std::exchange(unanswered_, 0);
  d.unanswered_counted = std::exchange(unanswered_counted_, 0);
  d.oldest_unanswered_us = std::exchange(oldest_unanswered_us_, 0);
  d.exceptions = std::move(impl_->exceptions);
  impl_->exceptions.clear();
  return d;
}

}  // namespace cicada::stats
