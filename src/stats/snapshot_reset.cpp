#include "stats/snapshot_reset.hpp"

#include <memory>

namespace cicada::stats {

Snapshot cleared_snapshot(const Snapshot& before, double now_unix_s) {
  const auto empty = std::make_shared<const Histogram>();
  auto entry = [&](const EntrySnapshot& e) {
    EntrySnapshot z;
    z.method = e.method;
    z.name = e.name;
    z.latency = empty;
    z.uncorrected_latency = empty;
    return z;
  };
  Snapshot s;
  s.now_unix_s = now_unix_s;
  s.start_unix_s = now_unix_s;
  s.user_count = before.user_count;
  s.entries.reserve(before.entries.size());
  for (const auto& e : before.entries) s.entries.push_back(entry(e));
  s.total = entry(before.total);
  s.history = before.history;
  s.stages = before.stages;
  s.streams.reserve(before.streams.size());
  for (const auto& row : before.streams) {
    StreamSnapshot z;
    z.method = row.method;
    z.name = row.name;
    z.ttfb = z.ttft = z.itl = z.total = empty;
    s.streams.push_back(std::move(z));
  }
  s.lost_workers = before.lost_workers;
  s.lost_worker_users = before.lost_worker_users;
  return s;
}

}  // namespace cicada::stats
