#include "distributed/worker_table.hpp"

#include <algorithm>

namespace cicada::distributed {

bool WorkerTable::join(const std::string& id, const Hello& hello, MonoTime now) {
  if (auto* w = find(id)) {
    w->last_seen = now;
    return false;
  }
  WorkerInfo info;
  info.id = id;
  info.hello = hello;
  info.index = next_index_++;
  info.last_seen = now;
  workers_.push_back(std::move(info));
  return true;
}

WorkerInfo* WorkerTable::find(const std::string& id) {
  auto it = std::find_if(workers_.begin(), workers_.end(), [&](const WorkerInfo& w) { return w.id == id; });
  return it == workers_.end() ? nullptr : &*it;
}

void WorkerTable::remove(const std::string& id) {
  std::erase_if(workers_, [&](const WorkerInfo& w) { return w.id == id; });
}

std::vector<WorkerInfo> WorkerTable::expire(MonoTime now, std::chrono::milliseconds timeout) {
  std::vector<WorkerInfo> gone;
  std::erase_if(workers_, [&](WorkerInfo& w) {
    if (now - w.last_seen <= timeout) return false;
    gone.push_back(std::move(w));
    return true;
  });
  missing_ += gone.size();
  return gone;
}

bool WorkerTable::accept_stats(const std::string& id, std::uint64_t test_id, std::uint64_t seq) {
  WorkerInfo* w = find(id);
  if (!w || test_id == 0 || w->test_id != test_id || seq <= w->last_seq) return false;
  w->last_seq = seq;
  return true;
}

int WorkerTable::reported_users() const {
  int total = 0;
  for (const auto& w : workers_) total += w.user_count;
  return total;
}

}  // namespace cicada::distributed
