#include "stats/stream_stats.hpp"

#include <algorithm>
#include <array>
#include <tuple>

#include "stats/delta.hpp"

namespace cicada::stats {

namespace {

// One entry's streams: what a thread records in an interval and what the runner sums over the run.
struct StreamTotals {
  std::string method;
  std::string name;
  std::uint64_t streams = 0, events = 0, tokens = 0, tokens_after_first = 0;
  std::int64_t token_span_us = 0;
  Histogram ttfb, ttft, itl, total;
};

}  // namespace

struct StreamRecorder::Entry : StreamTotals {};

StreamRecorder::StreamRecorder() = default;
StreamRecorder::~StreamRecorder() = default;

void StreamRecorder::record(std::string_view method, std::string_view name, const StreamSample& sample) {
  Entry* entry = nullptr;
  for (auto& e : entries_) {
    if (e->name == name && e->method == method) {
      entry = e.get();
      break;
    }
  }
  // As request entries (delta.hpp kMaxEntries): a stream named by its prompt id must not grow memory
  // without bound; further names are counted under kOtherNames.
  if (entry == nullptr && entries_.size() >= kMaxEntries && name != kOtherNames)
    return record(method, kOtherNames, sample);
  if (entry == nullptr) {
    entries_.push_back(std::make_unique<Entry>());
    entry = entries_.back().get();
    entry->method = method;
    entry->name = name;
  }
  ++entry->streams;
  entry->events += sample.events;
  entry->tokens += sample.tokens;
  entry->ttfb.record(sample.ttfb_us);
  if (sample.total_us >= 0) entry->total.record(sample.total_us);  // -1: cut by the end, no total
  if (sample.ttft_us >= 0) entry->ttft.record(sample.ttft_us);
  for (std::int64_t gap : sample.gaps_us) entry->itl.record(gap);
  entry->token_span_us += sample.token_span_us;
  entry->tokens_after_first += sample.tokens_after_first;
}

std::vector<StreamDelta> StreamRecorder::take_delta() {
  std::vector<StreamDelta> out;
  for (auto& e : entries_) {
    if (e->streams == 0) continue;
    StreamDelta d;
    d.method = e->method;
    d.name = e->name;
    d.streams = std::exchange(e->streams, 0);
    d.events = std::exchange(e->events, 0);
    d.tokens = std::exchange(e->tokens, 0);
    d.tokens_after_first = std::exchange(e->tokens_after_first, 0);
    d.token_span_us = std::exchange(e->token_span_us, 0);
    d.ttfb = e->ttfb.to_sparse();
    d.ttft = e->ttft.to_sparse();
    d.itl = e->itl.to_sparse();
    d.total = e->total.to_sparse();
    e->ttfb.reset();
    e->ttft.reset();
    e->itl.reset();
    e->total.reset();
    out.push_back(std::move(d));
  }
  return out;
}

struct StreamAggregate::Accum : StreamTotals {
  void add(const StreamDelta& d) {
    streams += d.streams;
    events += d.events;
    tokens += d.tokens;
    tokens_after_first += d.tokens_after_first;
    token_span_us += d.token_span_us;
    ttfb.merge(d.ttfb);
    ttft.merge(d.ttft);
    itl.merge(d.itl);
    total.merge(d.total);
  }
};

void StreamAggregate::merge(std::vector<StreamDelta>&& deltas) {
  const auto find = [this](const StreamDelta& key) {
    return std::lower_bound(entries_.begin(), entries_.end(), key, [](const auto& a, const StreamDelta& k) {
      return std::tie(a->name, a->method) < std::tie(k.name, k.method);
    });
  };
  for (StreamDelta& d : deltas) {
    auto it = find(d);
    const auto missing = [&] {
      return it == entries_.end() || (*it)->name != d.name || (*it)->method != d.method;
    };
    if (missing() && entries_.size() >= kMaxEntries && d.name != kOtherNames) {
      d.name = std::string(kOtherNames);  // capped as the request entries are
      it = find(d);
    }
    if (missing()) {
      auto fresh = std::make_shared<Accum>();
      fresh->method = d.method;
      fresh->name = d.name;
      it = entries_.insert(it, std::move(fresh));
    }
    (*it)->add(d);
    if (!total_) {
      total_ = std::make_shared<Accum>();
      total_->name = "Aggregated";
    }
    total_->add(d);
    open_ttft_.merge(d.ttft);
    open_itl_.merge(d.itl);
  }
}

void StreamAggregate::reset() {
  // Entries stay (with nothing in them), as the request entries do on a reset.
  for (auto& e : entries_) {
    auto fresh = std::make_shared<Accum>();
    fresh->method = e->method;
    fresh->name = e->name;
    e = std::move(fresh);
  }
  if (total_) {
    total_ = std::make_shared<Accum>();
    total_->name = "Aggregated";
  }
  open_ttft_.reset();
  open_itl_.reset();
  recent_.clear();
}

namespace {

Percentiles percentiles_of(const Histogram& h) {
  Percentiles p{};
  if (h.count() != 0) h.values_at_quantiles(kReportedQuantiles, p);
  return p;
}

}  // namespace

std::optional<StreamSecond> StreamAggregate::close_second() {
  if (!total_) return std::nullopt;
  recent_.emplace_back(open_ttft_.to_sparse(), open_itl_.to_sparse());
  if (recent_.size() > kWindowSeconds) recent_.erase(recent_.begin());
  open_ttft_.reset();
  open_itl_.reset();
  StreamSecond out;
  out.streams = total_->streams;
  constexpr std::array<double, 3> kQuantiles = {0.50, 0.95, 0.99};
  auto window = [&](auto member, std::array<std::int64_t, 3>& values) {
    window_.reset();
    for (const auto& second : recent_) window_.merge(second.*member);
    if (window_.count() != 0) window_.values_at_quantiles(kQuantiles, values);
    return window_.count();
  };
  using Pair = std::pair<SparseHistogram, SparseHistogram>;
  out.ttft_count = window(&Pair::first, out.ttft_us);
  out.itl_count = window(&Pair::second, out.itl_us);
  return out;
}

std::vector<StreamSnapshot> StreamAggregate::snapshot() const {
  std::vector<StreamSnapshot> out;
  if (!total_) return out;
  auto row = [](const Accum& a) {
    StreamSnapshot s;
    s.method = a.method;
    s.name = a.name;
    s.streams = a.streams;
    s.events = a.events;
    s.tokens = a.tokens;
    if (a.token_span_us > 0)
      s.tokens_per_s = static_cast<double>(a.tokens_after_first) * 1e6 / static_cast<double>(a.token_span_us);
    s.ttfb_us = percentiles_of(a.ttfb);
    s.ttft_us = percentiles_of(a.ttft);
    s.itl_us = percentiles_of(a.itl);
    s.total_us = percentiles_of(a.total);
    s.ttft_avg_us = a.ttft.mean();
    s.itl_avg_us = a.itl.mean();
    s.ttft_count = a.ttft.count();
    s.itl_count = a.itl.count();
    s.ttfb = std::make_shared<const Histogram>(a.ttfb);
    s.ttft = std::make_shared<const Histogram>(a.ttft);
    s.itl = std::make_shared<const Histogram>(a.itl);
    s.total = std::make_shared<const Histogram>(a.total);
    return s;
  };
  for (const auto& e : entries_) out.push_back(row(*e));
  out.push_back(row(*total_));
  return out;
}

}  // namespace cicada::stats
